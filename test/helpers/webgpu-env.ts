// Imported first by the WebGPU test cases (test/webgpu/cases/, run by test/webgpu/webgpu.test.ts in a
// child process with SwiftShader's Vulkan driver): opens the WebGPU backend, makes it the default and
// points BACKENDS (on-backend.ts) at it.
import * as zd from "../../src/index.js";

process.env.ZENDL_TEST_BACKENDS = "webgpu";
await zd.setBackend("webgpu");
