/**
 * A recurrent sequence classifier: an LSTM or GRU reads a sequence of feature vectors, and a linear
 * layer maps its final hidden state (both directions' when bidirectional) to class logits. Images read
 * row by row are the classic example (an 8x8 digit is 8 steps of 8 pixels).
 */
import { formatShape } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";
import { concat } from "../core/ops/movement.js";
import { Linear } from "../nn/layers/linear.js";
import { GRU, LSTM, type SequenceOptions } from "../nn/layers/rnn.js";
import { Module, type ModuleConfig } from "../nn/module.js";
import { registerModule, type ConfigArgs } from "../nn/registry.js";

export interface SequenceClassifierOptions {
  /** Features per time step. */
  inputSize: number;
  numClasses: number;
  /** "lstm" (default) or "gru". */
  cell?: "lstm" | "gru";
  /** Units per layer (default 64). */
  hiddenSize?: number;
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout between recurrent layers (default 0). */
  dropout?: number;
}

const NAME = "SequenceClassifier";

/**
 * Class logits [batch, numClasses] for sequences [batch, time, inputSize] (batch first), or for flat
 * rows [batch, time·inputSize] read as consecutive steps (so it trains on feature tables). Padded batches
 * take `{ lengths }` or `{ mask }`: the final state is then each sequence's own last real step.
 * @example
 * const clf = new zd.models.SequenceClassifier({ inputSize: 8, numClasses: 10, cell: "gru" });
 * clf.forward(zd.randn([32, 8, 8])).shape;   // [32, 10]
 */
export class SequenceClassifier extends Module<[Tensor, SequenceOptions?], Tensor> {
  readonly options: Required<SequenceClassifierOptions>;
  rnn: LSTM | GRU;
  head: Linear;

  constructor(options: SequenceClassifierOptions) {
    super();
    const o = options ?? ({} as SequenceClassifierOptions);
    for (const key of ["inputSize", "numClasses"] as const) {
      if (!Number.isInteger(o[key]) || o[key] < 1) {
        throw new Error(`${NAME}: ${key} must be a positive integer, got ${String(o[key])}`);
      }
    }
    const cell = o.cell ?? "lstm";
    if (cell !== "lstm" && cell !== "gru") {
      throw new Error(`${NAME}: cell must be "lstm" or "gru", got ${String(cell)}`);
    }
    this.options = {
      inputSize: o.inputSize, numClasses: o.numClasses, cell, hiddenSize: o.hiddenSize ?? 64,
      numLayers: o.numLayers ?? 1, bidirectional: o.bidirectional ?? false, dropout: o.dropout ?? 0,
    };
    const { inputSize, hiddenSize, numLayers, bidirectional, dropout } = this.options;
    const rnnOptions = { numLayers, bidirectional, dropout, batchFirst: true };
    this.rnn = cell === "lstm" ? new LSTM(inputSize, hiddenSize, rnnOptions)
      : new GRU(inputSize, hiddenSize, rnnOptions);
    this.head = new Linear(hiddenSize * (bidirectional ? 2 : 1), o.numClasses);
  }

  forward(input: Tensor, sequence: SequenceOptions = {}): Tensor {
    const F = this.options.inputSize;
    // flat rows are consecutive steps of inputSize features: an 8x8 image row by row
    const x = input.ndim === 2 && input.shape[1] % F === 0 ? input.reshape([input.shape[0], -1, F]) : input;
    if (x.ndim !== 3) {
      throw new Error(`${NAME}: expected sequences [batch, time, ${F}] (or rows of time·${F} values), ` +
        "got shape " +
        `${formatShape(input.shape)}`);
    }
    const result = this.rnn instanceof LSTM ? this.rnn.forward(x, null, sequence)
      : this.rnn.forward(x, null, sequence);
    const hN = Array.isArray(result[1]) ? result[1][0] : result[1];
    // the last layer's final states: one per direction, [batch, hidden] each
    const L = this.options.numLayers, D = this.options.bidirectional ? 2 : 1;
    const last = Array.from({ length: D }, (_, d) => hN.select(0, (L - 1) * D + d));
    return this.head.forward(D === 1 ? last[0] : concat(last, 1));
  }

  override getConfig(): ModuleConfig {
    return { type: NAME, args: { ...this.options } };
  }
}

registerModule(NAME,
  (args: ConfigArgs) => new SequenceClassifier(args as unknown as SequenceClassifierOptions));
