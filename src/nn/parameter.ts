import { Tensor } from "../core/tensor.js";

/**
 * A tensor that is a trainable weight of a module. Assigning one to a field of a `Module` is what
 * registers it: `parameters()`, `stateDict()` and optimizers find it there.
 *
 * A parameter shares the storage of the tensor it is made from (no copy) and is a leaf of the graph.
 * @example
 * class Scale extends nn.Module {
 *   factor = new nn.Parameter(zd.ones([1]));
 *   forward(x: zd.Tensor) { return x.mul(this.factor); }
 * }
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) {
      throw new Error(`Parameter: expected a Tensor, got ${data === null ? "null" : typeof data}`);
    }
    super(data._ref, data.shape, data._strides, data._offset);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
