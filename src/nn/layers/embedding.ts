import { noGrad } from "../../core/autograd.js";
import { fromFlat, zeros } from "../../core/creation.js";
import type { DType } from "../../core/dtype.js";
import { where } from "../../core/ops/elementwise.js";
import { formatShape } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import { normal } from "../init.js";
import { Module, type ModuleConfig } from "../module.js";
import { Parameter } from "../parameter.js";
import type { ConfigArgs } from "../config.js";
import { checkInput, checkOneOf, checkPositiveInt } from "./check.js";

export interface EmbeddingOptions {
  /** A token whose vector is not trained (its gradient is zero) and starts at zeros; may be negative. */
  paddingIdx?: number | null;
  /** Vectors looked up are first scaled in place to this norm when theirs is larger. */
  maxNorm?: number | null;
  /** The p of the p-norm for `maxNorm` (default 2). */
  normType?: number;
  dtype?: DType;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`: token ids (int32, any shape) in,
 * their vectors out (the ids' shape plus `embeddingDim`). Initialized N(0, 1) as PyTorch.
 * @example
 * const emb = new nn.Embedding(65, 64, { paddingIdx: 0 });
 * emb.forward(zd.tensor([[5, 2, 0]], { dtype: "int32" })).shape;   // [1, 3, 64]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = checkPositiveInt("Embedding", "numEmbeddings", numEmbeddings);
    this.embeddingDim = checkPositiveInt("Embedding", "embeddingDim", embeddingDim);
    const pad = options.paddingIdx ?? null;
    if (pad !== null && (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings)) {
      throw new Error(`Embedding: paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings}), ` +
        `got ${String(pad)}`);
    }
    this.paddingIdx = pad === null ? null : pad < 0 ? pad + numEmbeddings : pad;
    const maxNorm = options.maxNorm ?? null;
    if (maxNorm !== null && !(typeof maxNorm === "number" && maxNorm > 0)) {
      throw new Error(`Embedding: maxNorm must be a positive number, got ${String(maxNorm)}`);
    }
    this.maxNorm = maxNorm;
    this.normType = options.normType ?? 2;
    if (typeof this.normType !== "number" || !(this.normType > 0)) {
      throw new Error(`Embedding: normType must be a positive number, got ${String(options.normType)}`);
    }
    const dtype = checkOneOf("Embedding", "dtype", options.dtype ?? "float32", ["float32", "float64"]);
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype }));
    this.resetParameters();
  }

  resetParameters(): void {
    normal(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx as number).assign(0));
  }

  private get label(): string { return `Embedding(${this.numEmbeddings}, ${this.embeddingDim})`; }

  forward(ids: Tensor): Tensor {
    checkInput(this.label, ids);
    if (ids.dtype !== "int32") {
      throw new Error(`${this.label}: token ids must be an int32 tensor, got ${ids.dtype} ` +
        `(shape ${formatShape(ids.shape)})`);
    }
    const flat = ids.reshape([ids.size]);
    const values = this.checkIds(ids);
    if (this.maxNorm !== null) this.renormalize(values);
    let out = this.weight.indexSelect(0, flat);
    if (this.paddingIdx !== null) {
      // the padding vector is read but never trained: its rows see a detached copy
      const isPad = flat.eq(this.paddingIdx).unsqueeze(1);
      out = where(isPad, this.weight.detach().select(0, this.paddingIdx), out);
    }
    return out.reshape([...ids.shape, this.embeddingDim]);
  }

  /** The ids in row-major order, after checking each is in the vocabulary (an error names the first not). */
  checkIds(ids: Tensor): ArrayLike<number> {
    const values = ids.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= this.numEmbeddings) {
        throw new Error(`${this.label}: token id ${values[i]} (at position ${i} of an input of shape ` +
          `${formatShape(ids.shape)}) is outside the vocabulary [0, ${this.numEmbeddings})`);
      }
    }
    return values;
  }

  /** PyTorch's `embedding_renorm_`: rows looked up whose norm exceeds maxNorm are scaled to it, in place. */
  private renormalize(ids: ArrayLike<number>): void {
    const rows = [...new Set(Array.from(ids))];
    noGrad(() => {
      const picked = this.weight.indexSelect(0, rows);
      const p = this.normType;
      const norms = (p === Infinity ? picked.abs().max(1) : picked.abs().pow(p).sum(1).pow(1 / p)).dataSync();
      const maxNorm = this.maxNorm as number;
      const scale = Array.from(norms, (n) => (n > maxNorm ? maxNorm / (n + 1e-7) : 1));
      if (scale.every((s) => s === 1)) return;
      const factors = fromFlat(scale, [rows.length, 1], this.weight.dtype);
      const scaled = picked.mul(factors);
      rows.forEach((row, i) => {
        if (scale[i] !== 1) this.weight.select(0, row).assign(scaled.select(0, i));
      });
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${this.maxNorm}`;
    return s;
  }

  override getConfig(): ModuleConfig {
    const args: NonNullable<ModuleConfig["args"]> = {
      numEmbeddings: this.numEmbeddings, embeddingDim: this.embeddingDim, paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm, normType: this.normType,
    };
    if (this.weight.dtype !== "float32") args.dtype = this.weight.dtype;
    return { type: "Embedding", args };
  }

  static fromConfig(a: ConfigArgs): Embedding {
    return new Embedding(a.numEmbeddings as number, a.embeddingDim as number, a as EmbeddingOptions);
  }
}
