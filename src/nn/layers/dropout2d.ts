import { rand } from "../../core/creation.js";
import { isFloat } from "../../core/dtype.js";
import { formatShape } from "../../core/shape.js";
import { Tensor } from "../../core/tensor.js";
import { Module, type ModuleConfig } from "../module.js";
import type { ConfigArgs } from "../config.js";
import { checkInput } from "./check.js";

/**
 * Channel dropout (Tompson et al., 2015): while training, zeroes whole channels of x [N, C, H, W]
 * (or [C, H, W]) with probability p and scales the rest by 1/(1−p). Neighbouring pixels of a
 * feature map are strongly correlated, so dropping single pixels barely regularizes a CNN.
 * @example
 * zd.manualSeed(0);
 * nn.functional.dropout2d(zd.ones([2, 4, 3, 3]), 0.5, true);   // each 3×3 map all 0 or all 2
 */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  return channelDropout("dropout2d", x, p, training);
}

function channelDropout(op: string, x: Tensor, p: number, training: boolean): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected input to be a Tensor, got ${typeof x}`);
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new Error(`${op}: p must be a probability in [0, 1], got ${p}`);
  }
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new Error(`${op}: expected a [N, C, H, W] or [C, H, W] input, got shape ${formatShape(x.shape)}`);
  }
  if (!isFloat(x.dtype)) throw new Error(`${op}: input must be a floating-point tensor, got ${x.dtype}`);
  if (!training || p === 0) return x;
  // multiplying by 0 (not returning zeros) keeps the graph connected
  if (p === 1) return x.mul(0);
  const keep = rand([...x.shape.slice(0, -2), 1, 1], { dtype: x.dtype }).ge(p).to(x.dtype);
  return x.mul(keep.mul(1 / (1 - p)));
}

/**
 * Zeroes whole channels while training (see `nn.functional.dropout2d`); the identity in eval().
 * @example new nn.Sequential(new nn.Conv2d(3, 16, 3), new nn.ReLU(), new nn.Dropout2d(0.2))
 */
export class Dropout2d extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new Error(`Dropout2d: p must be a probability between 0 and 1, got ${String(p)}`);
    }
    this.p = p;
  }

  forward(x: Tensor): Tensor {
    return channelDropout("Dropout2d", checkInput("Dropout2d", x), this.p, this.training);
  }

  override extraRepr(): string { return `p=${this.p}`; }

  override getConfig(): ModuleConfig { return { type: "Dropout2d", args: { p: this.p } }; }

  /** @internal */
  static fromConfig(a: ConfigArgs): Dropout2d { return new Dropout2d(a.p as number | undefined); }
}
