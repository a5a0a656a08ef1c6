import { fromFlat, zeros } from "../../core/creation.js";
import type { DType } from "../../core/dtype.js";
import { concat, stack } from "../../core/ops/movement.js";
import { recurrentScan } from "../../core/ops/recurrent.js";
import { formatShape } from "../../core/shape.js";
import { Tensor } from "../../core/tensor.js";
import { dropout } from "../functional/index.js";
import { Module, type ModuleConfig } from "../module.js";
import { checkBoolean, checkInput, checkOneOf, checkPositiveInt } from "./check.js";
import {
  checkFeatures, checkState, makeCellWeights, project, splitBiases, type CellWeights, type RecurrentCell,
  type RNNNonlinearity,
} from "./rnn-params.js";

export interface RNNBaseOptions {
  /** Stacked layers; each after the first reads the one below (default 1). */
  numLayers?: number;
  /** Learn b_ih and b_hh (default true). */
  bias?: boolean;
  /** Inputs and outputs are [batch, time, features] instead of [time, batch, features] (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, while training (default 0). */
  dropout?: number;
  /** Also run each layer from the last step to the first and concatenate both outputs (default false). */
  bidirectional?: boolean;
  dtype?: DType;
}

export interface RNNOptions extends RNNBaseOptions {
  /** "tanh" (default) or "relu". */
  nonlinearity?: RNNNonlinearity;
}

/**
 * Which steps of a padded batch are real. Padded steps change nothing: the state passes through
 * them, their outputs are 0, and going in reverse each sequence starts at its own last step (as
 * PyTorch's packed sequences).
 */
export interface SequenceOptions {
  /** Length of each sequence of the batch (its first `length` steps are real). */
  lengths?: readonly number[] | Tensor;
  /** 1 for real steps, 0 for padding: [batch, time] with batchFirst, else [time, batch]. */
  mask?: Tensor;
}

export interface RunResult { output: Tensor; hN: Tensor; cN: Tensor | null }

/** What the layers read: a time-major input [T, B, F], or the first layer's input projections. */
interface LayerInput {
  seqs: Tensor | null; projections: Tensor[] | null; T: number; B: number; unbatched: boolean;
}

/**
 * The multi-layer recurrent network behind `RNN`, `GRU` and `LSTM`. Parameters carry PyTorch's names
 * (`weight_ih_l0`, `bias_hh_l1_reverse`, ...), shapes and gate order, so a PyTorch state dict loads
 * unchanged. Each layer and direction is one `recurrentScan`: one GEMM projects the inputs of all
 * steps, then every step is a GEMM and one fused gate kernel.
 */
export abstract class RNNBase<In extends unknown[] = unknown[], Out = unknown> extends Module<In, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  protected constructor(readonly mode: RecurrentCell, inputSize: number, hiddenSize: number,
    options: RNNBaseOptions) {
    super();
    const type = this.typeName();
    this.inputSize = checkPositiveInt(type, "inputSize", inputSize);
    this.hiddenSize = checkPositiveInt(type, "hiddenSize", hiddenSize);
    this.numLayers = checkPositiveInt(type, "numLayers", options.numLayers ?? 1);
    this.bias = checkBoolean(type, "bias", options.bias ?? true);
    this.batchFirst = checkBoolean(type, "batchFirst", options.batchFirst ?? false);
    this.bidirectional = checkBoolean(type, "bidirectional", options.bidirectional ?? false);
    const p = options.dropout ?? 0;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new Error(`${type}: dropout must be a probability between 0 and 1, got ${String(p)}`);
    }
    this.dropout = p;
    const dtype = checkOneOf(type, "dtype", options.dtype ?? "float32", ["float32", "float64"]);
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < this.directions; dir++) {
        const input = layer === 0 ? this.inputSize : this.hiddenSize * this.directions;
        const w = makeCellWeights(mode, input, this.hiddenSize, this.bias, dtype);
        const suffix = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        this.registerParameter(`weight_ih${suffix}`, w.weightIh);
        this.registerParameter(`weight_hh${suffix}`, w.weightHh);
        if (this.bias) {
          this.registerParameter(`bias_ih${suffix}`, w.biasIh);
          this.registerParameter(`bias_hh${suffix}`, w.biasHh);
        }
      }
    }
  }

  get directions(): number { return this.bidirectional ? 2 : 1; }

  /** The layer's name in messages, as `LSTM(10 → 20)`. */
  protected get label(): string { return `${this.typeName()}(${this.inputSize} → ${this.hiddenSize})`; }

  protected abstract typeName(): string;

  /** The weights of one layer and direction (0 forward, 1 reverse), by their PyTorch names. */
  cellWeights(layer: number, direction = 0): CellWeights {
    const suffix = `_l${layer}${direction === 1 ? "_reverse" : ""}`;
    const own = this as unknown as Record<string, CellWeights["weightIh"] | undefined>;
    const w = own[`weight_ih${suffix}`], h = own[`weight_hh${suffix}`];
    if (w === undefined || h === undefined) {
      throw new Error(`${this.label}: no layer ${layer} direction ${direction}`);
    }
    return {
      weightIh: w, weightHh: h,
      biasIh: own[`bias_ih${suffix}`] ?? null, biasHh: own[`bias_hh${suffix}`] ?? null,
    };
  }

  private get dtype(): DType { return this.cellWeights(0).weightIh.dtype; }

  /** Checks everything before computing anything, then runs every layer and direction. */
  protected run(x: Tensor, h0: Tensor | null, c0: Tensor | null, seq: SequenceOptions = {}): RunResult {
    const name = this.label;
    const layout = this.batchFirst ? "[batch, time, features]" : "[time, batch, features]";
    checkInput(name, x);
    if (x.ndim !== 2 && x.ndim !== 3) {
      throw new Error(`${name}: expected input ${layout} (or [time, features] for one sequence), ` +
        `got shape ${formatShape(x.shape)}`);
    }
    checkFeatures(name, x, this.inputSize, layout);
    if (x.dtype !== this.dtype) {
      throw new Error(`${name}: input is ${x.dtype}, the weights are ${this.dtype}`);
    }
    const unbatched = x.ndim === 2;
    // time-major from here on: [T, B, F]
    const seqs = unbatched ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x;
    const [T, B] = seqs.shape;
    if (T === 0) throw new Error(`${name}: the input has no time steps (shape ${formatShape(x.shape)})`);
    return this.layers({ seqs, projections: null, T, B, unbatched }, h0, c0, seq);
  }

  /**
   * `run` for token ids [T, B] ([B, T] with batchFirst) read through an embedding matrix [V, inputSize]:
   * the same result as running on `weight.indexSelect(0, ids)`, but the first layer projects the V rows
   * of the matrix once (V·inputSize·G·H multiply-adds) instead of every position (T·B·inputSize·G·H),
   * and looks the projections up. Worth it when V < T·B, as for characters.
   */
  protected runTokens(ids: Tensor, weight: Tensor, h0: Tensor | null, c0: Tensor | null,
    seq: SequenceOptions = {}): RunResult {
    const name = this.label;
    checkInput(name, ids);
    if (ids.ndim !== 2 || ids.dtype !== "int32") {
      const layout = this.batchFirst ? "[batch, time]" : "[time, batch]";
      throw new Error(`${name}: expected int32 token ids ${layout}, ` +
        `got ${ids.dtype} ${formatShape(ids.shape)}`);
    }
    checkInput(name, weight);
    if (weight.ndim !== 2 || weight.shape[1] !== this.inputSize || weight.dtype !== this.dtype) {
      throw new Error(`${name}: the embedding matrix must be ${this.dtype} ` +
        `[vocabulary, ${this.inputSize}], got ` +
        `${weight.dtype} ${formatShape(weight.shape)}`);
    }
    const timeMajor = this.batchFirst ? ids.transpose(0, 1) : ids;
    const [T, B] = timeMajor.shape;
    if (T === 0) throw new Error(`${name}: the input has no time steps (shape ${formatShape(ids.shape)})`);
    const flat = timeMajor.reshape([T * B]);
    const projections = Array.from({ length: this.directions }, (_, dir) =>
      weight.matmul(this.cellWeights(0, dir).weightIh.T).indexSelect(0, flat).reshape([T, B, -1]));
    return this.layers({ seqs: null, projections, T, B, unbatched: false }, h0, c0, seq);
  }

  private layers(input: LayerInput, h0: Tensor | null, c0: Tensor | null, seq: SequenceOptions): RunResult {
    const name = this.label;
    const { T, B, unbatched } = input;
    const L = this.numLayers * this.directions, H = this.hiddenSize;
    const stateShape = unbatched ? [L, H] : [L, B, H];
    const what = unbatched ? "numLayers·directions, hiddenSize" : "numLayers·directions, batch, hiddenSize";
    const prepare = (state: Tensor | null, label: string): Tensor | null => {
      if (state === null) return null;
      const t = checkState(name, label, state, stateShape, what, this.dtype);
      return unbatched ? t.unsqueeze(1) : t;
    };
    const h = prepare(h0, "h0"), c = prepare(c0, "c0");
    const mask = this.maskOf(seq, T, B, unbatched);
    let layerInput = input.seqs;
    const hs: Tensor[] = [], cs: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < this.directions; dir++) {
        const k = layer * this.directions + dir;
        const start = (s: Tensor | null): Tensor =>
          (s === null ? zeros([B, H], { dtype: this.dtype }) : s.select(0, k));
        const w = this.cellWeights(layer, dir);
        const projected = layer === 0 && input.projections !== null ? input.projections[dir]
          : project(layerInput as Tensor, w.weightIh);
        const c0 = this.mode === "lstm" ? start(c) : null;
        const r = this.direction(projected, w, start(h), c0, mask, dir === 1);
        outs.push(r.output);
        hs.push(r.hN);
        if (r.cN !== null) cs.push(r.cN);
      }
      layerInput = outs.length === 1 ? outs[0] : concat(outs, 2);
      if (layer < this.numLayers - 1 && this.dropout > 0) {
        layerInput = dropout(layerInput, this.dropout, this.training);
      }
    }
    const last = layerInput as Tensor;
    const squeeze = (t: Tensor): Tensor => (unbatched ? t.squeeze(1) : t);
    const output = unbatched ? last.squeeze(1) : this.batchFirst ? last.transpose(0, 1) : last;
    return { output, hN: squeeze(stack(hs, 0)), cN: cs.length > 0 ? squeeze(stack(cs, 0)) : null };
  }

  /** One direction of one layer, from its input projection x·W_ihᵀ [T, B, G·H]: biases, then the scan. */
  private direction(projected: Tensor, w: CellWeights, h0: Tensor, c0: Tensor | null, mask: Tensor | null,
    reverse: boolean): RunResult {
    const T = projected.shape[0];
    const biases = splitBiases(this.mode, w);
    const xProj = biases.input === null ? projected : projected.add(biases.input);
    const packed = recurrentScan(this.mode, xProj, w.weightHh, biases.recurrent, h0, c0, { reverse, mask });
    let output = reverse ? packed.slice(0, 0, T) : packed.slice(0, 1, T + 1);
    if (mask !== null) output = output.mul(mask.unsqueeze(2));
    const cN = c0 === null ? null : packed.select(0, T + 1);
    return { output, hN: packed.select(0, reverse ? 0 : T), cN };
  }

  /** The [T, B] mask of real steps, from lengths or a mask; null when every step is real. */
  private maskOf(seq: SequenceOptions, T: number, B: number, unbatched: boolean): Tensor | null {
    const name = this.label;
    if (seq.lengths !== undefined && seq.mask !== undefined) {
      throw new Error(`${name}: give lengths or mask, not both`);
    }
    if (seq.lengths !== undefined) {
      const raw = seq.lengths instanceof Tensor ? Array.from(seq.lengths.dataSync()) : seq.lengths;
      const bad = (n: number): boolean => !Number.isInteger(n) || n < 0 || n > T;
      if (!Array.isArray(raw) || raw.length !== B || raw.some(bad)) {
        throw new Error(`${name}: lengths must hold ${B} integers in [0, ${T}] (one per sequence, at most ` +
          `the ${T} time steps), got [${Array.isArray(raw) ? raw.join(", ") : String(raw)}]`);
      }
      if (raw.every((n) => n === T)) return null;
      const m = new Float64Array(T * B);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) m[t * B + b] = t < raw[b] ? 1 : 0;
      return fromFlat(m, [T, B], this.dtype);
    }
    if (seq.mask === undefined) return null;
    const mask = seq.mask;
    const expected = unbatched ? [T] : this.batchFirst ? [B, T] : [T, B];
    const fits = mask instanceof Tensor && mask.ndim === expected.length &&
      mask.shape.every((d, i) => d === expected[i]);
    if (!fits) {
      const got = mask instanceof Tensor ? formatShape(mask.shape) : typeof mask;
      throw new Error(`${name}: mask must have shape ${formatShape(expected)}, got ${got}`);
    }
    const timeMajor = unbatched ? mask.unsqueeze(1) : this.batchFirst ? mask.transpose(0, 1) : mask;
    return timeMajor.ne(0).to(this.dtype).detach();
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}`, `${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`num_layers=${this.numLayers}`);
    if (!this.bias) parts.push("bias=False");
    if (this.batchFirst) parts.push("batch_first=True");
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push("bidirectional=True");
    return parts.join(", ");
  }

  protected configArgs(): NonNullable<ModuleConfig["args"]> {
    const args: NonNullable<ModuleConfig["args"]> = {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers, bias: this.bias,
      batchFirst: this.batchFirst, dropout: this.dropout, bidirectional: this.bidirectional,
    };
    if (this.dtype !== "float32") args.dtype = this.dtype;
    return args;
  }
}
