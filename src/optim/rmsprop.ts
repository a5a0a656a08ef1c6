import type { Tensor } from "../core/tensor.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";
import { checkBoolean, checkNonNegative } from "./validation.js";

/** Options of {@link RMSprop}; every one may also be overridden per param group. */
export interface RMSpropOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** Smoothing constant of the running average of squared gradients. Default 0.99. */
  alpha?: number;
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient: `g + weightDecay * p`. Default 0. */
  weightDecay?: number;
  /** Momentum factor; 0 disables the momentum buffer. Default 0. */
  momentum?: number;
  /** Normalize by the estimated variance (mean of g² minus square of mean g) instead. Default false. */
  centered?: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize?: boolean;
}

type RMSpropGroup = Required<RMSpropOptions>;
type RMSpropState = { step: number; squareAvg: Tensor; momentumBuffer?: Tensor; gradAvg?: Tensor };

const DEFAULTS: RMSpropGroup = {
  lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false,
};

/**
 * RMSprop (Hinton's lecture 6e), as PyTorch's `torch.optim.RMSprop`.
 * @example
 * const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class RMSprop extends Optimizer<RMSpropGroup, RMSpropState> {
  constructor(params: Params<RMSpropGroup>, options: RMSpropOptions = {}) {
    super("RMSprop", params, options, DEFAULTS);
  }

  protected validate(o: RMSpropGroup, prefix: string): void {
    checkNonNegative(prefix, "lr", o.lr);
    checkNonNegative(prefix, "alpha", o.alpha);
    checkNonNegative(prefix, "eps", o.eps);
    checkNonNegative(prefix, "weightDecay", o.weightDecay);
    checkNonNegative(prefix, "momentum", o.momentum);
    checkBoolean(prefix, "centered", o.centered);
    checkBoolean(prefix, "maximize", o.maximize);
  }

  protected initState(p: Tensor, g: ParamGroup<RMSpropGroup>): RMSpropState {
    const state: RMSpropState = { step: 0, squareAvg: p.zerosLike() };
    if (g.momentum > 0) state.momentumBuffer = p.zerosLike();
    if (g.centered) state.gradAvg = p.zerosLike();
    return state;
  }

  // v = alpha*v + (1-alpha)*d²; centered: m = alpha*m + (1-alpha)*d, avg = sqrt(v - m²) + eps,
  // else avg = sqrt(v) + eps; with momentum: buf = momentum*buf + d/avg, p -= lr*buf; else p -= lr*d/avg.
  protected update(p: Tensor, grad: Tensor, state: RMSpropState, g: ParamGroup<RMSpropGroup>): void {
    state.step += 1;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    state.squareAvg = state.squareAvg.mul(g.alpha).add(d.mul(1 - g.alpha).mul(d));
    let avg: Tensor;
    if (g.centered) {
      // Options may change between steps, so a buffer can be missing: it starts at zero.
      const gradAvg = (state.gradAvg ?? p.zerosLike()).mul(g.alpha).add(d.mul(1 - g.alpha));
      state.gradAvg = gradAvg;
      avg = state.squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
    } else {
      avg = state.squareAvg.sqrt();
    }
    avg = avg.add(g.eps);
    if (g.momentum > 0) {
      const buf = (state.momentumBuffer ?? p.zerosLike()).mul(g.momentum).add(d.div(avg));
      state.momentumBuffer = buf;
      p.assign(p.sub(buf.mul(g.lr)));
    } else {
      p.assign(p.sub(d.mul(g.lr).div(avg)));
    }
  }
}
