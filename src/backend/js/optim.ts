import type { Storage } from "../backend.js";
import type { AdamStepOptions, SgdStepOptions } from "../../optim/fused.js";
import { jsData } from "./strided.js";

/**
 * The fused steps must give what the unfused tensor ops give. Those round every intermediate result
 * to the storage's type (and scalars too, as `scalarFor` makes them tensors of that type), so float32
 * rounds after each operation here; float64 needs no rounding. (A plain function with a flag, not a
 * rounding function chosen per call: V8 inlines the former reliably in every kernel.)
 */
function rd(f32: boolean, x: number): number {
  return f32 ? Math.fround(x) : x;
}

/**
 * Checks the storages of a fused optimizer step: one float dtype, `n` elements each at least. Shared by
 * the backends, since a fast kernel given a short block would write past it.
 */
export function checkStepStorages(kernel: string, n: number, storages: readonly (Storage | null)[]): void {
  const dtype = storages[0]?.dtype;
  if (dtype !== "float32" && dtype !== "float64") {
    throw new Error(`${kernel}: expected float32 or float64 storages, got ${dtype}`);
  }
  if (!Number.isInteger(n) || n < 0) throw new Error(`${kernel}: invalid element count ${n}`);
  for (const s of storages) {
    if (s === null) continue;
    if (s.dtype !== dtype) throw new Error(`${kernel}: storages mix ${dtype} and ${s.dtype}`);
    if (s.size < n) throw new Error(`${kernel}: a storage of ${s.size} elements is shorter than ${n}`);
  }
}

/** The per-step scalars of Adam, in float64, computed once so every backend rounds the same values. */
export function adamScalars(o: AdamStepOptions): {
  decay: number; stepSize: number; biasCorrection2Sqrt: number;
} {
  return {
    decay: 1 - o.lr * o.weightDecay,
    stepSize: o.lr / (1 - o.beta1 ** o.step),
    biasCorrection2Sqrt: Math.sqrt(1 - o.beta2 ** o.step),
  };
}

// d = ±g + wd·p; buf = d at the first step, else momentum·buf + (1 − dampening)·d;
// p −= lr·(nesterov ? d + momentum·buf : buf). Skipped terms (wd = 0, momentum = 0) are skipped, not
// multiplied by zero, as the tensor ops do: 0·inf would be NaN.
export function sgdStepKernel(p: Storage, g: Storage, buf: Storage | null, n: number,
  o: SgdStepOptions): void {
  checkStepStorages("sgdStep", n, [p, g, buf]);
  const useMomentum = o.momentum !== 0;
  if (useMomentum && buf === null) throw new Error("sgdStep: momentum needs a momentum buffer");
  const f32 = p.dtype === "float32";
  const P = jsData(p), G = jsData(g), B = useMomentum ? jsData(buf as Storage) : null;
  const lr = rd(f32, o.lr), wd = rd(f32, o.weightDecay), momentum = rd(f32, o.momentum);
  const keep = rd(f32, 1 - o.dampening);
  const decay = o.weightDecay !== 0;
  for (let i = 0; i < n; i++) {
    let d = o.maximize ? -G[i] : G[i];
    if (decay) d = rd(f32, d + rd(f32, P[i] * wd));
    if (B !== null) {
      const b = o.first ? d : rd(f32, rd(f32, B[i] * momentum) + rd(f32, d * keep));
      B[i] = b;
      d = o.nesterov ? rd(f32, d + rd(f32, b * momentum)) : b;
    }
    P[i] = rd(f32, P[i] - rd(f32, d * lr));
  }
}

// d = ±g (+ wd·p when coupled); m = β1·m + (1 − β1)·d; v = β2·v + ((1 − β2)·d)·d;
// vMax = max(vMax, v); p = (decoupled ? p·(1 − lr·wd) : p) − (m·stepSize) / (sqrt(v or vMax)/bc2 +
// eps)
// with stepSize = lr/(1 − β1ᵗ) and bc2 = sqrt(1 − β2ᵗ): the order of src/optim/adam.ts's tensor
// ops.
export function adamStepKernel(p: Storage, g: Storage, expAvg: Storage, expAvgSq: Storage,
  maxExpAvgSq: Storage | null, n: number, o: AdamStepOptions): void {
  checkStepStorages("adamStep", n, [p, g, expAvg, expAvgSq, maxExpAvgSq]);
  if (o.amsgrad && maxExpAvgSq === null) throw new Error("adamStep: amsgrad needs maxExpAvgSq");
  const f32 = p.dtype === "float32";
  const P = jsData(p), G = jsData(g), M = jsData(expAvg), V = jsData(expAvgSq);
  const X = o.amsgrad ? jsData(maxExpAvgSq as Storage) : null;
  const s = adamScalars(o);
  const beta1 = rd(f32, o.beta1), rest1 = rd(f32, 1 - o.beta1);
  const beta2 = rd(f32, o.beta2), rest2 = rd(f32, 1 - o.beta2);
  const wd = rd(f32, o.weightDecay), decay = rd(f32, s.decay), stepSize = rd(f32, s.stepSize);
  const bc2 = rd(f32, s.biasCorrection2Sqrt), eps = rd(f32, o.eps);
  const coupled = !o.decoupled && o.weightDecay !== 0;
  for (let i = 0; i < n; i++) {
    let d = o.maximize ? -G[i] : G[i];
    let value = P[i];
    if (o.decoupled) value = rd(f32, value * decay);
    else if (coupled) d = rd(f32, d + rd(f32, value * wd));
    const m = rd(f32, rd(f32, M[i] * beta1) + rd(f32, d * rest1));
    const v = rd(f32, rd(f32, V[i] * beta2) + rd(f32, rd(f32, d * rest2) * d));
    M[i] = m;
    V[i] = v;
    let second = v;
    if (X !== null) {
      const a = X[i];
      second = a !== a || v !== v ? NaN : a > v ? a : v;
      X[i] = second;
    }
    const denom = rd(f32, rd(f32, rd(f32, Math.sqrt(second)) / bc2) + eps);
    P[i] = rd(f32, value - rd(f32, rd(f32, m * stepSize) / denom));
  }
}
