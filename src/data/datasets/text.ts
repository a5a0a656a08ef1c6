/**
 * Text for character-level models: a character vocabulary, text files as token ids, and a loader of
 * consecutive sequence batches for truncated backpropagation through time.
 */
import { platform } from "#platform";
import { fromFlat } from "../../core/creation.js";
import { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { packageDataPath } from "./package-data.js";
import { EpochCursor, type LoaderState } from "../loader-state.js";

/**
 * The characters of a text, each with an id (sorted by code point, so the same text always gives the
 * same ids). It travels with a model as a string (`toJSON`), e.g. in its safetensors metadata.
 * @example
 * const vocab = data.CharVocabulary.fromText("hello");   // " ehlo" → size 4: e, h, l, o
 * vocab.decode(vocab.encode("hole"));                      // "hole"
 */
export class CharVocabulary {
  readonly chars: readonly string[];
  private readonly index: Map<string, number>;

  constructor(chars: Iterable<string>) {
    const list = [...new Set(chars)];
    if (list.length === 0) throw new Error("CharVocabulary: no characters");
    for (const c of list) {
      if (typeof c !== "string" || [...c].length !== 1) {
        throw new Error(`CharVocabulary: entries must be single characters, got ${JSON.stringify(c)}`);
      }
    }
    this.chars = Object.freeze(list);
    this.index = new Map(list.map((c, i) => [c, i]));
  }

  /** The vocabulary of a text: its distinct characters in code-point order. */
  static fromText(text: string): CharVocabulary {
    return new CharVocabulary([...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  get size(): number { return this.chars.length; }

  /** Ids of the characters of `text`; a character outside the vocabulary is an error naming it. */
  encode(text: string): Int32Array {
    const chars = [...text];
    const ids = new Int32Array(chars.length);
    chars.forEach((c, i) => {
      const id = this.index.get(c);
      if (id === undefined) {
        throw new Error(`CharVocabulary: character ${JSON.stringify(c)} (at position ${i}) is not in the ` +
          `vocabulary of ${this.size} characters`);
      }
      ids[i] = id;
    });
    return ids;
  }

  decode(ids: ArrayLike<number>): string {
    let out = "";
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]];
      if (c === undefined) throw new Error(`CharVocabulary: id ${ids[i]} is outside [0, ${this.size})`);
      out += c;
    }
    return out;
  }

  has(char: string): boolean { return this.index.has(char); }

  /** The characters in id order, as one string. */
  toJSON(): string { return this.chars.join(""); }

  static fromJSON(json: string): CharVocabulary {
    if (typeof json !== "string") throw new Error("CharVocabulary.fromJSON: expected a string of characters");
    return new CharVocabulary([...json]);
  }
}

export interface TextData {
  text: string;
  vocabulary: CharVocabulary;
  /** The text as token ids. */
  ids: Int32Array;
}

export interface LoadTextOptions {
  /** Encode with this vocabulary (a model's) instead of the text's own. */
  vocabulary?: CharVocabulary;
}

/**
 * A UTF-8 text file (gzip-compressed when it ends in `.gz`) with its character vocabulary and ids.
 * @example
 * const { text, vocabulary, ids } = data.loadText("corpus.txt");
 */
export function loadText(path: string, options: LoadTextOptions = {}): TextData {
  if (typeof path !== "string" || path === "") throw new Error("loadText: path must be a non-empty string");
  let bytes: Uint8Array;
  try {
    bytes = platform.readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`loadText: cannot read "${path}": ${reason}`);
  }
  let text: string;
  try {
    text = new TextDecoder().decode(path.endsWith(".gz") ? platform.gunzipSync(bytes) : bytes);
  } catch (error) {
    throw new Error(`loadText: "${path}" is not valid gzip data: ${(error as Error).message}`);
  }
  if (text.length === 0) throw new Error(`loadText: "${path}" is empty`);
  const vocabulary = options.vocabulary ?? CharVocabulary.fromText(text);
  return { text, vocabulary, ids: vocabulary.encode(text) };
}

/**
 * Tiny Shakespeare (1,115,394 characters of the plays, 65 distinct characters; public-domain text as
 * collected for char-rnn), shipped with zendl. Attribution: data/README.md.
 * @example
 * const { ids, vocabulary } = data.loadTinyShakespeare();
 */
export function loadTinyShakespeare(options: LoadTextOptions = {}): TextData {
  return loadText(packageDataPath("tinyshakespeare.txt.gz"), options);
}

/**
 * Splits token ids by position (no shuffling: neighbouring text stays together), the first part for
 * training and the last `validationFraction` for validation.
 */
export function splitByPosition(ids: Int32Array, validationFraction = 0.1): [Int32Array, Int32Array] {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new Error(`splitByPosition: validationFraction must be in (0, 1), got ${validationFraction}`);
  }
  const cut = Math.round(ids.length * (1 - validationFraction));
  return [ids.subarray(0, cut), ids.subarray(cut)];
}

export interface SequenceBatchOptions {
  batchSize: number;
  /** Time steps per batch (the truncation length of backpropagation through time). */
  seqLength: number;
  /** Start each epoch at a random offset below seqLength, so chunk boundaries move (default false). */
  shuffle?: boolean;
  seed?: number;
}

/**
 * Batches of consecutive text for truncated BPTT: the ids are cut into `batchSize` streams, and batch
 * k holds the k-th chunk of `seqLength` ids of every stream, so row b of batch k + 1 continues row b of
 * batch k and a model can carry its state across. Each item is [inputs, targets], int32 [B, T], the
 * targets being the inputs shifted by one character.
 * @example
 * const loader = new data.SequenceBatchLoader(ids, { batchSize: 32, seqLength: 64 });
 * for (const [x, y] of loader) { ... }
 */
export class SequenceBatchLoader implements Iterable<[Tensor, Tensor]> {
  readonly batchSize: number;
  readonly seqLength: number;
  readonly shuffle: boolean;
  private readonly ids: Int32Array;
  private readonly streamLength: number;
  private readonly generator: Generator | null;
  private readonly cursor: EpochCursor;

  constructor(ids: Int32Array, options: SequenceBatchOptions) {
    const { batchSize, seqLength } = options;
    for (const [name, v] of [["batchSize", batchSize], ["seqLength", seqLength]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new Error(`SequenceBatchLoader: ${name} must be a positive integer, got ${v}`);
      }
    }
    if (!(ids instanceof Int32Array)) throw new Error("SequenceBatchLoader: ids must be an Int32Array");
    this.ids = ids;
    this.batchSize = batchSize;
    this.seqLength = seqLength;
    this.shuffle = options.shuffle ?? false;
    this.generator = options.seed === undefined ? null : new Generator(options.seed);
    this.cursor = new EpochCursor(this.generator, this.shuffle, "SequenceBatchLoader");
    // each stream needs one id more than its inputs: the last target
    this.streamLength = Math.floor((ids.length - 1) / batchSize);
    if (this.streamLength < seqLength) {
      throw new Error(`SequenceBatchLoader: ${ids.length} ids make ${batchSize} streams of ` +
        `${this.streamLength}, ` +
        `shorter than seqLength ${seqLength}; use a smaller batchSize or seqLength`);
    }
  }

  /** Batches per epoch (one less when a shuffled epoch starts past the first id, whatever its offset). */
  get length(): number {
    return Math.floor((this.streamLength - (this.shuffle ? this.seqLength - 1 : 0)) / this.seqLength);
  }

  /** Where the running epoch stands, for checkpoints (see `DataLoader.stateDict`). */
  stateDict(): LoaderState {
    return this.cursor.state();
  }

  /** Makes the next epoch continue a saved one. @example loader.loadStateDict(saved) */
  loadStateDict(state: LoaderState): void {
    this.cursor.load(state, this.length);
  }

  /** Characters per epoch (inputs). */
  get tokensPerEpoch(): number { return this.length * this.batchSize * this.seqLength; }

  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const { batchSize: B, seqLength: T, ids } = this;
    const { drawn, first } = this.cursor.begin((g) => Math.floor(g.random() * T));
    const offset = drawn ?? 0;
    for (let k = first; k < this.length; k++) {
      this.cursor.advance(k + 1);
      const x = new Int32Array(B * T), y = new Int32Array(B * T);
      for (let b = 0; b < B; b++) {
        const start = b * this.streamLength + offset + k * T;
        x.set(ids.subarray(start, start + T), b * T);
        y.set(ids.subarray(start + 1, start + T + 1), b * T);
      }
      yield [fromFlat(x, [B, T], "int32"), fromFlat(y, [B, T], "int32")];
    }
    this.cursor.finish();
  }
}
