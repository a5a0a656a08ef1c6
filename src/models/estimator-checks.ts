/**
 * Option and input checks shared by the classic estimators (perceptron, RBF networks, RBM, DBN), so that
 * every message starts with the model's name and gives the number that was expected and the one given.
 */
import { tensor } from "../core/creation.js";
import { formatShape } from "../core/shape.js";
import { Tensor, type NestedArray } from "../core/tensor.js";

export {
  checkPositiveInt as checkPositiveInteger, checkNonNegativeInt as checkNonNegativeInteger,
  checkPositive as checkPositiveNumber, checkNonNegative as checkNonNegativeNumber, checkBoolean as checkFlag,
} from "../util/check.js";

export function checkSeed(model: string, value: number | undefined): number | undefined {
  if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value))) {
    throw new Error(`${model}: randomState must be an integer, got ${String(value)}`);
  }
  return value;
}

/** A seed for a run: the given one, or a fresh random one (as scikit-learn's `random_state=None`). */
export function seedOrRandom(seed: number | undefined): number {
  return seed ?? Math.floor(Math.random() * 2 ** 31);
}

/**
 * Feature rows as a float32 [samples, features] tensor, refusing NaN and infinities: one bad value would
 * silently poison every weight of a model trained on it.
 */
export function toFeatureMatrix(model: string, x: Tensor | NestedArray, what = "X"): Tensor {
  const t = x instanceof Tensor ? x : tensor(x);
  if (t.ndim !== 2) {
    throw new Error(`${model}: expected ${what} with shape [samples, features], got ${formatShape(t.shape)}`);
  }
  if (t.shape[0] < 1 || t.shape[1] < 1) {
    throw new Error(`${model}: ${what} must have at least one sample and one feature, ` +
      `got ${formatShape(t.shape)}`);
  }
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const row = Math.floor(i / t.shape[1]), column = i % t.shape[1];
      throw new Error(`${model}: ${what} holds ${values[i]} at row ${row}, column ${column}; ` +
        "values must be finite");
    }
  }
  return t.dtype === "float32" ? t : t.float();
}

/**
 * X itself, after checking every value lies in [0, 1], as units that are on with some probability need;
 * `why` names those units in the message.
 */
export function checkUnitInterval(model: string, x: Tensor, why: string): Tensor {
  let min = Infinity, max = -Infinity;
  for (const v of x.dataSync()) { if (v < min) min = v; if (v > max) max = v; }
  if (min < 0 || max > 1) {
    throw new Error(`${model}: X must hold values in [0, 1] (${why}), got min ${min} and max ${max}; ` +
      "rescale it first (for example divide 0..16 digit pixels by 16)");
  }
  return x;
}

/** Checks that X has the feature count the model was fitted with. */
export function checkFeatureCount(model: string, x: Tensor, expected: number): void {
  if (x.shape[1] !== expected) {
    throw new Error(`${model}: X has ${x.shape[1]} features, but the model was fitted with ${expected}`);
  }
}

/** Integer class labels, one per sample. */
export function toClassLabels(model: string, y: Tensor | readonly number[], samples: number): Int32Array {
  const values = y instanceof Tensor ? y.dataSync() : Float64Array.from(y);
  if (y instanceof Tensor && y.ndim !== 1) {
    throw new Error(`${model}: y must be a 1-D tensor of class labels, got shape ${formatShape(y.shape)}`);
  }
  if (values.length !== samples) {
    throw new Error(`${model}: X has ${samples} samples but y has ${values.length} labels`);
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) {
      throw new Error(`${model}: class labels must be integers, got ${values[i]} at index ${i}`);
    }
    out[i] = values[i];
  }
  return out;
}

/** The sorted distinct labels and each sample's position among them; needs at least two classes. */
export function encodeClasses(model: string, labels: Int32Array): { classes: number[]; index: Int32Array } {
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  if (classes.length < 2) {
    throw new Error(`${model}: y must hold at least 2 classes, got ${classes.length}` +
      (classes.length === 1 ? ` (every label is ${classes[0]})` : ""));
  }
  const position = new Map(classes.map((c, i) => [c, i]));
  return { classes, index: Int32Array.from(labels, (v) => position.get(v) as number) };
}

/** Fraction of equal entries of two label arrays. */
export function accuracyOf(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}
