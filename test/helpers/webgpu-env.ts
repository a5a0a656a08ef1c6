// Imported first by the WebGPU test cases (test/webgpu/cases/, run by test/webgpu/webgpu.test.ts in a
// child process with SwiftShader's Vulkan driver and ZENDL_WEBGPU_CHILD=1): opens the WebGPU backend,
// makes it the default and points BACKENDS (on-backend.ts) at it. `node --test dist/test/` also runs
// every .js file below a test/ folder by itself, without that environment: then the cases define no
// tests (`inWebGpuChild` is false) and pass trivially, and webgpu.test.ts runs them properly.
import * as zd from "../../src/index.js";

export const inWebGpuChild = process.env.ZENDL_WEBGPU_CHILD === "1";

if (inWebGpuChild) {
  process.env.ZENDL_TEST_BACKENDS = "webgpu";
  await zd.setBackend("webgpu");
}
