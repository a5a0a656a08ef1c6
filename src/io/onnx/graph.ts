/**
 * The exporter's working state: ONNX nodes and initializers collected while the module tree is walked,
 * with unique value names. Each value carries zendl's own result for a probe input (eval mode, no
 * graph), so converters read shapes from real tensors instead of re-deriving every layer's shape rule.
 */
import type { Tensor } from "../../core/tensor.js";
import type { OnnxAttribute, OnnxElementType, OnnxNode, OnnxTensor } from "./proto.js";

/** A value of the ONNX graph: its name and zendl's value for the probe input. */
export interface Value { name: string; sample: Tensor }

/** Attribute shorthands: `attr.ints("pads", [1, 1, 1, 1])`. */
export const attr = {
  int: (name: string, value: number): OnnxAttribute => ({ name, kind: "int", value }),
  float: (name: string, value: number): OnnxAttribute => ({ name, kind: "float", value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, kind: "string", value }),
  ints: (name: string, value: readonly number[]): OnnxAttribute => ({ name, kind: "ints", value }),
  strings: (name: string, value: readonly string[]): OnnxAttribute => ({ name, kind: "strings", value }),
};

/** Thrown for a layer that has no ONNX (or PyTorch) form; the message names the layer and the reason. */
export class ExportError extends Error {
  constructor(readonly layer: string, reason: string) {
    super(`cannot export ${layer}: ${reason}`);
    this.name = "ExportError";
  }
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();

  /** A name not used yet, `base` itself when free, else `base_1`, `base_2`, ... */
  fresh(base: string): string {
    const clean = base === "" ? "value" : base;
    let name = clean;
    for (let i = 1; this.names.has(name); i++) name = `${clean}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node; returns the names of its outputs. */
  node(opType: string, inputs: readonly string[], attributes: readonly OnnxAttribute[] = [],
    options: { outputs?: number; name?: string } = {}): string[] {
    const base = options.name ?? opType.toLowerCase();
    const outputs = Array.from({ length: options.outputs ?? 1 },
      (_, i) => this.fresh(i === 0 ? base : `${base}_${i}`));
    this.nodes.push({ opType, inputs, outputs, name: this.fresh(`${base}_node`), attributes });
    return outputs;
  }

  /** A one-output node; returns its output's name. */
  op(opType: string, inputs: readonly string[], attributes: readonly OnnxAttribute[] = [],
    name?: string): string {
    return this.node(opType, inputs, attributes, { name })[0];
  }

  /** An initializer with zendl's values (as float32); returns its name (`name`, made unique). */
  weight(name: string, t: Tensor, dims: readonly number[] = t.shape): string {
    const values = Float32Array.from(t.dataSync());
    return this.constant(name, "float32", dims, values);
  }

  /** A float32 initializer from plain numbers. */
  floats(name: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    return this.constant(name, "float32", dims, Float32Array.from(values));
  }

  /** An int64 initializer (shapes, axes, pads); a 1-d list unless `dims` says otherwise. */
  ints(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(name, "int64", dims, BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  private constant(name: string, dtype: OnnxElementType, dims: readonly number[],
    data: OnnxTensor["data"]): string {
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dtype, dims: [...dims], data });
    return unique;
  }
}

/** What a converter is given: the builder, the module's dotted path (for names and errors). */
export interface ConvertContext { graph: GraphBuilder; path: string }

/** `path.name`, or `name` at the root: the initializer names follow the state dict's keys. */
export function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}
