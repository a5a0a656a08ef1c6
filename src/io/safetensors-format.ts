/** The safetensors format's constants and small checks, shared by the writer and the reader. */
export type RawDtype = "float32" | "float64" | "int32";
export interface RawTensor {
  dtype: RawDtype; shape: number[]; data: Float32Array | Float64Array | Int32Array;
}
export interface SafetensorsContents { tensors: Map<string, RawTensor>; metadata: Record<string, string> }

// Same cap as the reference implementation: a corrupt length field must not make us
// decode and JSON.parse hundreds of megabytes before noticing.
export const MAX_HEADER_BYTES = 100_000_000;
export const METADATA_KEY = "__metadata__";
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const WRITE_TAGS = { float32: "F32", float64: "F64", int32: "I32" } as const;
export const READ_DTYPES = {
  F32: { size: 4, dtype: "float32" },
  F64: { size: 8, dtype: "float64" },
  I32: { size: 4, dtype: "int32" },
  I64: { size: 8, dtype: "int32" },
  F16: { size: 2, dtype: "float32" },
  BF16: { size: 2, dtype: "float32" },
} as const;
export type FileDtype = keyof typeof READ_DTYPES;
export const SUPPORTED = Object.keys(READ_DTYPES).join(", ");

export function arrayTypeFor(dtype: RawDtype):
  Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor {
  return dtype === "float32" ? Float32Array : dtype === "float64" ? Float64Array : Int32Array;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((d) => Number.isSafeInteger(d) && d >= 0);
}

export const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

