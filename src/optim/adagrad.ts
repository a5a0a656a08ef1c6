import { fullLike } from "../core/creation.js";
import type { Tensor } from "../core/tensor.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";
import { checkBoolean, checkNonNegative } from "./validation.js";

/** Options of {@link Adagrad}; every one may also be overridden per param group. */
export interface AdagradOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** The step size at step t is `lr / (1 + (t-1) * lrDecay)`. Default 0. */
  lrDecay?: number;
  /** L2 penalty added to the gradient: `g + weightDecay * p`. Default 0. */
  weightDecay?: number;
  /** Starting value of the sum of squared gradients. Default 0. */
  initialAccumulatorValue?: number;
  /** Added to the denominator for numerical stability. Default 1e-10. */
  eps?: number;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize?: boolean;
}

type AdagradGroup = Required<AdagradOptions>;
type AdagradState = { step: number; sum: Tensor };

const DEFAULTS: AdagradGroup = {
  lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false,
};

/**
 * Adagrad (Duchi et al., 2011): per-coordinate steps shrinking with the accumulated squared gradient,
 * as PyTorch's `torch.optim.Adagrad`.
 * @example
 * const opt = new optim.Adagrad(model.parameters(), { lr: 0.1 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class Adagrad extends Optimizer<AdagradGroup, AdagradState> {
  constructor(params: Params<AdagradGroup>, options: AdagradOptions = {}) {
    super("Adagrad", params, options, DEFAULTS);
  }

  protected validate(o: AdagradGroup, prefix: string): void {
    checkNonNegative(prefix, "lr", o.lr);
    checkNonNegative(prefix, "lrDecay", o.lrDecay);
    checkNonNegative(prefix, "weightDecay", o.weightDecay);
    checkNonNegative(prefix, "initialAccumulatorValue", o.initialAccumulatorValue);
    checkNonNegative(prefix, "eps", o.eps);
    checkBoolean(prefix, "maximize", o.maximize);
  }

  protected initState(p: Tensor, g: ParamGroup<AdagradGroup>): AdagradState {
    return { step: 0, sum: fullLike(p, g.initialAccumulatorValue) };
  }

  // sum += d²; p -= clr * d / (sqrt(sum) + eps), with clr = lr / (1 + (t-1)*lrDecay).
  protected update(p: Tensor, grad: Tensor, state: AdagradState, g: ParamGroup<AdagradGroup>): void {
    state.step += 1;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    const clr = g.lr / (1 + (state.step - 1) * g.lrDecay);
    state.sum = state.sum.add(d.mul(d));
    const std = state.sum.sqrt().add(g.eps);
    p.assign(p.sub(d.mul(clr).div(std)));
  }
}
