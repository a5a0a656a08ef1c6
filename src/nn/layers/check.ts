/** The layers' input check; their scalar checks are the shared ones of util/check.ts. */
import { formatShape } from "../../core/shape.js";
import { Tensor } from "../../core/tensor.js";

export {
  checkBoolean, checkFinite, checkInt, checkOneOf, checkPositiveInt,
} from "../../util/check.js";

/** The input itself, after checking it is a tensor with at least `minDims` dimensions. */
export function checkInput(layer: string, x: Tensor, minDims = 0): Tensor {
  if (!(x instanceof Tensor)) {
    throw new Error(`${layer}: expected a Tensor input, got ${x === null ? "null" : typeof x}`);
  }
  if (x.ndim < minDims) {
    throw new Error(`${layer}: expected an input with at least ${minDims} dimension(s), ` +
      `got shape ${formatShape(x.shape)}`);
  }
  return x;
}
