import { fromFlat } from "../core/creation.js";
import { floatTypeOf, type DType, type TypedArray } from "../core/dtype.js";
import { formatShape } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";

/**
 * A fitted per-feature affine map y = (x - shift) / divisor: the base of `StandardScaler` and
 * `MinMaxScaler`, which differ only in how `fit` picks shift and divisor. Not exported by the package.
 */
export abstract class AffineScaler {
  /** @internal */ protected shift: Float64Array | null = null;
  /** @internal */ protected divisor: Float64Array | null = null;
  /** @internal */ protected dtype: DType = "float32";
  protected abstract readonly name: string;

  /** True once `fit` (or `fromJSON`) has given the scaler its statistics. */
  get isFitted(): boolean { return this.shift !== null; }
  /** Number of features (columns) seen by `fit`. */
  get nFeatures(): number { return this.fitted("nFeatures").shift.length; }

  /** @internal x's elements, read ahead by `fitAsync` for `fit`. */
  private readAhead: { x: Tensor; data: TypedArray } | null = null;

  /** Learns the per-column statistics of `x` ([samples, features]) and returns this scaler. */
  abstract fit(x: Tensor): this;

  /**
   * `fit` through an asynchronous read of `x`: the form for a GPU tensor in a browser page, which
   * cannot be read synchronously. The same statistics as `fit`.
   * @example const scaler = await new zd.data.StandardScaler().fitAsync(xTrain);
   */
  async fitAsync(x: Tensor): Promise<this> {
    this.checkInput("fitAsync", x, null);
    this.readAhead = { x, data: await x.data() };
    try {
      return this.fit(x);
    } finally {
      this.readAhead = null;
    }
  }

  /** Scales `x` with the fitted statistics; the result is float (float32 for int32 input). */
  transform(x: Tensor): Tensor {
    const { shift, divisor } = this.fitted("transform");
    this.checkInput("transform", x, shift.length);
    return this.postTransform(x.to(floatTypeOf(x.dtype)).sub(this.row(shift, x)).div(this.row(divisor, x)));
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor { return this.fit(x).transform(x); }

  /** Maps scaled values back to the original units. */
  inverseTransform(x: Tensor): Tensor {
    const { shift, divisor } = this.fitted("inverseTransform");
    this.checkInput("inverseTransform", x, shift.length);
    return x.to(floatTypeOf(x.dtype)).mul(this.row(divisor, x)).add(this.row(shift, x));
  }

  protected postTransform(y: Tensor): Tensor { return y; }

  protected fitted(op: string): { shift: Float64Array; divisor: Float64Array } {
    if (this.shift === null || this.divisor === null) {
      throw new Error(`${this.name}.${op}: this scaler is not fitted yet; call fit(x) first`);
    }
    return { shift: this.shift, divisor: this.divisor };
  }

  /** @internal Checks `x` and returns its rows as one flat array with the number of columns. */
  protected columns(op: string, x: Tensor): { data: TypedArray; rows: number; cols: number } {
    this.checkInput(op, x, null);
    const [rows, cols] = x.shape;
    if (rows === 0) {
      throw new Error(`${this.name}.${op}: cannot fit on 0 samples (shape ${formatShape(x.shape)})`);
    }
    const data = this.readAhead?.x === x ? this.readAhead.data : x.dataSync();
    return { data, rows, cols };
  }

  protected setStats(shift: Float64Array, divisor: Float64Array, dtype: DType): void {
    this.shift = shift;
    this.divisor = divisor;
    this.dtype = dtype;
  }

  protected vector(values: Float64Array | null, op: string): Tensor {
    if (values === null) this.fitted(op);
    return fromFlat(values as Float64Array, [(values as Float64Array).length], this.dtype);
  }

  private checkInput(op: string, x: Tensor, nFeatures: number | null): void {
    if (!(x instanceof Tensor) || x.ndim !== 2) {
      const got = x instanceof Tensor ? `shape ${formatShape(x.shape)}` : typeof x;
      throw new Error(`${this.name}.${op}: expected a 2-D tensor [samples, features], got ${got}`);
    }
    if (nFeatures !== null && x.shape[1] !== nFeatures) {
      throw new Error(`${this.name}.${op}: x has ${x.shape[1]} features (shape ${formatShape(x.shape)}), ` +
        `but the scaler was fitted on ${nFeatures}`);
    }
  }

  private row(values: Float64Array, like: Tensor): Tensor {
    return fromFlat(values, [values.length], floatTypeOf(like.dtype), like.backend);
  }
}

/** @internal */
export function checkNumbers(what: string, values: unknown, length?: number): Float64Array {
  if (!Array.isArray(values) || values.some((v) => typeof v !== "number") ||
    (length !== undefined && values.length !== length)) {
    throw new Error(`${what}: expected an array of ${length ?? "some"} numbers`);
  }
  return Float64Array.from(values as number[]);
}
