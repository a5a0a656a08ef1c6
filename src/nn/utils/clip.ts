/**
 * Gradient clipping (PyTorch's `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`): bounds the
 * step an exploding gradient can take, the usual guard when training recurrent networks.
 */
import { noGrad } from "../../core/autograd.js";
import { Tensor } from "../../core/tensor.js";

/** Parameters (or any tensors with `.grad`): one tensor, an array, or any iterable of them. */
export type GradTensors = Tensor | Iterable<Tensor>;

export interface ClipGradNormOptions {
  /** The p of the p-norm over all gradients together: 2 (default), 1, any p > 0, or Infinity. */
  normType?: number;
  /** Throw when the total norm is NaN or infinite, instead of scaling by it (default false, as PyTorch). */
  errorIfNonfinite?: boolean;
}

function gradsOf(op: string, parameters: GradTensors): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : parameters;
  if (list === null || typeof (list as Iterable<Tensor>)[Symbol.iterator] !== "function") {
    throw new Error(`${op}: expected a tensor or an iterable of tensors (e.g. model.parameters())`);
  }
  const grads: Tensor[] = [];
  for (const p of list) {
    if (!(p instanceof Tensor)) {
      throw new Error(`${op}: expected tensors, got ${p === null ? "null" : typeof p}`);
    }
    if (p.grad !== null) grads.push(p.grad);
  }
  return grads;
}

/**
 * Scales all gradients together, in place, so that their combined p-norm is at most `maxNorm`, and
 * returns that norm as it was before clipping. Parameters without a gradient are skipped.
 * @example
 * loss.backward();
 * nn.utils.clipGradNorm(model.parameters(), 5);
 * optimizer.step();
 */
export function clipGradNorm(parameters: GradTensors, maxNorm: number,
  options: ClipGradNormOptions = {}): number {
  const op = "clipGradNorm";
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) {
    throw new Error(`${op}: maxNorm must be a number >= 0, got ${String(maxNorm)}`);
  }
  const p = options.normType ?? 2;
  if (typeof p !== "number" || !(p > 0)) {
    throw new Error(`${op}: normType must be > 0 or Infinity, got ${String(p)}`);
  }
  const grads = gradsOf(op, parameters);
  if (grads.length === 0) return 0;
  // summed in float64 over the raw values: exact enough for any size, and one read per gradient
  let total = 0;
  for (const g of grads) {
    const values = g.dataSync();
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]);
      if (p === Infinity) total = a > total || a !== a ? a : total;
      else total += p === 2 ? a * a : p === 1 ? a : a ** p;
    }
  }
  const norm = p === Infinity ? total : p === 2 ? Math.sqrt(total) : p === 1 ? total : total ** (1 / p);
  if (options.errorIfNonfinite && !Number.isFinite(norm)) {
    throw new Error(`${op}: the total ${p}-norm of the gradients of ${grads.length} parameters is ${norm}; ` +
      "the loss or the gradients hold NaN or infinity");
  }
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) noGrad(() => { for (const g of grads) g.assign(g.mul(coefficient)); });
  return norm;
}

/**
 * Clamps every gradient element to [−clipValue, clipValue], in place.
 * @example nn.utils.clipGradValue(model.parameters(), 0.5);
 */
export function clipGradValue(parameters: GradTensors, clipValue: number): void {
  const op = "clipGradValue";
  if (typeof clipValue !== "number" || !(clipValue >= 0)) {
    throw new Error(`${op}: clipValue must be a number >= 0, got ${String(clipValue)}`);
  }
  noGrad(() => { for (const g of gradsOf(op, parameters)) g.assign(g.clamp(-clipValue, clipValue)); });
}
