/**
 * Keras's `model.summary()` / torchinfo for zendl modules: one row per module (dotted names), the
 * output shape it produced on a zero input of the given shape, and its parameter counts. Output shapes
 * are caught by wrapping each module's `forward` on the instance for one no-grad call in eval mode (so
 * batch-norm statistics do not move), then removing the wrappers.
 */
import { noGrad } from "../core/autograd.js";
import { zeros } from "../core/creation.js";
import { bytesPerElement, type DType } from "../core/dtype.js";
import { Tensor } from "../core/tensor.js";
import type { AnyModule } from "./module.js";

/** One module of a summary. */
export interface SummaryRow {
  /** Dotted name (`encoder.0`); "" for the model itself. */
  name: string;
  /** Class name (`Linear`, `Sequential`). */
  type: string;
  /** Nesting depth: 0 for the model, 1 for its children, ... */
  depth: number;
  /** Shapes of the tensors its first forward call returned; null without an input shape or if not called. */
  outputShapes: number[][] | null;
  /** Parameters of this module and its descendants, each shared one counted once. */
  parameters: number;
  trainableParameters: number;
}

export interface SummaryOptions {
  /** Type of the zero input; "int32" for token ids (embeddings). Default "float32". */
  dtype?: DType;
}

function tensorsIn(value: unknown, out: Tensor[] = [], depth = 0): Tensor[] {
  if (value instanceof Tensor) out.push(value);
  else if (Array.isArray(value) && depth < 3) for (const v of value) tensorsIn(v, out, depth + 1);
  else if (value !== null && typeof value === "object" && depth < 3) {
    for (const v of Object.values(value)) tensorsIn(v, out, depth + 1);
  }
  return out;
}

/** Layers, output shapes and parameter counts of a model; `toString()` is the printed table. */
export class ModelSummary {
  constructor(
    readonly rows: SummaryRow[],
    readonly inputShape: number[] | null,
    readonly totalParameters: number,
    readonly trainableParameters: number,
    /** Bytes of all parameters. */
    readonly parameterBytes: number,
    /** Bytes of the buffers (running statistics), saved but not trained. */
    readonly bufferBytes: number,
  ) {}

  get nonTrainableParameters(): number {
    return this.totalParameters - this.trainableParameters;
  }

  toString(): string {
    const layer = (r: SummaryRow): string =>
      (r.name === "" ? `${r.type} (model)` : `${"  ".repeat(Math.max(0, r.depth - 1))}${r.name} (${r.type})`);
    const shape = (r: SummaryRow): string => (r.outputShapes === null ? "--"
      : r.outputShapes.map((s) => `[${s.join(", ")}]`).join(", "));
    const rows = this.rows.map((r) => [layer(r), shape(r), r.parameters.toLocaleString("en-US")]);
    const header = ["Layer (type)", "Output shape", "Param #"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]): string =>
      `${cells[0].padEnd(widths[0])}  ${cells[1].padEnd(widths[1])}  ${cells[2].padStart(widths[2])}`;
    const rule = "=".repeat(widths[0] + widths[1] + widths[2] + 4);
    const n = (v: number): string => v.toLocaleString("en-US");
    const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MB`;
    return [
      rule, line(header), rule, ...rows.map(line), rule,
      `Total params: ${n(this.totalParameters)}`,
      `Trainable params: ${n(this.trainableParameters)}`,
      `Non-trainable params: ${n(this.nonTrainableParameters)}`,
      `Params size: ${mb(this.parameterBytes)}; buffers: ${mb(this.bufferBytes)}`,
      ...(this.inputShape === null ? [] : [`Input shape: [${this.inputShape.join(", ")}]`]),
      rule,
    ].join("\n");
  }
}

function checkInputShape(shape: number[] | undefined): void {
  if (shape === undefined) return;
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error("summary: inputShape must be a non-empty array of positive integers including the " +
      `batch dimension (e.g. [1, 64]), got ${JSON.stringify(shape)}`);
  }
}

/** See `Module.summary`. */
export function summarize(model: AnyModule, inputShape?: number[], options: SummaryOptions = {}):
  ModelSummary {
  checkInputShape(inputShape);
  const modules = model.namedModules();
  const shapes = new Map<AnyModule, number[][]>();
  if (inputShape !== undefined) {
    const modes = modules.map(([, m]) => m.training);
    const patched: AnyModule[] = [];
    try {
      for (const [, module] of modules) {
        const forward = module.forward;
        Object.defineProperty(module, "forward", {
          configurable: true, enumerable: false, writable: true,
          value: (...inputs: unknown[]): unknown => {
            const output = forward.apply(module, inputs);
            if (!shapes.has(module)) shapes.set(module, tensorsIn(output).map((t) => [...t.shape]));
            return output;
          },
        });
        patched.push(module);
      }
      model.eval();
      noGrad(() => model.forward(zeros(inputShape, { dtype: options.dtype ?? "float32" })));
    } finally {
      for (const module of patched) delete (module as { forward?: unknown }).forward;
      modules.forEach(([, m], i) => { m.training = modes[i]; });
    }
  }
  const rows = modules.map(([name, module]): SummaryRow => ({
    name, type: module.constructor.name, depth: name === "" ? 0 : name.split(".").length,
    outputShapes: shapes.get(module) ?? null,
    parameters: module.numParameters(), trainableParameters: module.numParameters({ trainableOnly: true }),
  }));
  const bytes = (ts: Tensor[]): number => ts.reduce((s, t) => s + t.size * bytesPerElement(t.dtype), 0);
  return new ModelSummary(rows, inputShape ?? null, model.numParameters(),
    model.numParameters({ trainableOnly: true }), bytes(model.parameters()), bytes(model.buffers()));
}
