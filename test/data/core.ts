// The core API these tests use, under the names `zd.*` of the public package.
export { Tensor } from "../../src/core/tensor.js";
export { tensor, zeros, ones, arange, randn } from "../../src/core/creation.js";
export { manualSeed } from "../../src/core/random.js";
