/**
 * Convolution layers: thin wrappers over nn.functional's conv1d, conv2d and convTranspose2d with
 * PyTorch's weight layouts, initialization and printing, so state dicts move between the two.
 */
import { zeros } from "../../core/creation.js";
import type { DType } from "../../core/dtype.js";
import { formatShape } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import {
  batched, checkGroups, convolve, convolve1d, convolveTransposed, resolvePadding, type Conv1dOptions,
  type Conv2dOptions, type ConvContext, type ConvTranspose2dOptions,
} from "../functional/conv.js";
import { toPair, type IntPair, type PaddingMode } from "../functional/im2col.js";
import { defaultLayerInit } from "../init.js";
import { Module, type JsonValue, type ModuleConfig } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyTuple, type ConfigArgs } from "../config.js";
import { checkBoolean, checkInput, checkOneOf, checkPositiveInt } from "./check.js";

interface LayerExtras {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Element type of the weights (default float32). */
  dtype?: DType;
}
export type Conv2dLayerOptions = Conv2dOptions & LayerExtras;
export type Conv1dLayerOptions = Conv1dOptions & LayerExtras;
export type ConvTranspose2dLayerOptions = ConvTranspose2dOptions & LayerExtras;

type Kind = "Conv1d" | "Conv2d" | "ConvTranspose2d";
interface AnyConvOptions extends LayerExtras {
  stride?: IntPair; padding?: IntPair | "same" | "valid"; dilation?: IntPair; groups?: number;
  paddingMode?: PaddingMode; outputPadding?: IntPair;
}

/** Python's repr of a tuple: (3, 3), or (3,) for one element. */
/** Shared state of the convolution layers; `dims` sizes per option: 1 (Conv1d) or 2. */
abstract class ConvLayer extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[] | "same" | "valid";
  readonly dilation: readonly number[];
  readonly outputPadding: readonly number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;
  /** @internal How errors name this layer: `Conv2d(3→16)`. */
  protected readonly label: string;

  protected constructor(private readonly kind: Kind, inChannels: number, outChannels: number,
    kernelSize: IntPair, options: AnyConvOptions) {
    super();
    const dims = kind === "Conv1d" ? 1 : 2;
    this.inChannels = checkPositiveInt(kind, "inChannels", inChannels);
    this.outChannels = checkPositiveInt(kind, "outChannels", outChannels);
    const op = this.label = `${kind}(${inChannels}→${outChannels})`;
    const sizes = (name: string, value: IntPair | undefined, fallback: number, min = 1): number[] => {
      const v = value ?? fallback;
      if (dims === 1 && typeof v !== "number") {
        throw new Error(`${op}: ${name} must be a number, got ${JSON.stringify(v)}`);
      }
      return toPair(op, name, v, min).slice(2 - dims);
    };
    this.kernelSize = sizes("kernelSize", kernelSize, 0);
    this.stride = sizes("stride", options.stride, 1);
    this.dilation = sizes("dilation", options.dilation, 1);
    this.outputPadding = sizes("outputPadding", options.outputPadding, 0, 0);
    const padding = options.padding ?? 0;
    if (kind === "ConvTranspose2d" && typeof padding === "string") {
      throw new Error(`${op}: padding must be a non-negative integer or a pair of them, got "${padding}"`);
    }
    this.padding = typeof padding === "string" ? padding : sizes("padding", padding, 0, 0);
    const pad2 = (v: readonly number[]): number[] => (dims === 1 ? [1, v[0]] : [...v]);
    resolvePadding(op, this.padding === "same" || this.padding === "valid" ? this.padding : 0,
      pad2(this.kernelSize), pad2(this.dilation), pad2(this.stride));
    this.groups = checkGroups(op, options.groups ?? 1,
      [["inChannels", inChannels], ["outChannels", outChannels]]);
    this.paddingMode = checkOneOf(op, "paddingMode", options.paddingMode ?? "zeros",
      kind === "ConvTranspose2d" ? ["zeros"] : ["zeros", "reflect", "replicate", "circular"]);
    const hasBias = checkBoolean(op, "bias", options.bias ?? true);
    const dtype = checkOneOf(op, "dtype", options.dtype ?? "float32", ["float32", "float64"]);
    const [a, b] = kind === "ConvTranspose2d" ? [inChannels, outChannels] : [outChannels, inChannels];
    this.weight = new Parameter(zeros([a, b / this.groups, ...this.kernelSize], { dtype }));
    this.bias = hasBias ? new Parameter(zeros([outChannels], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: kaiming-uniform with a = √5 (U(±1/√fanIn)), bias U(±1/√fanIn). */
  resetParameters(): void {
    defaultLayerInit(this.weight, this.bias);
  }

  /** The input after checking its rank and channel count; `dims` spatial dims follow the channels. */
  protected checked(x: Tensor): ConvContext {
    const dims = this.kernelSize.length;
    checkInput(this.label, x);
    const batchedRank = dims + 2;
    if (x.ndim !== batchedRank && x.ndim !== batchedRank - 1) {
      const layout = dims === 1 ? "[N, C, L] or [C, L]" : "[N, C, H, W] or [C, H, W]";
      throw new Error(`${this.label}: expected a ${batchedRank}-d input ${layout}, ` +
        `got shape ${formatShape(x.shape)}`);
    }
    if (x.shape[x.ndim - dims - 1] !== this.inChannels) {
      throw new Error(`${this.label}: expected input with ${this.inChannels} channels, ` +
        `got shape ${formatShape(x.shape)}`);
    }
    return { op: this.label, shape: x.shape, oneD: dims === 1 };
  }

  override extraRepr(): string {
    const zero = (v: readonly number[]) => v.every((d) => d === 0);
    const one = (v: readonly number[]) => v.every((d) => d === 1);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, ` +
      `stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === "string") s += `, padding=${this.padding}`;
    else if (!zero(this.padding)) s += `, padding=${pyTuple(this.padding)}`;
    if (!one(this.dilation)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (!zero(this.outputPadding)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    if (this.paddingMode !== "zeros") s += `, padding_mode=${this.paddingMode}`;
    return s;
  }

  override getConfig(): ModuleConfig {
    const sizes = (v: readonly number[]): JsonValue => (v.length === 1 ? v[0] : [...v]);
    const args: NonNullable<ModuleConfig["args"]> = {
      inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: sizes(this.kernelSize),
      stride: sizes(this.stride),
      padding: typeof this.padding === "string" ? this.padding : sizes(this.padding),
      dilation: sizes(this.dilation), groups: this.groups, bias: this.bias !== null,
    };
    if (this.kind === "ConvTranspose2d") args.outputPadding = sizes(this.outputPadding);
    else args.paddingMode = this.paddingMode;
    if (this.weight.dtype !== "float32") args.dtype = this.weight.dtype;
    return { type: this.kind, args };
  }
}

/** Constructor arguments back from a saved config (the constructor validates them). */
function fromArgs<T>(args: ConfigArgs,
  make: (inC: number, outC: number, k: IntPair, o: AnyConvOptions) => T): T {
  return make(args.inChannels as number, args.outChannels as number, args.kernelSize as IntPair,
    args as unknown as AnyConvOptions);
}

/**
 * 2-d convolution over x [N, inChannels, H, W] (or unbatched [C, H, W]); weight
 * [outChannels, inChannels/groups, kh, kw], bias [outChannels], as PyTorch.
 * @example
 * const conv = new nn.Conv2d(3, 16, 3, { padding: 1 });
 * conv.forward(zd.randn([8, 3, 32, 32])).shape; // [8, 16, 32, 32]
 */
export class Conv2d extends ConvLayer {
  constructor(inChannels: number, outChannels: number, kernelSize: IntPair,
    options: Conv2dLayerOptions = {}) {
    super("Conv2d", inChannels, outChannels, kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    const ctx = this.checked(x);
    return batched(ctx, x, 4, (xb) => convolve(ctx, xb, this.weight, this.bias, {
      stride: this.stride as [number, number], dilation: this.dilation as [number, number],
      groups: this.groups,
      padding: typeof this.padding === "string" ? this.padding : this.padding as [number, number],
      paddingMode: this.paddingMode,
    }));
  }

  /** @internal */
  static fromConfig(args: ConfigArgs): Conv2d {
    return fromArgs(args, (a, b, k, o) => new Conv2d(a, b, k, o));
  }
}

/**
 * 1-d convolution over x [N, inChannels, L] (or [C, L]); weight [outChannels, inChannels/groups, k].
 * @example new nn.Conv1d(2, 8, 5, { padding: "same" }).forward(zd.randn([4, 2, 50])).shape // [4, 8, 50]
 */
export class Conv1d extends ConvLayer {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Conv1dLayerOptions = {}) {
    super("Conv1d", inChannels, outChannels, kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    const ctx = this.checked(x);
    return batched(ctx, x, 3, (xb) => convolve1d(ctx, xb, this.weight, this.bias, {
      stride: this.stride[0], dilation: this.dilation[0], groups: this.groups,
      padding: typeof this.padding === "string" ? this.padding : this.padding[0],
      paddingMode: this.paddingMode,
    }));
  }

  /** @internal */
  static fromConfig(args: ConfigArgs): Conv1d {
    return fromArgs(args, (a, b, k, o) => new Conv1d(a, b, k as number, o as Conv1dLayerOptions));
  }
}

/**
 * Transposed 2-d convolution (learned upsampling): weight [inChannels, outChannels/groups, kh, kw];
 * the output is (H−1)·stride − 2·padding + dilation·(kh−1) + outputPadding + 1 high.
 * @example
 * const up = new nn.ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });
 * up.forward(zd.randn([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 */
export class ConvTranspose2d extends ConvLayer {
  constructor(inChannels: number, outChannels: number, kernelSize: IntPair,
    options: ConvTranspose2dLayerOptions = {}) {
    super("ConvTranspose2d", inChannels, outChannels, kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    const ctx = this.checked(x);
    const pair = (v: readonly number[]) => v as [number, number];
    return batched(ctx, x, 4, (xb) => convolveTransposed(ctx, xb, this.weight, this.bias, {
      stride: pair(this.stride), padding: pair(this.padding as number[]), dilation: pair(this.dilation),
      outputPadding: pair(this.outputPadding), groups: this.groups,
    }));
  }

  /** @internal */
  static fromConfig(args: ConfigArgs): ConvTranspose2d {
    return fromArgs(args, (a, b, k, o) => new ConvTranspose2d(a, b, k, o as ConvTranspose2dLayerOptions));
  }
}

export interface DepthwiseSeparableConv2dOptions extends LayerExtras {
  stride?: IntPair;
  padding?: IntPair | "same" | "valid";
  dilation?: IntPair;
  paddingMode?: PaddingMode;
  /** Depthwise filters per input channel (Keras' depth_multiplier). Default 1. */
  depthMultiplier?: number;
}

/**
 * A depthwise convolution (one kxk filter per channel: groups = inChannels) followed by a pointwise
 * 1×1 convolution mixing channels, as in MobileNet (Howard et al., 2017): about k² times fewer
 * multiply-adds than a full Conv2d. Children `depthwise` and `pointwise` are plain Conv2d layers.
 * @example
 * const block = new nn.DepthwiseSeparableConv2d(32, 64, 3, { padding: 1 });
 * block.forward(zd.randn([8, 32, 16, 16])).shape; // [8, 64, 16, 16]
 */
export class DepthwiseSeparableConv2d extends Module {
  readonly depthwise: Conv2d;
  readonly pointwise: Conv2d;
  private readonly depthMultiplier: number;

  constructor(inChannels: number, outChannels: number, kernelSize: IntPair,
    options: DepthwiseSeparableConv2dOptions = {}) {
    super();
    const { depthMultiplier = 1, bias, dtype, ...spatial } = options;
    const label = `DepthwiseSeparableConv2d(${inChannels}→${outChannels})`;
    this.depthMultiplier = checkPositiveInt(label, "depthMultiplier", depthMultiplier);
    const mid = checkPositiveInt(label, "inChannels", inChannels) * depthMultiplier;
    this.depthwise = new Conv2d(inChannels, mid, kernelSize, { ...spatial, groups: inChannels, bias, dtype });
    this.pointwise = new Conv2d(mid, outChannels, 1, { bias, dtype });
  }

  forward(x: Tensor): Tensor {
    return this.pointwise.forward(this.depthwise.forward(x));
  }

  override getConfig(): ModuleConfig {
    const d = this.depthwise.getConfig().args ?? {};
    const args: NonNullable<ModuleConfig["args"]> = {
      inChannels: this.depthwise.inChannels, outChannels: this.pointwise.outChannels,
      kernelSize: d.kernelSize,
      stride: d.stride, padding: d.padding, dilation: d.dilation, paddingMode: d.paddingMode, bias: d.bias,
      depthMultiplier: this.depthMultiplier,
    };
    if (d.dtype !== undefined) args.dtype = d.dtype;
    return { type: "DepthwiseSeparableConv2d", args };
  }

  /** @internal */
  static fromConfig(args: ConfigArgs): DepthwiseSeparableConv2d {
    return fromArgs(args, (a, b, k, o) => new DepthwiseSeparableConv2d(a, b, k, o));
  }
}
