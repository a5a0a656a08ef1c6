import { rand } from "../../core/creation.js";
import type { Tensor } from "../../core/tensor.js";
import { Module, type ModuleConfig } from "../module.js";
import { checkInput } from "./check.js";

/**
 * Inverted dropout (Srivastava et al., 2014): in training mode each element is zeroed with
 * probability p and the survivors are scaled by 1/(1−p), so eval mode is the identity and needs no
 * rescaling. Masks come from the global generator (`zd.manualSeed`).
 * @example
 * const drop = new nn.Dropout(0.25);
 * drop.forward(x);          // training: about a quarter zeroed, the rest × 4/3
 * drop.eval().forward(x);   // x unchanged
 */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new Error(`Dropout: p must be a probability between 0 and 1, got ${String(p)}`);
    }
    this.p = p;
  }

  forward(x: Tensor): Tensor {
    checkInput("Dropout", x);
    if (!this.training || this.p === 0) return x;
    // p = 1 would scale by 1/0; every element is dropped, and multiplying by 0 keeps the graph.
    if (this.p === 1) return x.mul(0);
    const keep = rand(x.shape).lt(1 - this.p).to(x.dtype);
    return x.mul(keep.mul(1 / (1 - this.p)));
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }

  override getConfig(): ModuleConfig {
    return { type: "Dropout", args: { p: this.p } };
  }
}
