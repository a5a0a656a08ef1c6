/** The native kernels' addon (native/zendl.c) as the backend sees it; the Node platform loads it. */
export interface NativeAddon {
  /** desc: [threads, m, n, k, rsA, csA, rsB, csB, accumulate, count, then byte offsets of A, B, C each]. */
  gemm(heap: Uint8Array, desc: Float64Array): void;
  /**
   * Adam/AdamW step on contiguous float32 arrays (bit for bit the wasm kernel's): desc = [byte offsets
   * of p, g, m, v, vmax (-1: none), n, beta1, 1 - beta1, beta2, 1 - beta2, wd, decay, stepSize, bc2,
   * eps, flags].
   */
  adam(heap: Uint8Array, desc: Float64Array): void;
  /** SGD step: desc = [byte offsets of p, g, buf (-1: none), n, lr, momentum, 1 - dampening, wd, flags]. */
  sgd(heap: Uint8Array, desc: Float64Array): void;
  /**
   * conv2d and its gradients by im2col + GEMM (native/conv.c): desc = [threads, mode (0 forward, 1 input
   * gradient, 2 weight gradient), N, C, H, W, O, G, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW, then
   * byte offsets of a, b, bias, out, biasOut (-1: none)].
   */
  conv2d(heap: Uint8Array, desc: Float64Array): void;
  /**
   * indexSelect on a contiguous input: desc = [byte offsets of x, index (int32), out, outer, size, count,
   * inner, index step, element bytes (4 or 8)]; throws on an index outside [0, size).
   */
  indexSelect(heap: Uint8Array, desc: Float64Array): void;
  /** "auto" or an instruction set name; returns the one in use, or throws why it cannot be. */
  selectIsa(name: string): string;
  /** Instruction sets compiled in that this CPU runs. */
  isas(): string[];
}

/** The addon with its instruction set chosen, or one line saying why there is none. */
export type NativeLoad =
  | { addon: NativeAddon; isa: string; reason: null }
  | { addon: null; isa: null; reason: string };
