/**
 * Pooling layers: thin wrappers over nn.functional's pools, printing and saving as PyTorch's.
 */
import { formatShape } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import { batched, type ConvContext } from "../functional/conv.js";
import { toPair, type IntPair } from "../functional/im2col.js";
import { Module, type JsonValue, type ModuleConfig } from "../module.js";
import {
  adaptiveAvgPool, avgPool, maxPool, type AdaptiveSize, type AvgPool2dOptions, type MaxPool2dOptions,
} from "../functional/pool.js";
import type { ConfigArgs } from "../config.js";
import { checkBoolean, checkInput } from "./check.js";

type Kind = "MaxPool1d" | "MaxPool2d" | "AvgPool1d" | "AvgPool2d" | "AdaptiveAvgPool1d" | "AdaptiveAvgPool2d";

/** A size as PyTorch prints it: 2, (2, 3) or None. */
function py(value: IntPair | null | readonly (number | null)[]): string {
  if (value === null) return "None";
  if (typeof value === "number") return String(value);
  return `(${value.map((v) => (v === null ? "None" : v)).join(", ")})`;
}

function json(value: IntPair | readonly (number | null)[]): JsonValue {
  return typeof value === "number" ? value : [...value];
}

/** Shared checks: rank 3-or-4 (2-d) or 2-or-3 (1-d) and a 4-d batch for the functional core. */
abstract class PoolLayer extends Module {
  protected constructor(protected readonly kind: Kind) { super(); }

  protected get oneD(): boolean { return this.kind.endsWith("1d"); }

  /** Sizes of a 1-d pool go to the width; a number is checked as one. */
  protected size(name: string, value: IntPair, min = 1): IntPair {
    if (this.oneD && typeof value !== "number") {
      throw new Error(`${this.kind}: ${name} must be a number, got ${JSON.stringify(value)}`);
    }
    toPair(this.kind, name, value, min);
    return value;
  }

  protected as2d(value: IntPair, height: number): IntPair {
    return this.oneD ? [height, value as number] : value;
  }

  /** Runs `fn` on a 4-d batch, restoring the input's rank. */
  protected run(x: Tensor, fn: (ctx: ConvContext, x4: Tensor) => Tensor): Tensor {
    checkInput(this.kind, x);
    const rank = this.oneD ? 3 : 4;
    const ctx: ConvContext = { op: this.kind, shape: x.shape, oneD: this.oneD };
    if (x.ndim !== rank && x.ndim !== rank - 1) {
      const layout = this.oneD ? "[N, C, L] or [C, L]" : "[N, C, H, W] or [C, H, W]";
      throw new Error(`${this.kind}: expected a ${rank}-d input ${layout}, ` +
        `got shape ${formatShape(x.shape)}`);
    }
    return batched(ctx, x, rank, (xb) => (this.oneD ? fn(ctx, xb.unsqueeze(2)).squeeze(2) : fn(ctx, xb)));
  }
}

type MaxPoolArgs = Omit<MaxPool2dOptions, "returnIndices">;
type MaxPool1dArgs = { stride?: number; padding?: number; dilation?: number; ceilMode?: boolean };

/** Max pooling; `forwardWithIndices` also returns the argmax positions (PyTorch's return_indices). */
abstract class MaxPoolLayer extends PoolLayer {
  readonly kernelSize: IntPair;
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly dilation: IntPair;
  readonly ceilMode: boolean;

  protected constructor(kind: Kind, kernelSize: IntPair, options: MaxPoolArgs) {
    super(kind);
    this.kernelSize = this.size("kernelSize", kernelSize);
    this.stride = this.size("stride", options.stride ?? kernelSize);
    this.padding = this.size("padding", options.padding ?? 0, 0);
    this.dilation = this.size("dilation", options.dilation ?? 1);
    this.ceilMode = checkBoolean(kind, "ceilMode", options.ceilMode ?? false);
    const kernel = toPair(kind, "kernelSize", kernelSize), pad = toPair(kind, "padding", this.padding, 0);
    if (pad.some((p, i) => p > kernel[i] / 2)) {
      throw new Error(`${kind}: padding ${py(this.padding)} must be at most half the kernel size ` +
        `${py(kernelSize)}`);
    }
  }

  private pool(x: Tensor, indices: boolean): Tensor[] {
    const parts: Tensor[] = [];
    const values = this.run(x, (ctx, x4) => {
      const out = maxPool(ctx, x4, this.as2d(this.kernelSize, 1), {
        stride: this.as2d(this.stride, 1), padding: this.as2d(this.padding, 0),
        dilation: this.as2d(this.dilation, 1), ceilMode: this.ceilMode, returnIndices: indices,
      });
      parts.push(...out.slice(1));
      return out[0];
    });
    if (!indices) return [values];
    const idx = parts[0].reshape([...values.shape]);
    return [values, idx];
  }

  forward(x: Tensor): Tensor { return this.pool(x, false)[0]; }

  /** [values, indices]: for each output, the flat index (row·W + column) of its maximum in the plane. */
  forwardWithIndices(x: Tensor): [Tensor, Tensor] {
    const [values, indices] = this.pool(x, true);
    return [values, indices];
  }

  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}, ` +
      `dilation=${py(this.dilation)}, ceil_mode=${this.ceilMode ? "True" : "False"}`;
  }

  override getConfig(): ModuleConfig {
    return { type: this.kind, args: { kernelSize: json(this.kernelSize), stride: json(this.stride),
      padding: json(this.padding), dilation: json(this.dilation), ceilMode: this.ceilMode } };
  }
}

/**
 * Max over each window of [N, C, H, W] images, per channel; the stride defaults to the kernel size.
 * @example new nn.MaxPool2d(2).forward(zd.randn([8, 16, 28, 28])).shape // [8, 16, 14, 14]
 */
export class MaxPool2d extends MaxPoolLayer {
  constructor(kernelSize: IntPair, options: MaxPoolArgs = {}) { super("MaxPool2d", kernelSize, options); }
  /** @internal */
  static fromConfig(a: ConfigArgs): MaxPool2d {
    return new MaxPool2d(a.kernelSize as IntPair, a as MaxPoolArgs);
  }
}

/**
 * Max over each window of [N, C, L] sequences, per channel.
 * @example new nn.MaxPool1d(4).forward(zd.randn([4, 8, 100])).shape // [4, 8, 25]
 */
export class MaxPool1d extends MaxPoolLayer {
  constructor(kernelSize: number, options: MaxPool1dArgs = {}) { super("MaxPool1d", kernelSize, options); }
  /** @internal */
  static fromConfig(a: ConfigArgs): MaxPool1d {
    return new MaxPool1d(a.kernelSize as number, a as MaxPool1dArgs);
  }
}

/** Average pooling: window sums divided as PyTorch (padding counted unless countIncludePad is false). */
abstract class AvgPoolLayer extends PoolLayer {
  readonly kernelSize: IntPair;
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  protected constructor(kind: Kind, kernelSize: IntPair, options: AvgPool2dOptions) {
    super(kind);
    this.kernelSize = this.size("kernelSize", kernelSize);
    this.stride = this.size("stride", options.stride ?? kernelSize);
    this.padding = this.size("padding", options.padding ?? 0, 0);
    this.ceilMode = checkBoolean(kind, "ceilMode", options.ceilMode ?? false);
    this.countIncludePad = checkBoolean(kind, "countIncludePad", options.countIncludePad ?? true);
    const d = options.divisorOverride ?? null;
    if (d !== null && !(Number.isInteger(d) && d > 0)) {
      throw new Error(`${kind}: divisorOverride must be a positive integer, got ${String(d)}`);
    }
    this.divisorOverride = d;
    const kernel = toPair(kind, "kernelSize", kernelSize), pad = toPair(kind, "padding", this.padding, 0);
    if (pad.some((p, i) => p > kernel[i] / 2)) {
      throw new Error(`${kind}: padding ${py(this.padding)} must be at most half the kernel size ` +
        `${py(kernelSize)}`);
    }
  }

  forward(x: Tensor): Tensor {
    return this.run(x, (ctx, x4) => avgPool(ctx, x4, this.as2d(this.kernelSize, 1), {
      stride: this.as2d(this.stride, 1), padding: this.as2d(this.padding, 0), ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    }));
  }

  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}`;
  }

  override getConfig(): ModuleConfig {
    return { type: this.kind, args: { kernelSize: json(this.kernelSize), stride: json(this.stride),
      padding: json(this.padding), ceilMode: this.ceilMode, countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride } };
  }
}

/**
 * Mean over each window of [N, C, H, W] images, per channel.
 * @example new nn.AvgPool2d(2).forward(zd.randn([8, 16, 28, 28])).shape // [8, 16, 14, 14]
 */
export class AvgPool2d extends AvgPoolLayer {
  constructor(kernelSize: IntPair, options: AvgPool2dOptions = {}) {
    super("AvgPool2d", kernelSize, options);
  }
  /** @internal */
  static fromConfig(a: ConfigArgs): AvgPool2d {
    return new AvgPool2d(a.kernelSize as IntPair, a as AvgPool2dOptions);
  }
}

/**
 * Mean over each window of [N, C, L] sequences, per channel.
 * @example new nn.AvgPool1d(4).forward(zd.randn([4, 8, 100])).shape // [4, 8, 25]
 */
export class AvgPool1d extends AvgPoolLayer {
  constructor(kernelSize: number, options: { stride?: number; padding?: number; ceilMode?: boolean;
    countIncludePad?: boolean } = {}) { super("AvgPool1d", kernelSize, options); }
  /** @internal */
  static fromConfig(a: ConfigArgs): AvgPool1d { return new AvgPool1d(a.kernelSize as number, a as object); }
}

/** Average pooling to a fixed output size, whatever the input size. */
abstract class AdaptiveAvgPoolLayer extends PoolLayer {
  readonly outputSize: AdaptiveSize;

  protected constructor(kind: Kind, outputSize: AdaptiveSize) {
    super(kind);
    const sizes = typeof outputSize === "number" ? [outputSize]
      : Array.isArray(outputSize) ? outputSize : [null, 0];
    const valid = (typeof outputSize === "number" || (!this.oneD && sizes.length === 2)) &&
      sizes.every((s) => s === null || (typeof s === "number" && Number.isInteger(s) && s >= 1));
    if (!valid) {
      const what = this.oneD ? "a positive integer"
        : "a positive integer or a pair of them (null keeps the input size)";
      throw new Error(`${kind}: outputSize must be ${what}, got ${JSON.stringify(outputSize)}`);
    }
    this.outputSize = outputSize;
  }

  forward(x: Tensor): Tensor {
    return this.run(x, (ctx, x4) => adaptiveAvgPool(ctx, x4,
      this.oneD ? [1, this.outputSize as number] : this.outputSize));
  }

  override extraRepr(): string { return `output_size=${py(this.outputSize)}`; }

  override getConfig(): ModuleConfig {
    return { type: this.kind, args: { outputSize: json(this.outputSize) } };
  }
}

/**
 * Average pooling of [N, C, H, W] to `outputSize` (1: global average pooling, as ResNet's head).
 * @example new nn.AdaptiveAvgPool2d(1).forward(zd.randn([8, 512, 7, 7])).shape // [8, 512, 1, 1]
 */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolLayer {
  constructor(outputSize: AdaptiveSize) { super("AdaptiveAvgPool2d", outputSize); }
  /** @internal */
  static fromConfig(a: ConfigArgs): AdaptiveAvgPool2d {
    return new AdaptiveAvgPool2d(a.outputSize as AdaptiveSize);
  }
}

/**
 * Average pooling of [N, C, L] to `outputSize` positions.
 * @example new nn.AdaptiveAvgPool1d(10).forward(zd.randn([4, 8, 100])).shape // [4, 8, 10]
 */
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolLayer {
  constructor(outputSize: number) { super("AdaptiveAvgPool1d", outputSize); }
  /** @internal */
  static fromConfig(a: ConfigArgs): AdaptiveAvgPool1d {
    return new AdaptiveAvgPool1d(a.outputSize as number);
  }
}
