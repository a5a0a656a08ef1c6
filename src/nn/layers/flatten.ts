import type { Tensor } from "../../core/tensor.js";
import { Module, type ModuleConfig } from "../module.js";
import { checkInput, checkInt } from "./check.js";

/**
 * Merges dimensions startDim..endDim into one; the default keeps the batch dimension, turning
 * [N, C, H, W] images into [N, C·H·W] rows for a Linear layer.
 * @example new nn.Flatten().forward(zd.zeros([8, 1, 28, 28])).shape // [8, 784]
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = checkInt("Flatten", "startDim", startDim);
    this.endDim = checkInt("Flatten", "endDim", endDim);
  }

  forward(x: Tensor): Tensor {
    return checkInput("Flatten", x).flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }

  override getConfig(): ModuleConfig {
    return { type: "Flatten", args: { startDim: this.startDim, endDim: this.endDim } };
  }
}
