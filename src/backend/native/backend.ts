import type { Storage, View } from "../backend.js";
import { WasmBackend, type WasmBackendOptions } from "../wasm/backend.js";
import type { NativeAddon } from "./addon.js";
import { nativeMatmul } from "./gemm.js";

/**
 * The wasm backend with some kernels replaced by native C ones (native/, AVX-512, AVX2+FMA or portable,
 * picked at load). Tensors stay in the same WebAssembly heap and the native kernels work on it in place,
 * so every kernel not overridden here (or a shape or dtype an override declines) runs the wasm kernel,
 * per call, with no copy.
 */
export class NativeBackend extends WasmBackend {
  override readonly name = "native";

  constructor(readonly addon: NativeAddon, readonly isa: string, options: WasmBackendOptions = {}) {
    super(options);
  }

  override matmul(a: View, b: View, out: Storage, accumulate = false): void {
    if (nativeMatmul(this.addon, this, a, b, out, accumulate)) return;
    super.matmul(a, b, out, accumulate);
  }
}
