/** Element types. `float64` exists for exact gradient checks on the reference backend. */
export type DType = "float32" | "float64" | "int32";
export type TypedArray = Float32Array | Float64Array | Int32Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32"];

export function isDType(value: unknown): value is DType {
  return typeof value === "string" && (DTYPES as readonly string[]).includes(value);
}

export function bytesPerElement(dtype: DType): number {
  return dtype === "float64" ? 8 : 4;
}

export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
}

export function typedArrayFor(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32": return new Float32Array(size);
    case "float64": return new Float64Array(size);
    case "int32": return new Int32Array(size);
  }
}

export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  return "float32";
}

/** Result type of a binary op, as PyTorch promotes: any float64 wins, then float32, then int32. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === "float64" || b === "float64") return "float64";
  return "float32";
}

/** The float type an op returns for these inputs (int inputs give float32, as `torch.div` does). */
export function floatTypeOf(dtype: DType): DType {
  return dtype === "int32" ? "float32" : dtype;
}
