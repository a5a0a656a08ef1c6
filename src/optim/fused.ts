import type { Storage } from "../backend/backend.js";
import { hasKernels } from "../backend/backend.js";
import type { Tensor } from "../core/tensor.js";

/** Hyper-parameters of one fused SGD step (PyTorch's `torch.optim.SGD`). */
export interface SgdStepOptions {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
  /** The momentum buffer is uninitialized and takes the (decayed) gradient itself. */
  readonly first: boolean;
}

/** Hyper-parameters of one fused Adam/AdamW step (PyTorch's `torch.optim.Adam` and `AdamW`). */
export interface AdamStepOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW: `p *= 1 - lr*weightDecay` instead of adding `weightDecay*p` to the gradient. */
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
  /** The step number after this update (1 at the first step), for the bias corrections. */
  readonly step: number;
}

declare module "../backend/backend.js" {
  /** Fused optimizer updates; without them the optimizers run the same formulas as tensor ops. */
  interface OptionalKernels {
    /**
     * One SGD step in place on contiguous storages of `n` elements, all of one float dtype, with the
     * same rounding as the tensor-op formulation: d = g + wd·p; buf = d at the first step, else
     * momentum·buf + (1 − dampening)·d; p −= lr·(nesterov ? d + momentum·buf : buf). `buf` may be
     * null only when momentum is 0.
     */
    sgdStep(p: Storage, g: Storage, buf: Storage | null, n: number, options: SgdStepOptions): void;
    /**
     * One Adam (coupled L2) or AdamW (decoupled) step in place on contiguous storages of `n` elements:
     * m = β1·m + (1 − β1)·d; v = β2·v + (1 − β2)·d·d; vMax = max(vMax, v) with amsgrad;
     * p −= lr/(1 − β1ᵗ) · m / (sqrt(v or vMax)/sqrt(1 − β2ᵗ) + eps). `maxExpAvgSq` is needed
     * with amsgrad.
     */
    adamStep(p: Storage, g: Storage, expAvg: Storage, expAvgSq: Storage, maxExpAvgSq: Storage | null,
      n: number, options: AdamStepOptions): void;
  }
}

/**
 * The storage of `t` when a fused kernel can update it in place as `p`'s partner: same backend and
 * dtype, contiguous from the start of its block (a kernel sees storages, not views). Otherwise null,
 * and the optimizer takes the tensor-op path.
 */
function flatStorage(t: Tensor, p: Tensor): Storage | null {
  if (t.isDisposed || t.backend !== p.backend || t.dtype !== p.dtype) return null;
  if (t._offset !== 0 || !t.isContiguous() || t.size !== p.size) return null;
  return t._ref.storage;
}

/** What SGD keeps per parameter. */
export interface SgdFusedState { momentumBuffer?: Tensor }

/** SGD hyper-parameters as its param groups hold them. */
export interface SgdFusedOptions {
  lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean;
}

/**
 * One SGD step by the backend's fused kernel, in place, when it has one and every tensor qualifies;
 * false (nothing changed) to let the caller run the tensor ops. The momentum buffer is created at the
 * first step and then updated in place, so the state keeps its tensor.
 */
export function fusedSgdStep(p: Tensor, grad: Tensor, state: SgdFusedState, o: SgdFusedOptions): boolean {
  const backend = p.backend;
  if (!hasKernels(backend, "sgdStep")) return false;
  const ps = flatStorage(p, p), gs = flatStorage(grad, p);
  if (ps === null || gs === null) return false;
  const useMomentum = o.momentum !== 0;
  const first = useMomentum && state.momentumBuffer === undefined;
  let bs: Storage | null = null;
  if (useMomentum && !first) {
    bs = flatStorage(state.momentumBuffer as Tensor, p);
    if (bs === null) return false;
  }
  if (first) {
    state.momentumBuffer = p.zerosLike();
    bs = state.momentumBuffer._ref.storage;
  }
  backend.sgdStep?.(ps, gs, bs, p.size, { lr: o.lr, momentum: o.momentum, dampening: o.dampening,
    weightDecay: o.weightDecay, nesterov: o.nesterov, maximize: o.maximize, first });
  return true;
}

/** What Adam and AdamW keep per parameter. */
export interface AdamFusedState { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor }

/** Adam hyper-parameters as its param groups hold them. */
export interface AdamFusedOptions {
  lr: number; betas: [number, number]; eps: number; weightDecay: number; amsgrad: boolean; maximize: boolean;
}

/**
 * One Adam (or, `decoupled`, AdamW) step by the backend's fused kernel, in place, when it has one and
 * every tensor qualifies; false (nothing changed) to let the caller run the tensor ops.
 */
export function fusedAdamStep(p: Tensor, grad: Tensor, state: AdamFusedState, o: AdamFusedOptions,
  decoupled: boolean): boolean {
  const backend = p.backend;
  if (!hasKernels(backend, "adamStep")) return false;
  const ps = flatStorage(p, p), gs = flatStorage(grad, p);
  const ms = flatStorage(state.expAvg, p), vs = flatStorage(state.expAvgSq, p);
  if (ps === null || gs === null || ms === null || vs === null) return false;
  let xs: Storage | null = null;
  if (o.amsgrad && state.maxExpAvgSq !== undefined) {
    xs = flatStorage(state.maxExpAvgSq, p);
    if (xs === null) return false;
  }
  if (o.amsgrad && state.maxExpAvgSq === undefined) {
    // options may change between steps, so the maximum can be missing: it starts at zero
    state.maxExpAvgSq = p.zerosLike();
    xs = state.maxExpAvgSq._ref.storage;
  }
  state.step += 1;
  backend.adamStep?.(ps, gs, ms, vs, xs, p.size, { lr: o.lr, beta1: o.betas[0], beta2: o.betas[1],
    eps: o.eps, weightDecay: o.weightDecay, decoupled, amsgrad: o.amsgrad, maximize: o.maximize,
    step: state.step });
  return true;
}
