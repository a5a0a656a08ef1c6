import { zeros } from "../../core/creation.js";
import type { DType } from "../../core/dtype.js";
import { recurrentScan } from "../../core/ops/recurrent.js";
import { formatShape } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import { Module, type ModuleConfig } from "../module.js";
import type { Parameter } from "../parameter.js";
import type { ConfigArgs } from "../config.js";
import { checkBoolean, checkInput, checkOneOf, checkPositiveInt } from "./check.js";
import {
  cellOf, checkFeatures, checkNonlinearity, checkState, makeCellWeights, splitBiases, type CellWeights,
  type RecurrentCell, type RNNNonlinearity,
} from "./rnn-params.js";

export interface RNNCellOptions {
  /** Learn b_ih and b_hh (default true). */
  bias?: boolean;
  dtype?: DType;
}

/**
 * One time step, for loops written by hand. A cell is a one-step scan of the same fused kernel the
 * multi-layer layers use, with PyTorch's parameter names (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`).
 */
abstract class CellBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  protected constructor(readonly mode: RecurrentCell, inputSize: number, hiddenSize: number,
    options: RNNCellOptions) {
    super();
    const type = this.typeName();
    this.inputSize = checkPositiveInt(type, "inputSize", inputSize);
    this.hiddenSize = checkPositiveInt(type, "hiddenSize", hiddenSize);
    const bias = checkBoolean(type, "bias", options.bias ?? true);
    const dtype = checkOneOf(type, "dtype", options.dtype ?? "float32", ["float32", "float64"]);
    const w = makeCellWeights(mode, inputSize, hiddenSize, bias, dtype);
    this.weight_ih = w.weightIh;
    this.weight_hh = w.weightHh;
    this.bias_ih = w.biasIh;
    this.bias_hh = w.biasHh;
  }

  protected abstract typeName(): string;

  protected get label(): string { return `${this.typeName()}(${this.inputSize} → ${this.hiddenSize})`; }

  /** One step: returns the new h (and c) as [B, H], or [H] for an unbatched input. */
  protected step(x: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, Tensor | null] {
    const name = this.label;
    checkInput(name, x);
    if (x.ndim !== 1 && x.ndim !== 2) {
      throw new Error(`${name}: expected input [batch, ${this.inputSize}] or [${this.inputSize}], ` +
        `got shape ${formatShape(x.shape)}`);
    }
    checkFeatures(name, x, this.inputSize, "[batch, features]");
    const dtype = this.weight_ih.dtype;
    if (x.dtype !== dtype) throw new Error(`${name}: input is ${x.dtype}, the weights are ${dtype}`);
    const unbatched = x.ndim === 1;
    const B = unbatched ? 1 : x.shape[0], H = this.hiddenSize;
    const shape = unbatched ? [H] : [B, H];
    const state = (t: Tensor | null, label: string): Tensor => {
      if (t === null) return zeros([B, H], { dtype });
      const what = unbatched ? "hiddenSize" : "batch, hiddenSize";
      const checked = checkState(name, label, t, shape, what, dtype);
      return unbatched ? checked.unsqueeze(0) : checked;
    };
    const h0 = state(h, "h"), c0 = this.mode === "lstm" ? state(c, "c") : null;
    const w: CellWeights = { weightIh: this.weight_ih, weightHh: this.weight_hh, biasIh: this.bias_ih,
      biasHh: this.bias_hh };
    const biases = splitBiases(this.mode, w);
    let xProj = (unbatched ? x.unsqueeze(0) : x).matmul(this.weight_ih.T);
    if (biases.input !== null) xProj = xProj.add(biases.input);
    const packed = recurrentScan(this.mode, xProj.unsqueeze(0), this.weight_hh, biases.recurrent, h0, c0);
    const out = (row: number): Tensor =>
      (unbatched ? packed.select(0, row).squeeze(0) : packed.select(0, row));
    return [out(1), c0 === null ? null : out(2)];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih === null ? ", bias=False" : ""}`;
  }

  protected configArgs(): NonNullable<ModuleConfig["args"]> {
    const args: NonNullable<ModuleConfig["args"]> = {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias_ih !== null,
    };
    if (this.weight_ih.dtype !== "float32") args.dtype = this.weight_ih.dtype;
    return args;
  }
}

/**
 * h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu).
 * @example
 * const cell = new nn.RNNCell(10, 20);
 * let h = zd.zeros([3, 20]);
 * for (const x of inputs) h = cell.forward(x, h);
 */
export class RNNCell extends CellBase<[Tensor, (Tensor | null)?], Tensor> {
  readonly nonlinearity: RNNNonlinearity;

  constructor(inputSize: number, hiddenSize: number,
    options: RNNCellOptions & { nonlinearity?: RNNNonlinearity } = {}) {
    const cell = cellOf(checkNonlinearity("RNNCell", options.nonlinearity ?? "tanh"));
    super(cell, inputSize, hiddenSize, options);
    this.nonlinearity = options.nonlinearity ?? "tanh";
  }

  protected typeName(): string { return "RNNCell"; }

  forward(x: Tensor, h: Tensor | null = null): Tensor { return this.step(x, h, null)[0]; }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === "relu" ? ", nonlinearity=relu" : "");
  }

  override getConfig(): ModuleConfig {
    return { type: "RNNCell", args: { ...this.configArgs(), nonlinearity: this.nonlinearity } };
  }

  static fromConfig(a: ConfigArgs): RNNCell {
    return new RNNCell(a.inputSize as number, a.hiddenSize as number, a as RNNCellOptions);
  }
}

/**
 * One GRU step, PyTorch's formulas (see `nn.GRU`).
 * @example
 * const cell = new nn.GRUCell(10, 20);
 * const h1 = cell.forward(zd.randn([3, 10]));   // h0 defaults to zeros
 */
export class GRUCell extends CellBase<[Tensor, (Tensor | null)?], Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super("gru", inputSize, hiddenSize, options);
  }

  protected typeName(): string { return "GRUCell"; }

  forward(x: Tensor, h: Tensor | null = null): Tensor { return this.step(x, h, null)[0]; }

  override getConfig(): ModuleConfig { return { type: "GRUCell", args: this.configArgs() }; }

  static fromConfig(a: ConfigArgs): GRUCell {
    return new GRUCell(a.inputSize as number, a.hiddenSize as number, a as RNNCellOptions);
  }
}

/**
 * One LSTM step, PyTorch's formulas and gate order (see `nn.LSTM`).
 * @example
 * const cell = new nn.LSTMCell(10, 20);
 * let state: [zd.Tensor, zd.Tensor] = [zd.zeros([3, 20]), zd.zeros([3, 20])];
 * for (const x of inputs) state = cell.forward(x, state);
 */
export class LSTMCell extends CellBase<[Tensor, (readonly [Tensor, Tensor] | null)?], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super("lstm", inputSize, hiddenSize, options);
  }

  protected typeName(): string { return "LSTMCell"; }

  forward(x: Tensor, state: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new Error(`${this.label}: the state must be [h, c], got ${String(state)}`);
    }
    const [h, c] = this.step(x, state?.[0] ?? null, state?.[1] ?? null);
    return [h, c as Tensor];
  }

  override getConfig(): ModuleConfig { return { type: "LSTMCell", args: this.configArgs() }; }

  static fromConfig(a: ConfigArgs): LSTMCell {
    return new LSTMCell(a.inputSize as number, a.hiddenSize as number, a as RNNCellOptions);
  }
}
