import type { Tensor } from "../core/tensor.js";
import { fusedSgdStep } from "./fused.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";
import { checkBoolean, checkFinite, checkNonNegative } from "./validation.js";

/** Options of {@link SGD}; every one may also be overridden per param group. */
export interface SGDOptions {
  /** Learning rate. Default 1e-3 (PyTorch 1.13 has no default and requires one). */
  lr?: number;
  /** Momentum factor; 0 disables the momentum buffer. Default 0. */
  momentum?: number;
  /** Dampening of the gradient added to the momentum buffer. Default 0. */
  dampening?: number;
  /** L2 penalty added to the gradient: `g + weightDecay * p`. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing it. Default false. */
  maximize?: boolean;
}

type SGDGroup = Required<SGDOptions>;
type SGDState = { momentumBuffer?: Tensor };

const DEFAULTS: SGDGroup = {
  lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false,
};

/**
 * Stochastic gradient descent with optional momentum, as PyTorch's `torch.optim.SGD`.
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDGroup, SGDState> {
  constructor(params: Params<SGDGroup>, options: SGDOptions = {}) {
    super("SGD", params, options, DEFAULTS);
  }

  protected validate(o: SGDGroup, prefix: string): void {
    checkNonNegative(prefix, "lr", o.lr);
    checkNonNegative(prefix, "momentum", o.momentum);
    checkFinite(prefix, "dampening", o.dampening);
    checkNonNegative(prefix, "weightDecay", o.weightDecay);
    checkBoolean(prefix, "nesterov", o.nesterov);
    checkBoolean(prefix, "maximize", o.maximize);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new Error(`${prefix}nesterov requires momentum > 0 and dampening 0, ` +
        `got momentum ${o.momentum} and dampening ${o.dampening}`);
    }
  }

  // PyTorch creates the buffer at the first step from the gradient itself, not from zeros.
  protected initState(): SGDState {
    return {};
  }

  // d = g + wd*p; buf = d at the first step, then momentum*buf + (1-dampening)*d;
  // p -= lr * (nesterov ? d + momentum*buf : buf).
  protected update(p: Tensor, grad: Tensor, state: SGDState, g: ParamGroup<SGDGroup>): void {
    if (fusedSgdStep(p, grad, state, g)) return;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    if (g.momentum !== 0) {
      const previous = state.momentumBuffer;
      const buf = previous === undefined ? d.clone() : previous.mul(g.momentum).add(d.mul(1 - g.dampening));
      state.momentumBuffer = buf;
      d = g.nesterov ? d.add(buf.mul(g.momentum)) : buf;
    }
    p.assign(p.sub(d.mul(g.lr)));
  }
}
