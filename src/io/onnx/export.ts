/**
 * zd.exportOnnx: a model as the bytes of an ONNX file. The module tree is walked in eval mode; each
 * module's converter (convert.ts and the layers-*.ts tables) emits its operators, with the weights as
 * initializers named by their state-dict keys.
 */
import { noGrad } from "../../core/autograd.js";
import { randint, randn } from "../../core/creation.js";
import type { Tensor } from "../../core/tensor.js";
import { CharLSTM } from "../../models/char-lstm.js";
import { Sequential } from "../../nn/layers/container.js";
import { Embedding } from "../../nn/layers/embedding.js";
import { Module, type AnyModule } from "../../nn/module.js";
import { convert } from "./convert.js";
import { GraphBuilder, type Value } from "./graph.js";
import { encodeModel, type OnnxValueInfo } from "./proto.js";
import { defaultInputShape, signatureOf, type Port } from "./signature.js";
import "./layers-basic.js";
import "./layers-conv.js";
import "./layers-recurrent.js";
import "./layers-models.js";

export interface ExportOnnxOptions {
  /**
   * The shape of one input sample, without the batch dimension: `[1, 28, 28]` for grey 28×28 images,
   * `[64]` for rows of 64 features, `[time, features]` for a recurrent layer. Optional when the model
   * says it (a first Linear layer's inFeatures, an autoencoder's inputShape, a GAN's latent size, ...).
   */
  inputShape?: readonly number[];
  /** The batch dimension is symbolic ("batch"), so any batch size runs. Default true. */
  dynamicBatch?: boolean;
  /** The fixed batch size when `dynamicBatch` is false. Default 1. */
  batchSize?: number;
  /** ONNX opset, 17 to 20. Default 17. */
  opset?: number;
  /** String entries for the file's metadata_props (how inputs were prepared, for instance). */
  metadata?: Record<string, string>;
}

/** A module, or an estimator holding one (`.model` after fit, or `toModule()`). */
export type Exportable = AnyModule | { model: AnyModule | null } | { toModule(): AnyModule };

// The IR version that each opset was released with (onnx/helper.py's VERSION_TABLE).
const IR_VERSION: Record<number, number> = { 17: 8, 18: 8, 19: 9, 20: 9 };
const PRODUCER_VERSION = "0.1.0";

/** The module an estimator holds, or the module itself. */
export function moduleOf(op: string, target: Exportable): AnyModule {
  if (target instanceof Module) return target;
  if (typeof target === "object" && target !== null) {
    if ("toModule" in target && typeof target.toModule === "function") return target.toModule();
    if ("model" in target) {
      if (target.model instanceof Module) return target.model;
      if (target.model === null || target.model === undefined) {
        throw new Error(`${op}: the ${target.constructor.name} has no network yet; call fit() first`);
      }
    }
  }
  throw new Error(`${op}: expected a Module or an estimator holding one (.model), got ` +
    `${target === null ? "null" : typeof target === "object" ? target.constructor.name : typeof target}`);
}

function checkOptions(op: string, model: AnyModule, options: ExportOnnxOptions):
  { inputShape: number[]; dynamicBatch: boolean; batchSize: number; opset: number } {
  const opset = options.opset ?? 17;
  if (!Object.hasOwn(IR_VERSION, opset)) {
    const known = Object.keys(IR_VERSION).join(", ");
    throw new Error(`${op}: opset must be one of ${known}, got ${String(opset)}`);
  }
  const dynamicBatch = options.dynamicBatch ?? true;
  if (typeof dynamicBatch !== "boolean") throw new Error(`${op}: dynamicBatch must be true or false`);
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`${op}: batchSize must be a positive integer, got ${String(batchSize)}`);
  }
  const shape = options.inputShape ?? defaultInputShape(model);
  if (shape === null) {
    throw new Error(`${op}: pass inputShape, the shape of one input sample without the batch dimension ` +
      `(e.g. [1, 28, 28]); a ${model.constructor.name} does not say what it reads`);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${op}: inputShape must be an array of positive integers (one sample, no batch ` +
      `dimension), got ${JSON.stringify(shape)}`);
  }
  return { inputShape: [...shape], dynamicBatch, batchSize, opset };
}

function checkMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== "string") {
      throw new Error(`exportOnnx: metadata value for "${key}" must be a string`);
    }
  }
  return { ...(metadata ?? {}) };
}

/** The token count of a model that reads ids (its first embedding), or null for float inputs. */
export function vocabularyOf(model: AnyModule): number | null {
  if (model instanceof CharLSTM) return model.vocabSize;
  if (model instanceof Embedding) return model.numEmbeddings;
  if (model instanceof Sequential && model.length > 0) return vocabularyOf(model.at(0));
  return null;
}

function withBatch(shape: readonly number[], port: Port, batch: number): number[] {
  const out = [...shape];
  out.splice(port.batchAxis, 0, batch);
  return out;
}

function valueInfo(port: Port, shape: readonly number[], dynamicBatch: boolean): OnnxValueInfo {
  const dims = shape.map((d, i): number | string =>
    i === port.batchAxis && dynamicBatch ? "batch" : i === port.timeAxis ? "time" : d);
  return { name: port.name, dtype: port.dtype ?? "float32", dims };
}

/**
 * The bytes of an ONNX ModelProto computing `model`'s forward in eval mode (dropout off, batch norm
 * with its running statistics). Runs in onnxruntime (Node, web, native) and every ONNX tool. A layer
 * without an ONNX form throws an error naming it and the reason, before anything is returned.
 * @example
 * const model = zd.models.cnn();
 * const bytes = zd.exportOnnx(model, { inputShape: [1, 28, 28] });   // Uint8Array
 * // Node: zd.saveOnnx(model, "cnn.onnx", { inputShape: [1, 28, 28] })
 */
export function exportOnnx(target: Exportable, options: ExportOnnxOptions = {}): Uint8Array {
  const model = moduleOf("exportOnnx", target);
  const { inputShape, dynamicBatch, batchSize, opset } = checkOptions("exportOnnx", model, options);
  const signature = signatureOf(model);
  const batch = dynamicBatch ? 2 : batchSize;
  const modes = model.modules().map((m): [AnyModule, boolean] => [m, m.training]);
  model.eval();
  try {
    return noGrad(() => {
      const graph = new GraphBuilder();
      for (const port of [...signature.inputs, ...signature.outputs]) graph.fresh(port.name);
      const vocabulary = vocabularyOf(model);
      // The probe has the weights' float type (the file itself computes in float32).
      const dtype = model.parameters().find((p) => p.dtype === "float64")?.dtype ?? "float32";
      const probes: Tensor[] = signature.inputs.map((port, i) => {
        if (i > 0) return randn(signature.stateShape!(batch), { seed: i, dtype });
        const shape = withBatch(inputShape, port, batch);
        return vocabulary === null ? randn(shape, { seed: 0, dtype })
          : randint(0, vocabulary, shape, { seed: 0, dtype: "int32" });
      });
      const inputs: Value[] = signature.inputs.map((port, i) => ({ name: port.name, sample: probes[i] }));
      const outputs = convert(graph, model, inputs, "");
      if (outputs.length !== signature.outputs.length) {
        throw new Error(`exportOnnx: ${model.constructor.name} gave ${outputs.length} outputs, expected ` +
          `${signature.outputs.length}`);
      }
      // Identity nodes give the outputs their names (and keep an input from being an output).
      outputs.forEach((v, i) => {
        const name = signature.outputs[i].name;
        graph.nodes.push({ opType: "Identity", inputs: [v.name], outputs: [name],
          name: graph.fresh(`${name}_identity`), attributes: [] });
      });
      return encodeModel({
        irVersion: IR_VERSION[opset], opset, producerName: "zendl", producerVersion: PRODUCER_VERSION,
        docString: `${model.constructor.name} exported by zendl (eval mode)`,
        metadata: checkMetadata(options.metadata),
        graph: {
          name: model.constructor.name, nodes: graph.nodes, initializers: graph.initializers,
          inputs: signature.inputs.map((port, i) => valueInfo(port, probes[i].shape, dynamicBatch)),
          outputs: signature.outputs.map((port, i) => valueInfo(port, outputs[i].sample.shape, dynamicBatch)),
        },
      });
    });
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}
