import { zeros } from "../../core/creation.js";
import { linear as affine } from "../../core/ops/linear.js";
import type { DType } from "../../core/dtype.js";
import { formatShape } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import { defaultLayerInit } from "../init.js";
import { Module, type ModuleConfig } from "../module.js";
import { Parameter } from "../parameter.js";
import { checkBoolean, checkInput, checkOneOf, checkPositiveInt } from "./check.js";

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Element type of the weights (default float32). */
  dtype?: DType;
}

/**
 * y = x·Wᵀ + b over the last dimension, for inputs of any rank ≥ 1. The weight is [out, in] as in
 * PyTorch, so state dicts move between the two unchanged.
 * @example
 * const fc = new nn.Linear(64, 10);
 * fc.forward(zd.randn([32, 64])).shape; // [32, 10]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = checkPositiveInt("Linear", "inFeatures", inFeatures);
    this.outFeatures = checkPositiveInt("Linear", "outFeatures", outFeatures);
    const dtype = checkOneOf("Linear", "dtype", options.dtype ?? "float32", ["float32", "float64"]);
    const hasBias = checkBoolean("Linear", "bias", options.bias ?? true);
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = hasBias ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /**
   * PyTorch's default init: kaiming-uniform with a = √5, which works out to U(±1/√in) for the weight,
   * and the same bound for the bias.
   */
  resetParameters(): void {
    defaultLayerInit(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    const name = `Linear(${this.inFeatures} → ${this.outFeatures})`;
    checkInput(name, x, 1);
    if (x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new Error(`${name}: expected input with last dimension ${this.inFeatures}, ` +
        `got shape ${formatShape(x.shape)}`);
    }
    return affine(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null}`;
  }

  override getConfig(): ModuleConfig {
    const args: NonNullable<ModuleConfig["args"]> = {
      inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null,
    };
    if (this.weight.dtype !== "float32") args.dtype = this.weight.dtype;
    return { type: "Linear", args };
  }
}
