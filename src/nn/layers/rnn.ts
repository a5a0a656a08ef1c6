import type { Tensor } from "../../core/tensor.js";
import type { ModuleConfig } from "../module.js";
import type { ConfigArgs } from "../config.js";
import { RNNBase, type RNNBaseOptions, type RNNOptions, type SequenceOptions } from "./rnn-base.js";
import { cellOf, checkNonlinearity, type RNNNonlinearity } from "./rnn-params.js";

export { RNNBase, type RNNBaseOptions, type RNNOptions, type SequenceOptions };

/**
 * Elman RNN: h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) (or relu).
 * @example
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.forward(zd.randn([5, 3, 10]));   // output [5, 3, 20], hN [2, 3, 20]
 */
export class RNN extends RNNBase<[Tensor, (Tensor | null)?, SequenceOptions?], [Tensor, Tensor]> {
  readonly nonlinearity: RNNNonlinearity;

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(cellOf(checkNonlinearity("RNN", options.nonlinearity ?? "tanh")), inputSize, hiddenSize, options);
    this.nonlinearity = options.nonlinearity ?? "tanh";
  }

  protected typeName(): string { return "RNN"; }

  /** Returns [output, hN]; h0 [numLayers·directions, batch, hidden] defaults to zeros. */
  forward(x: Tensor, h0: Tensor | null = null, options: SequenceOptions = {}): [Tensor, Tensor] {
    const r = this.run(x, h0, null, options);
    return [r.output, r.hN];
  }

  /** `forward(embedding.indexSelect(0, ids))` for int32 ids, the first projection looked up (see LSTM). */
  forwardTokens(ids: Tensor, embedding: Tensor, h0: Tensor | null = null,
    options: SequenceOptions = {}): [Tensor, Tensor] {
    const r = this.runTokens(ids, embedding, h0, null, options);
    return [r.output, r.hN];
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === "relu" ? ", nonlinearity=relu" : "");
  }

  override getConfig(): ModuleConfig {
    return { type: "RNN", args: { ...this.configArgs(), nonlinearity: this.nonlinearity } };
  }

  static fromConfig(a: ConfigArgs): RNN {
    return new RNN(a.inputSize as number, a.hiddenSize as number, a as unknown as RNNOptions);
  }
}

/**
 * Gated recurrent unit (Cho et al., 2014) with PyTorch's placement of the reset gate:
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r·(W_hn h + b_hn)), h' = (1 − z)·n + z·h.
 * @example
 * const gru = new nn.GRU(8, 16, { batchFirst: true });
 * const [output, hN] = gru.forward(zd.randn([4, 12, 8]));   // output [4, 12, 16], hN [1, 4, 16]
 */
export class GRU extends RNNBase<[Tensor, (Tensor | null)?, SequenceOptions?], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super("gru", inputSize, hiddenSize, options);
  }

  protected typeName(): string { return "GRU"; }

  /** Returns [output, hN]; h0 [numLayers·directions, batch, hidden] defaults to zeros. */
  forward(x: Tensor, h0: Tensor | null = null, options: SequenceOptions = {}): [Tensor, Tensor] {
    const r = this.run(x, h0, null, options);
    return [r.output, r.hN];
  }

  /** `forward(embedding.indexSelect(0, ids))` for int32 ids, the first projection looked up (see LSTM). */
  forwardTokens(ids: Tensor, embedding: Tensor, h0: Tensor | null = null,
    options: SequenceOptions = {}): [Tensor, Tensor] {
    const r = this.runTokens(ids, embedding, h0, null, options);
    return [r.output, r.hN];
  }

  override getConfig(): ModuleConfig { return { type: "GRU", args: this.configArgs() }; }

  static fromConfig(a: ConfigArgs): GRU {
    return new GRU(a.inputSize as number, a.hiddenSize as number, a as unknown as RNNBaseOptions);
  }
}

/**
 * Long short-term memory (Hochreiter & Schmidhuber, 1997), gates i, f, g, o in PyTorch's order:
 * c' = f·c + i·g, h' = o·tanh(c').
 * @example
 * const lstm = new nn.LSTM(64, 256);
 * const [output, [hN, cN]] = lstm.forward(zd.randn([100, 32, 64]));
 * lstm.forward(nextChunk, [hN.detach(), cN.detach()]);   // carry the state on (truncated BPTT)
 */
export class LSTM extends RNNBase<[Tensor, (readonly [Tensor, Tensor] | null)?, SequenceOptions?],
  [Tensor, [Tensor, Tensor]]> {
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super("lstm", inputSize, hiddenSize, options);
  }

  protected typeName(): string { return "LSTM"; }

  /** Returns [output, [hN, cN]]; the initial [h0, c0] default to zeros. */
  forward(x: Tensor, state: readonly [Tensor, Tensor] | null = null,
    options: SequenceOptions = {}): [Tensor, [Tensor, Tensor]] {
    if (state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new Error(`${this.label}: the state must be [h0, c0], got ${String(state)}`);
    }
    const r = this.run(x, state?.[0] ?? null, state?.[1] ?? null, options);
    return [r.output, [r.hN, r.cN as Tensor]];
  }

  /**
   * `forward` for int32 token ids [T, B] ([B, T] with batchFirst) read through an embedding matrix
   * [vocabulary, inputSize]: the same result as `forward(embedding.indexSelect(0, ids) reshaped)`, but the
   * first layer projects the vocabulary's rows once and looks them up, instead of projecting every
   * position: about T·B / vocabulary times less work there (32 times for 64 steps of 32 characters).
   * @example
   * const [out, state] = lstm.forwardTokens(ids, emb.weight, state);
   */
  forwardTokens(ids: Tensor, embedding: Tensor, state: readonly [Tensor, Tensor] | null = null,
    options: SequenceOptions = {}): [Tensor, [Tensor, Tensor]] {
    if (state !== null && (!Array.isArray(state) || state.length !== 2)) {
      throw new Error(`${this.label}: the state must be [h0, c0], got ${String(state)}`);
    }
    const r = this.runTokens(ids, embedding, state?.[0] ?? null, state?.[1] ?? null, options);
    return [r.output, [r.hN, r.cN as Tensor]];
  }

  override getConfig(): ModuleConfig { return { type: "LSTM", args: this.configArgs() }; }

  static fromConfig(a: ConfigArgs): LSTM {
    return new LSTM(a.inputSize as number, a.hiddenSize as number, a as unknown as RNNBaseOptions);
  }
}

