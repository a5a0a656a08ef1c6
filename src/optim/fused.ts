import type { Storage } from "../backend/backend.js";
import type { Tensor } from "../core/tensor.js";

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
  if (backend.sgdStep === undefined) return false;
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
  backend.sgdStep(ps, gs, bs, p.size, { lr: o.lr, momentum: o.momentum, dampening: o.dampening,
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
  if (backend.adamStep === undefined) return false;
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
  backend.adamStep(ps, gs, ms, vs, xs, p.size, { lr: o.lr, beta1: o.betas[0], beta2: o.betas[1],
    eps: o.eps, weightDecay: o.weightDecay, decoupled, amsgrad: o.amsgrad, maximize: o.maximize,
    step: state.step });
  return true;
}
