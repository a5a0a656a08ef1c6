/**
 * ONNX's messages (onnx/onnx.proto3: ModelProto, GraphProto, NodeProto, TensorProto, ...) as plain
 * objects, and their encoding. Field numbers are those of the ONNX schema; only the fields an exported
 * model needs are written.
 */
import { ProtoWriter } from "./protobuf.js";

/** ONNX TensorProto.DataType codes of the element types the exporter writes. */
export const ONNX_DTYPE = { float32: 1, int32: 6, int64: 7, float64: 11 } as const;
export type OnnxElementType = keyof typeof ONNX_DTYPE;

/** A constant tensor (an initializer or a Constant node's value), stored as little-endian raw data. */
export interface OnnxTensor {
  name: string;
  dtype: OnnxElementType;
  dims: readonly number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array;
}

export type OnnxAttribute =
  | { name: string; kind: "int"; value: number }
  | { name: string; kind: "float"; value: number }
  | { name: string; kind: "string"; value: string }
  | { name: string; kind: "ints"; value: readonly number[] }
  | { name: string; kind: "floats"; value: readonly number[] }
  | { name: string; kind: "strings"; value: readonly string[] }
  | { name: string; kind: "tensor"; value: OnnxTensor };

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes: readonly OnnxAttribute[];
}

/** A graph input or output: its element type and dimensions (a string is a symbolic dimension). */
export interface OnnxValueInfo { name: string; dtype: OnnxElementType; dims: ReadonlyArray<number | string> }

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  graph: OnnxGraph;
  opset: number;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Record<string, string>;
}

// AttributeProto.AttributeType codes.
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function rawBytes(data: OnnxTensor["data"]): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_HOST) return bytes;
  // ONNX raw_data is little-endian whatever the host: swap each element's bytes on big-endian hosts.
  const size = data.BYTES_PER_ELEMENT, out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) {
    for (let b = 0; b < size; b++) out[i + b] = bytes[i + size - 1 - b];
  }
  return out;
}

function tensorProto(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  return w.int(2, ONNX_DTYPE[t.dtype]).string(8, t.name).bytes(9, rawBytes(t.data));
}

function attributeProto(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  switch (a.kind) {
    case "float": w.float(2, a.value); break;
    case "int": w.int(3, a.value); break;
    case "string": w.string(4, a.value); break;
    case "tensor": w.message(5, tensorProto(a.value)); break;
    case "floats": w.packedFloats(7, a.value); break;
    case "ints": w.packedInts(8, a.value); break;
    case "strings": for (const s of a.value) w.string(9, s); break;
  }
  return w.int(20, ATTRIBUTE_TYPE[a.kind]);
}

function nodeProto(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of n.inputs) w.string(1, input);
  for (const output of n.outputs) w.string(2, output);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attributes) w.message(5, attributeProto(a));
  return w;
}

function valueInfoProto(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    shape.message(1, typeof d === "number" ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  }
  const tensorType = new ProtoWriter().int(1, ONNX_DTYPE[v.dtype]).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function graphProto(g: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, nodeProto(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, tensorProto(t));
  for (const v of g.inputs) w.message(11, valueInfoProto(v));
  for (const v of g.outputs) w.message(12, valueInfoProto(v));
  return w;
}

/** The bytes of an ONNX ModelProto. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter().int(1, m.irVersion).string(2, m.producerName).string(3, m.producerVersion);
  if (m.docString !== undefined) w.string(6, m.docString);
  w.message(7, graphProto(m.graph));
  w.message(8, new ProtoWriter().string(1, "").int(2, m.opset));
  for (const [key, value] of Object.entries(m.metadata ?? {})) {
    w.message(14, new ProtoWriter().string(1, key).string(2, value));
  }
  return w.finish();
}
