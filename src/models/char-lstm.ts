/**
 * A character-level language model (Karpathy's char-rnn, 2015): embedding → LSTM → linear layer to
 * next-character logits, trained on consecutive chunks with the state carried across them
 * (`fitSequence`), and sampled one character at a time.
 */
import { noGrad } from "../core/autograd.js";
import { fromFlat } from "../core/creation.js";
import { generatorFor } from "../core/random.js";
import { formatShape } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";
import type { CharVocabulary } from "../data/datasets/text.js";
import { Embedding } from "../nn/layers/embedding.js";
import { Linear } from "../nn/layers/linear.js";
import { LSTM } from "../nn/layers/rnn.js";
import { Module, type ModuleConfig } from "../nn/module.js";
import { registerModule, type ConfigArgs } from "../nn/registry.js";
import { checkNonNegativeInt } from "../util/check.js";

export interface CharLSTMOptions {
  vocabSize: number;
  /** Size of the character vectors (default 64). */
  embeddingDim?: number;
  /** LSTM units per layer (default 256). */
  hiddenSize?: number;
  numLayers?: number;
  /** Dropout between LSTM layers (default 0). */
  dropout?: number;
}

/** The LSTM state carried between chunks: [h, c], each [numLayers, batch, hiddenSize]. */
export type LSTMState = [Tensor, Tensor];

const NAME = "CharLSTM";

/**
 * Next-character logits for every position of a batch of character ids. `forward(ids [B, T], state?)`
 * returns [logits [B, T, vocabSize], state]; pass the state (detached) to the next chunk.
 * @example
 * const model = new zd.models.CharLSTM({ vocabSize: 65 });
 * const [logits, state] = model.forward(zd.tensor([[1, 2, 3]], { dtype: "int32" }));   // [1, 3, 65]
 */
export class CharLSTM extends Module<[Tensor, (LSTMState | null)?], [Tensor, LSTMState]> {
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly dropout: number;
  embedding: Embedding;
  lstm: LSTM;
  head: Linear;

  constructor(options: CharLSTMOptions) {
    super();
    const { vocabSize, embeddingDim = 64, hiddenSize = 256, numLayers = 1, dropout = 0 } = options ?? {};
    this.embedding = new Embedding(vocabSize, embeddingDim);
    this.lstm = new LSTM(embeddingDim, hiddenSize, { numLayers, dropout });
    this.head = new Linear(hiddenSize, vocabSize);
    [this.vocabSize, this.embeddingDim, this.hiddenSize] = [vocabSize, embeddingDim, hiddenSize];
    [this.numLayers, this.dropout] = [numLayers, dropout];
  }

  forward(ids: Tensor, state: LSTMState | null = null): [Tensor, LSTMState] {
    if (ids.ndim !== 2) {
      throw new Error(`${NAME}: expected character ids [batch, time], got shape ${formatShape(ids.shape)}`);
    }
    const [B, T] = ids.shape;
    // time-major inside: the LSTM's steps are then contiguous blocks, and the head is one GEMM
    const timeMajor = ids.transpose(0, 1);
    let out: Tensor, next: LSTMState;
    if (T * B >= this.vocabSize) {
      // project the vocabulary's vectors once rather than every position (see LSTM.forwardTokens)
      this.embedding.checkIds(timeMajor);
      [out, next] = this.lstm.forwardTokens(timeMajor, this.embedding.weight, state);
    } else {
      [out, next] = this.lstm.forward(this.embedding.forward(timeMajor), state);
    }
    const logits = this.head.forward(out.reshape([T * B, this.hiddenSize])).reshape([T, B, this.vocabSize]);
    return [logits.transpose(0, 1), next];
  }

  override getConfig(): ModuleConfig {
    return { type: NAME, args: { vocabSize: this.vocabSize, embeddingDim: this.embeddingDim,
      hiddenSize: this.hiddenSize, numLayers: this.numLayers, dropout: this.dropout } };
  }
}

registerModule(NAME, (args: ConfigArgs) => new CharLSTM(args as unknown as CharLSTMOptions));

export interface SampleOptions {
  /** Characters to generate after the prime (default 500). */
  length?: number;
  /** Divides the logits: below 1 is more conservative, above 1 more varied (default 1). */
  temperature?: number;
  /** Text the model reads first; it starts the output (default: a newline). */
  prime?: string;
  seed?: number;
}

/**
 * Generates text one character at a time, each drawn from softmax(logits / temperature) and fed back.
 * Returns the prime followed by `length` generated characters.
 * @example
 * zd.models.sampleText(model, vocabulary, { length: 200, temperature: 0.8, prime: "ROMEO:" });
 */
export function sampleText(model: CharLSTM, vocabulary: CharVocabulary, options: SampleOptions = {}): string {
  const { length = 500, temperature = 1 } = options;
  checkNonNegativeInt("sampleText", "length", length);
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new Error(`sampleText: temperature must be a positive number, got ${temperature}`);
  }
  if (vocabulary.size !== model.vocabSize) {
    throw new Error(`sampleText: the vocabulary has ${vocabulary.size} characters, the model ` +
      `${model.vocabSize}`);
  }
  const start = vocabulary.has("\n") ? "\n" : vocabulary.chars[0];
  const prime = options.prime === undefined || options.prime === "" ? start : options.prime;
  const primeIds = vocabulary.encode(prime);
  const generator = generatorFor(options.seed);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let [logits, state] = model.forward(fromFlat(primeIds, [1, primeIds.length], "int32"));
      const out: number[] = [];
      for (let i = 0; i < length; i++) {
        const last = logits.select(1, logits.shape[1] - 1).reshape([vocabulary.size]);
        const probs = last.div(temperature).softmax(0).dataSync();
        let u = generator.random(), id = probs.length - 1;
        for (let k = 0; k < probs.length; k++) {
          u -= probs[k];
          if (u < 0) { id = k; break; }
        }
        out.push(id);
        [logits, state] = model.forward(fromFlat([id], [1, 1], "int32"), state);
      }
      return prime + vocabulary.decode(out);
    });
  } finally {
    model.train(wasTraining);
  }
}
