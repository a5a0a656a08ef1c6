/** Feature scaling fitted on training data (scikit-learn's `StandardScaler`, `MinMaxScaler`) and `oneHot`. */
import { fromFlat } from "../core/creation.js";
import { floatTypeOf, type DType } from "../core/dtype.js";
import { Tensor } from "../core/tensor.js";
import { AffineScaler, checkNumbers } from "./scaler-base.js";

export interface StandardScalerOptions {
  /** Subtract the column means. Default true. */
  withMean?: boolean;
  /** Divide by the column standard deviations. Default true. */
  withStd?: boolean;
}

/** A fitted `StandardScaler` as plain JSON, to save beside a model. */
export interface StandardScalerJSON {
  type: "StandardScaler";
  withMean: boolean;
  withStd: boolean;
  mean: number[];
  scale: number[];
}

/**
 * Standardizes features to zero mean and unit variance: (x - mean) / scale, per column. The scale is
 * the population standard deviation (divisor n, as scikit-learn); constant columns get scale 1 so they
 * map to 0 instead of NaN. Statistics are computed in float64. NaN values are ignored by `fit` (counted
 * in `nanIgnored`) and stay NaN through `transform`, as scikit-learn's; infinities are refused.
 * @example
 * const scaler = new StandardScaler().fit(xTrain);
 * const xs = scaler.transform(xTest);
 * const saved = JSON.stringify(scaler);  // StandardScaler.fromJSON(JSON.parse(saved)) restores it
 */
export class StandardScaler extends AffineScaler {
  protected readonly name = "StandardScaler";
  readonly withMean: boolean;
  readonly withStd: boolean;
  private means: Float64Array | null = null;
  private scales: Float64Array | null = null;
  /** Values per column that `fit` used (scikit-learn's `n_samples_seen_`: NaN ones are not counted). */
  nSamplesSeen: number[] = [];
  /** How many NaN values `fit` ignored, over all columns. */
  nanIgnored = 0;

  constructor(options: StandardScalerOptions = {}) {
    super();
    this.withMean = options.withMean ?? true;
    this.withStd = options.withStd ?? true;
  }

  /** Column means seen by `fit`, in the data's float dtype. */
  get mean(): Tensor { return this.vector(this.means, "mean"); }
  /** Column scales (population standard deviations, 1 for constant columns; all 1 without `withStd`). */
  get scale(): Tensor { return this.vector(this.scales, "scale"); }

  fit(x: Tensor): this {
    const { data, rows, cols } = this.columns("fit", x);
    // NaN marks a missing value and is left out of the statistics, as scikit-learn does (its transform keeps
    // NaN as NaN); infinities are refused like scikit-learn's.
    const count = new Float64Array(cols);
    const mean = new Float64Array(cols);
    let ignored = 0;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j];
        if (Number.isNaN(v)) { ignored++; continue; }
        if (!Number.isFinite(v)) {
          throw new Error(`StandardScaler.fit: row ${i}, column ${j} is ${v}; features must be finite (NaN ` +
            "marks a missing value and is ignored)");
        }
        mean[j] += v;
        count[j]++;
      }
    }
    for (let j = 0; j < cols; j++) mean[j] = count[j] > 0 ? mean[j] / count[j] : NaN;
    // Two passes: summing squared deviations avoids the cancellation of E[x^2] - E[x]^2.
    const variance = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j];
        if (!Number.isNaN(v)) { const d = v - mean[j]; variance[j] += d * d; }
      }
    }
    const scale = new Float64Array(cols).fill(1);
    for (let j = 0; j < cols; j++) {
      const n = count[j];
      variance[j] /= n;
      // scikit-learn's `_is_constant_feature`: a variance within rounding error of 0 counts as 0.
      const bound = n * Number.EPSILON * variance[j] + (n * mean[j] * Number.EPSILON) ** 2;
      if (this.withStd && variance[j] > bound) scale[j] = Math.sqrt(variance[j]);
    }
    this.nSamplesSeen = Array.from(count);
    this.nanIgnored = ignored;
    this.restore(mean, scale, floatTypeOf(x.dtype));
    return this;
  }

  toJSON(): StandardScalerJSON {
    const { means, scales } = this.stats("toJSON");
    return { type: "StandardScaler", withMean: this.withMean, withStd: this.withStd,
      mean: Array.from(means), scale: Array.from(scales) };
  }

  /** Rebuilds a fitted scaler from `toJSON()` output. */
  static fromJSON(json: StandardScalerJSON): StandardScaler {
    if (json?.type !== "StandardScaler") {
      throw new Error(`StandardScaler.fromJSON: expected type "StandardScaler", got ` +
        `${JSON.stringify(json?.type)}`);
    }
    const mean = checkNumbers("StandardScaler.fromJSON: mean", json.mean);
    const scale = checkNumbers("StandardScaler.fromJSON: scale", json.scale, mean.length);
    const scaler = new StandardScaler({ withMean: json.withMean !== false, withStd: json.withStd !== false });
    scaler.restore(mean, scale, "float32");
    return scaler;
  }

  private restore(mean: Float64Array, scale: Float64Array, dtype: DType): void {
    this.means = mean;
    this.scales = scale;
    this.setStats(this.withMean ? mean : new Float64Array(mean.length), scale, dtype);
  }

  private stats(op: string): { means: Float64Array; scales: Float64Array } {
    this.fitted(op);
    return { means: this.means as Float64Array, scales: this.scales as Float64Array };
  }
}

export interface MinMaxScalerOptions {
  /** The interval each feature is mapped to. Default [0, 1]. */
  featureRange?: readonly [number, number];
  /** Clamp transformed values to `featureRange` (for test data outside the training range). Default false. */
  clip?: boolean;
}

/** A fitted `MinMaxScaler` as plain JSON. */
export interface MinMaxScalerJSON {
  type: "MinMaxScaler";
  featureRange: [number, number];
  clip: boolean;
  dataMin: number[];
  dataMax: number[];
}

/**
 * Maps each feature linearly so that its training minimum and maximum land on `featureRange`.
 * Constant columns keep a range of 1 (they map to the lower end), as scikit-learn.
 * @example
 * const scaler = new MinMaxScaler({ featureRange: [-1, 1] }).fit(xTrain);
 * const xs = scaler.transform(xTrain);   // every column spans [-1, 1]
 */
export class MinMaxScaler extends AffineScaler {
  protected readonly name = "MinMaxScaler";
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;
  private mins: Float64Array | null = null;
  private maxs: Float64Array | null = null;

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    const range = options.featureRange ?? [0, 1];
    const valid = Array.isArray(range) && range.length === 2 && range.every(Number.isFinite) &&
      range[0] < range[1];
    if (!valid) {
      throw new Error(`MinMaxScaler: featureRange must be [min, max] with min < max, got ` +
        `${JSON.stringify(range)}`);
    }
    this.featureRange = [range[0], range[1]];
    this.clip = options.clip ?? false;
  }

  /** Column minima seen by `fit`. */
  get dataMin(): Tensor { return this.vector(this.mins, "dataMin"); }
  /** Column maxima seen by `fit`. */
  get dataMax(): Tensor { return this.vector(this.maxs, "dataMax"); }

  fit(x: Tensor): this {
    const { data, rows, cols } = this.columns("fit", x);
    const lo = new Float64Array(cols).fill(Infinity);
    const hi = new Float64Array(cols).fill(-Infinity);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    }
    this.restore(lo, hi, floatTypeOf(x.dtype));
    return this;
  }

  protected override postTransform(y: Tensor): Tensor {
    return this.clip ? y.clamp(this.featureRange[0], this.featureRange[1]) : y;
  }

  toJSON(): MinMaxScalerJSON {
    this.fitted("toJSON");
    return { type: "MinMaxScaler", featureRange: [...this.featureRange], clip: this.clip,
      dataMin: Array.from(this.mins as Float64Array), dataMax: Array.from(this.maxs as Float64Array) };
  }

  /** Rebuilds a fitted scaler from `toJSON()` output. */
  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    if (json?.type !== "MinMaxScaler") {
      throw new Error(`MinMaxScaler.fromJSON: expected type "MinMaxScaler", got ` +
        `${JSON.stringify(json?.type)}`);
    }
    const lo = checkNumbers("MinMaxScaler.fromJSON: dataMin", json.dataMin);
    const hi = checkNumbers("MinMaxScaler.fromJSON: dataMax", json.dataMax, lo.length);
    const scaler = new MinMaxScaler({ featureRange: json.featureRange, clip: json.clip === true });
    scaler.restore(lo, hi, "float32");
    return scaler;
  }

  private restore(lo: Float64Array, hi: Float64Array, dtype: DType): void {
    const [a, b] = this.featureRange;
    // y = a + (x - lo) * (b - a) / range, written as (x - shift) / divisor.
    const divisor = new Float64Array(lo.length);
    const shift = new Float64Array(lo.length);
    for (let j = 0; j < lo.length; j++) {
      const range = hi[j] - lo[j];
      divisor[j] = (range < 10 * Number.EPSILON ? 1 : range) / (b - a);
      shift[j] = lo[j] - a * divisor[j];
    }
    this.mins = lo;
    this.maxs = hi;
    this.setStats(shift, divisor, dtype);
  }
}

/**
 * One-hot encoding: labels of any shape become float32 rows of `numClasses` (default: largest label + 1)
 * with a 1 at each label. Labels must be whole numbers in [0, numClasses).
 * @example
 * oneHot(zd.tensor([0, 2], { dtype: "int32" }), 3).toArray();   // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(labels: Tensor, numClasses?: number): Tensor {
  if (!(labels instanceof Tensor)) throw new Error("oneHot: labels must be a tensor");
  const values = labels.dataSync();
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new Error(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  }
  let k = numClasses ?? 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || (numClasses !== undefined && v >= numClasses)) {
      const range = numClasses === undefined ? "a whole number >= 0" : `a class index in [0, ${numClasses})`;
      throw new Error(`oneHot: label ${v} at position ${i} is not ${range}`);
    }
    if (numClasses === undefined) k = Math.max(k, v + 1);
  }
  const out = new Float32Array(values.length * k);
  for (let i = 0; i < values.length; i++) out[i * k + values[i]] = 1;
  return fromFlat(out, [...labels.shape, k], "float32", labels.backend);
}
