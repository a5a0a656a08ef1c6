import type { Storage, View } from "../backend.js";
import { WasmBackend, type WasmBackendOptions } from "../wasm/backend.js";
import type { NativeAddon } from "./addon.js";
import { nativeMatmul } from "./gemm.js";
import { nativeConv2d, nativeConv2dBackwardInput, nativeConv2dBackwardWeight } from "./conv.js";
import type { Conv2dGeometry } from "../../core/ops/conv.js";
import { nativeRecurrentBackward, nativeRecurrentForward } from "./recurrent.js";
import type { RecurrentStep, RecurrentStepGrad } from "../../core/ops/recurrent-step.js";
import { nativeIndexSelect } from "./gather.js";
import { nativeAdamStep, nativeSgdStep } from "./optim.js";
import type { AdamStepOptions, SgdStepOptions } from "../../optim/fused.js";

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

  override sgdStep(p: Storage, g: Storage, buf: Storage | null, n: number, options: SgdStepOptions): void {
    if (nativeSgdStep(this.addon, this, p, g, buf, n, options)) return;
    super.sgdStep(p, g, buf, n, options);
  }

  override adamStep(p: Storage, g: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null,
    n: number, options: AdamStepOptions): void {
    if (nativeAdamStep(this.addon, this, p, g, expAvg, expAvgSq, maxExpAvgSq, n, options)) return;
    super.adamStep(p, g, expAvg, expAvgSq, maxExpAvgSq, n, options);
  }

  override conv2d(x: View, weight: View, bias: View | null, geometry: Conv2dGeometry, out: Storage): void {
    if (nativeConv2d(this.addon, this, x, weight, bias, geometry, out)) return;
    super.conv2d(x, weight, bias, geometry, out);
  }

  override conv2dBackwardInput(grad: View, weight: View, geometry: Conv2dGeometry, out: Storage): void {
    if (nativeConv2dBackwardInput(this.addon, this, grad, weight, geometry, out)) return;
    super.conv2dBackwardInput(grad, weight, geometry, out);
  }

  override conv2dBackwardWeight(x: View, grad: View, geometry: Conv2dGeometry, out: Storage,
    biasOut: Storage | null): void {
    if (nativeConv2dBackwardWeight(this.addon, this, x, grad, geometry, out, biasOut)) return;
    super.conv2dBackwardWeight(x, grad, geometry, out, biasOut);
  }

  override recurrentForward(step: RecurrentStep): void {
    if (nativeRecurrentForward(this.addon, this, step)) return;
    super.recurrentForward(step);
  }

  override recurrentBackward(step: RecurrentStep, grad: RecurrentStepGrad): void {
    if (nativeRecurrentBackward(this.addon, this, step, grad)) return;
    super.recurrentBackward(step, grad);
  }

  override indexSelect(x: View, dim: number, index: View, out: Storage): void {
    if (nativeIndexSelect(this.addon, this, x, dim, index, out)) return;
    super.indexSelect(x, dim, index, out);
  }
}
