/**
 * The Node entry, `zendl/node` (and what `import "zendl"` resolves to under Node): the whole public API
 * of src/index.ts plus what only Node has. File paths work in both through the host layer
 * (src/node/platform.ts); this entry adds the file helpers the CLI and scripts use directly.
 */
export * from "../index.js";
export { writeFileAtomic, writeFileAtomicSync } from "./atomic-write.js";
export { saveOnnx } from "./onnx-file.js";
export { savePyTorch } from "./pytorch-files.js";
