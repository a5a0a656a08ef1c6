import { noGrad } from "./autograd.js";
import { fromFlat } from "./creation.js";
import { formatShape } from "./shape.js";
import type { Tensor } from "./tensor.js";

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw on failure (default) or return false. */
  raiseException?: boolean;
}

/**
 * Compares autograd's gradient of `fn` with central finite differences, as torch.autograd.gradcheck.
 * Inputs must be float64 tensors; those with requiresGrad are checked. A non-scalar output is
 * reduced with a fixed random weighting so every output element takes part.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[],
  options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-3;
  for (const t of inputs) {
    if (t.requiresGrad && t.dtype !== "float64") {
      throw new Error("gradcheck: inputs that require grad must be float64 for exact differences, " +
        `got ${t.dtype}`);
    }
  }
  const probe = noGrad(() => fn(...inputs));
  const weights = fromFlat(Array.from({ length: probe.size }, (_, i) => Math.cos(1.7 * i + 0.3) + 1.5),
    probe.shape, "float64");
  const objective = (): number => noGrad(() => fn(...inputs).mul(weights).sum().item());
  for (const t of inputs) t.grad = null;
  fn(...inputs).mul(weights).sum().backward();
  for (const [k, t] of inputs.entries()) {
    if (!t.requiresGrad) continue;
    const analytic = t.grad ? t.grad.dataSync() : new Float64Array(t.size);
    const values = t.contiguous().dataSync();
    for (let i = 0; i < t.size; i++) {
      const original = values[i];
      values[i] = original + eps; t.assign(fromFlat(values, t.shape, "float64"));
      const plus = objective();
      values[i] = original - eps; t.assign(fromFlat(values, t.shape, "float64"));
      const minus = objective();
      values[i] = original; t.assign(fromFlat(values, t.shape, "float64"));
      const numeric = (plus - minus) / (2 * eps);
      if (!(Math.abs(numeric - analytic[i]) <= atol + rtol * Math.abs(numeric))) {
        if (options.raiseException === false) return false;
        throw new Error(`gradcheck: input ${k} (shape ${formatShape(t.shape)}), element ${i}: ` +
          `numerical gradient ${numeric} but autograd gave ${analytic[i]}`);
      }
    }
  }
  return true;
}

