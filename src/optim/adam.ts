import type { Tensor } from "../core/tensor.js";
import { fusedAdamStep } from "./fused.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";
import { checkBoolean, checkInRange, checkNonNegative, describe } from "./validation.js";

/** Options of {@link Adam} and {@link AdamW}; every one may also be overridden per param group. */
export interface AdamOptions {
  /** Learning rate. Default 1e-3. */
  lr?: number;
  /** Decay rates of the running averages of the gradient and of its square. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay `p *= 1 - lr*wd`
   * (default 1e-2). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (Reddi et al., 2018, "On the Convergence of Adam
   * and Beyond"). Default false. */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize?: boolean;
}

/** AdamW takes the same options as Adam; only the meaning and default of `weightDecay` differ. */
export type AdamWOptions = AdamOptions;

type AdamGroup = Required<AdamOptions>;
type AdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

function validateAdam(o: AdamGroup, prefix: string): void {
  checkNonNegative(prefix, "lr", o.lr);
  if (!Array.isArray(o.betas) || o.betas.length !== 2) {
    throw new Error(`${prefix}betas must be an array of two numbers, got ${describe(o.betas)}`);
  }
  checkInRange(prefix, "betas[0]", o.betas[0], 0, 1);
  checkInRange(prefix, "betas[1]", o.betas[1], 0, 1);
  checkNonNegative(prefix, "eps", o.eps);
  checkNonNegative(prefix, "weightDecay", o.weightDecay);
  checkBoolean(prefix, "amsgrad", o.amsgrad);
  checkBoolean(prefix, "maximize", o.maximize);
}

function initAdam(p: Tensor, g: AdamGroup): AdamState {
  const state: AdamState = { step: 0, expAvg: p.zerosLike(), expAvgSq: p.zerosLike() };
  if (g.amsgrad) state.maxExpAvgSq = p.zerosLike();
  return state;
}

// m = b1*m + (1-b1)*d; v = b2*v + (1-b2)*d²; vMax = max(vMax, v) with amsgrad;
// p -= lr/(1-b1^t) * m / (sqrt(v or vMax)/sqrt(1-b2^t) + eps). `decoupled` (AdamW) first does
// p *= 1 - lr*wd instead of adding wd*p to the gradient (Loshchilov & Hutter, 2019).
function updateAdam(p: Tensor, grad: Tensor, state: AdamState, g: AdamGroup, decoupled: boolean): void {
  if (fusedAdamStep(p, grad, state, g, decoupled)) return;
  state.step += 1;
  let d = g.maximize ? grad.neg() : grad;
  let value = p;
  if (decoupled) value = p.mul(1 - g.lr * g.weightDecay);
  else if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
  const [beta1, beta2] = g.betas;
  state.expAvg = state.expAvg.mul(beta1).add(d.mul(1 - beta1));
  state.expAvgSq = state.expAvgSq.mul(beta2).add(d.mul(1 - beta2).mul(d));
  let second = state.expAvgSq;
  if (g.amsgrad) {
    // Options may change between steps, so the maximum can be missing: it starts at zero.
    state.maxExpAvgSq = (state.maxExpAvgSq ?? p.zerosLike()).maximum(state.expAvgSq);
    second = state.maxExpAvgSq;
  }
  const stepSize = g.lr / (1 - beta1 ** state.step);
  const denom = second.sqrt().div(Math.sqrt(1 - beta2 ** state.step)).add(g.eps);
  p.assign(value.sub(state.expAvg.mul(stepSize).div(denom)));
}

/**
 * Adam (Kingma & Ba, 2015), as PyTorch's `torch.optim.Adam`; `weightDecay` is an L2 penalty added to
 * the gradient. For decoupled weight decay use {@link AdamW}.
 * @example
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class Adam extends Optimizer<AdamGroup, AdamState> {
  constructor(params: Params<AdamGroup>, options: AdamOptions = {}) {
    super("Adam", params, options, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0,
      amsgrad: false, maximize: false });
  }

  protected validate(o: AdamGroup, prefix: string): void { validateAdam(o, prefix); }
  protected initState(p: Tensor, g: ParamGroup<AdamGroup>): AdamState { return initAdam(p, g); }
  protected update(p: Tensor, grad: Tensor, state: AdamState, g: ParamGroup<AdamGroup>): void {
    updateAdam(p, grad, state, g, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with weight decay applied to the parameter directly
 * (`p *= 1 - lr*weightDecay`) rather than through the gradient, as PyTorch's `torch.optim.AdamW`.
 * @example
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class AdamW extends Optimizer<AdamGroup, AdamState> {
  constructor(params: Params<AdamGroup>, options: AdamWOptions = {}) {
    super("AdamW", params, options, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2,
      amsgrad: false, maximize: false });
  }

  protected validate(o: AdamGroup, prefix: string): void { validateAdam(o, prefix); }
  protected initState(p: Tensor, g: ParamGroup<AdamGroup>): AdamState { return initAdam(p, g); }
  protected update(p: Tensor, grad: Tensor, state: AdamState, g: ParamGroup<AdamGroup>): void {
    updateAdam(p, grad, state, g, true);
  }
}
