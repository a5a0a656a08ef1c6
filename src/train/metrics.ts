import { noGrad } from "../core/autograd.js";
import { formatShape } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";

/** A metric computed per batch and averaged over the samples of an epoch. */
export interface Metric {
  readonly name: string;
  /** Sum of the per-sample values in this batch (so epochs can be averaged exactly). */
  batchSum(output: Tensor, target: Tensor): number;
  /**
   * The same sum as a scalar tensor on the output's backend, so a loop on a GPU can read it back later
   * with other values instead of waiting for it (optional: without it the loop calls `batchSum`).
   */
  batchSumTensor?(output: Tensor, target: Tensor): Tensor;
}

function predictedClasses(output: Tensor): Tensor {
  // one column: a binary classifier's logit; otherwise one score per class
  return output.ndim === 2 && output.shape[1] === 1 ? output.reshape([-1]).gt(0).int() : output.argmax(-1);
}

/** 1 where the arg-max (or logit > 0 for one output) equals the integer label, else 0, flat. */
function hits(output: Tensor, target: Tensor): Tensor {
  const predicted = predictedClasses(output);
  const labels = target.dtype === "int32" ? target : target.ndim > 1 ? target.argmax(-1) : target.int();
  if (predicted.size !== labels.size) {
    throw new Error(`accuracy: ${predicted.size} predictions (output ${formatShape(output.shape)}) but ` +
      `${labels.size} labels (${formatShape(target.shape)})`);
  }
  return predicted.reshape([-1]).eq(labels.reshape([-1]));
}

/** Fraction of samples whose arg-max (or logit > 0 for one output) equals the integer label. */
export function accuracy(output: Tensor, target: Tensor): number {
  return noGrad(() => {
    // counted in doubles: a float32 mean would print 0.8688889145851135 for 391/450
    const values = hits(output, target).dataSync();
    let correct = 0;
    for (const h of values) correct += h;
    return correct / values.length;
  });
}

export const accuracyMetric: Metric = {
  name: "accuracy",
  batchSum: (output, target) => accuracy(output, target) * output.shape[0],
  // a float32 count is exact up to 2^24 samples a batch
  batchSumTensor: (output, target) => noGrad(() => hits(output, target).float().sum()),
};

/** The mean of f(output - target) over all elements. */
function meanOf(output: Tensor, target: Tensor, f: (diff: Tensor) => Tensor): Tensor {
  return noGrad(() => f(output.sub(target.reshape(output.shape))).mean());
}

/** A metric that is the mean of f(output - target), summed per sample over a batch. */
function meanErrorMetric(name: string, f: (diff: Tensor) => Tensor): Metric {
  return {
    name,
    batchSum: (output, target) => meanOf(output, target, f).item() * output.shape[0],
    batchSumTensor: (output, target) => noGrad(() => meanOf(output, target, f).mul(output.shape[0])),
  };
}

export const meanSquaredErrorMetric = meanErrorMetric("mse", (d) => d.mul(d));
export const meanAbsoluteErrorMetric = meanErrorMetric("mae", (d) => d.abs());

const BUILT_IN: Record<string, Metric> = {
  accuracy: accuracyMetric, acc: accuracyMetric, mse: meanSquaredErrorMetric, mae: meanAbsoluteErrorMetric,
};

export type MetricLike = Metric | "accuracy" | "acc" | "mse" | "mae";

export function resolveMetric(metric: MetricLike): Metric {
  if (typeof metric !== "string") return metric;
  const found = BUILT_IN[metric];
  if (!found) {
    throw new Error(`fit: unknown metric "${metric}"; expected one of ${Object.keys(BUILT_IN).join(", ")}`);
  }
  return found;
}

/** R² (coefficient of determination), as scikit-learn's `r2_score` averaged uniformly over outputs. */
export function r2Score(prediction: Tensor, target: Tensor): number {
  return noGrad(() => {
    const p = prediction.reshape([prediction.shape[0], -1]);
    const t = target.reshape([target.shape[0], -1]).to(p.dtype);
    const residual = t.sub(p).square().sum(0);
    const total = t.sub(t.mean(0, true)).square().sum(0);
    const r = residual.dataSync(), s = total.dataSync();
    let sum = 0;
    for (let i = 0; i < r.length; i++) sum += s[i] === 0 ? (r[i] === 0 ? 1 : 0) : 1 - r[i] / s[i];
    return sum / r.length;
  });
}
