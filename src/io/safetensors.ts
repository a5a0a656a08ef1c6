/**
 * Byte-level codec for the safetensors format (https://github.com/huggingface/safetensors).
 * It deliberately knows nothing about Tensor so that checkpoint I/O can be tested in
 * isolation and reused by tools that only need raw arrays.
 *
 * Layout: u64 little-endian header length N | N bytes of UTF-8 JSON | data area.
 */

export type RawDtype = "float32" | "float64" | "int32";
export interface RawTensor {
  dtype: RawDtype; shape: number[]; data: Float32Array | Float64Array | Int32Array;
}
export interface SafetensorsContents { tensors: Map<string, RawTensor>; metadata: Record<string, string> }

// Same cap as the reference implementation: a corrupt length field must not make us
// decode and JSON.parse hundreds of megabytes before noticing.
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const WRITE_TAGS = { float32: "F32", float64: "F64", int32: "I32" } as const;
const READ_DTYPES = {
  F32: { size: 4, dtype: "float32" },
  F64: { size: 8, dtype: "float64" },
  I32: { size: 4, dtype: "int32" },
  I64: { size: 8, dtype: "int32" },
  F16: { size: 2, dtype: "float32" },
  BF16: { size: 2, dtype: "float32" },
} as const;
type FileDtype = keyof typeof READ_DTYPES;
const SUPPORTED = Object.keys(READ_DTYPES).join(", ");

function arrayTypeFor(dtype: RawDtype):
  Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor {
  return dtype === "float32" ? Float32Array : dtype === "float64" ? Float64Array : Int32Array;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((d) => Number.isSafeInteger(d) && d >= 0);
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function encodeSafetensors(tensors: Map<string, RawTensor>,
  metadata?: Record<string, string>): Uint8Array {
  // The header is assembled by hand rather than via JSON.stringify(object) because objects
  // hoist integer-like keys ("0", "1") and treat "__proto__" specially; we promise insertion order.
  const parts: string[] = [];
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") {
        throw new Error(`encodeSafetensors: metadata value for "${key}" must be a string, ` +
          `found ${describe(value)}`);
      }
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === METADATA_KEY) throw new Error(`encodeSafetensors: "${METADATA_KEY}" is reserved ` +
      "and cannot name a tensor");
    const Ctor = Object.hasOwn(WRITE_TAGS, t.dtype) ? arrayTypeFor(t.dtype) : undefined;
    if (Ctor === undefined) {
      throw new Error(`encodeSafetensors: tensor "${name}" has dtype ${describe(t.dtype)}; ` +
        "expected float32, float64 or int32");
    }
    if (!(t.data instanceof Ctor)) {
      throw new Error(`encodeSafetensors: tensor "${name}" has dtype ${t.dtype} ` +
        `but its data is a ${t.data.constructor.name}, expected ${Ctor.name}`);
    }
    if (!isShape(t.shape)) {
      throw new Error(`encodeSafetensors: tensor "${name}" shape must be non-negative integers, ` +
        `found ${describe(t.shape)}`);
    }
    if (product(t.shape) !== t.data.length) {
      throw new Error(`encodeSafetensors: tensor "${name}" shape [${t.shape.join(", ")}] ` +
        `needs ${product(t.shape)} elements, found ${t.data.length}`);
    }
    const entry = {
      dtype: WRITE_TAGS[t.dtype], shape: t.shape, data_offsets: [offset, offset + t.data.byteLength],
    };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  // Padding keeps the data area 8-byte aligned in the file, so mmap-based readers can view it in place.
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const t of tensors.values()) {
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    } else {
      const size = t.data.BYTES_PER_ELEMENT;
      for (let i = 0; i < t.data.length; i++) {
        const at = pos + i * size;
        if (t.dtype === "float32") view.setFloat32(at, t.data[i], true);
        else if (t.dtype === "float64") view.setFloat64(at, t.data[i], true);
        else view.setInt32(at, t.data[i], true);
      }
    }
    pos += t.data.byteLength;
  }
  return out;
}

interface Entry { name: string; tag: FileDtype; shape: number[]; begin: number; end: number }

export function decodeSafetensors(bytes: Uint8Array, source?: string): SafetensorsContents {
  const where = source === undefined ? "safetensors data" : `safetensors file "${source}"`;
  const fail = (message: string): Error => new Error(`Invalid ${where}: ${message}`);

  if (bytes.length < 8) throw fail(`expected at least 8 bytes for the header length, found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawLength = view.getBigUint64(0, true);
  if (rawLength === 0n) throw fail("header length is 0; expected a JSON header of at least 2 bytes");
  if (rawLength > BigInt(MAX_HEADER_BYTES)) {
    throw fail(`header length ${rawLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const headerLength = Number(rawLength);
  if (8 + headerLength > bytes.length) {
    throw fail(`header length ${headerLength} runs past the end of the file ` +
      `(only ${bytes.length - 8} bytes follow the length field)`);
  }

  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (err) {
    throw fail(`header is not valid UTF-8 JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(header)) throw fail(`expected the header to be a JSON object, found ${describe(header)}`);

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (!isRecord(value)) throw fail(`expected "${METADATA_KEY}" to be an object of strings, ` +
        `found ${describe(value)}`);
      for (const [key, item] of Object.entries(value)) {
        if (typeof item !== "string") throw fail(`metadata value for "${key}" must be a string, ` +
          `found ${describe(item)}`);
        // defineProperty so a "__proto__" key stays an ordinary entry instead of reparenting the object.
        Object.defineProperty(metadata, key,
          { value: item, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    const what = `tensor "${name}"`;
    if (!isRecord(value)) throw fail(`expected ${what} to be an object, found ${describe(value)}`);
    const { dtype, shape, data_offsets: offsets } = value;
    if (typeof dtype !== "string") throw fail(`expected ${what} to have a string "dtype", ` +
      `found ${describe(dtype)}`);
    if (!Object.hasOwn(READ_DTYPES, dtype)) throw fail(`${what} has unsupported dtype "${dtype}"; ` +
      `supported: ${SUPPORTED}`);
    const tag = dtype as FileDtype;
    if (!isShape(shape)) throw fail(`expected ${what} "shape" to be an array of non-negative integers, ` +
      `found ${describe(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw fail(`expected ${what} "data_offsets" to be [begin, end] non-negative integers, ` +
        `found ${describe(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) throw fail(`${what} data_offsets [${begin}, ${end}] has begin > end`);
    if (end > dataLength) {
      throw fail(`${what} data_offsets [${begin}, ${end}] lie outside the data area of ${dataLength} bytes`);
    }
    const expected = product(shape) * READ_DTYPES[tag].size;
    if (expected !== end - begin) {
      throw fail(`${what} with dtype ${tag} and shape [${shape.join(", ")}] needs ${expected} bytes, ` +
        `but data_offsets [${begin}, ${end}] span ${end - begin}`);
    }
    entries.push({ name, tag, shape, begin, end });
  }

  // Empty tensors occupy no bytes, so they cannot collide with anything.
  const ranges = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1]!;
    const cur = ranges[i]!;
    if (cur.begin < prev.end) {
      throw fail(`tensor "${cur.name}" [${cur.begin}, ${cur.end}] overlaps ` +
        `tensor "${prev.name}" [${prev.begin}, ${prev.end}]`);
    }
  }

  const tensors = new Map<string, RawTensor>();
  for (const e of entries) {
    const data = readData(bytes, dataStart + e.begin, product(e.shape), e.tag,
      (msg) => fail(`tensor "${e.name}" ${msg}`));
    tensors.set(e.name, { dtype: READ_DTYPES[e.tag].dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

function readData(
  bytes: Uint8Array, start: number, count: number, tag: FileDtype, fail: (message: string) => Error,
): RawTensor["data"] {
  const size = READ_DTYPES[tag].size;
  const byteLength = count * size;
  if ((tag === "F32" || tag === "F64" || tag === "I32") && LITTLE_ENDIAN_HOST) {
    // Copying into a fresh buffer both detaches the result from `bytes` and fixes any misalignment.
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(start, start + byteLength));
    return new (arrayTypeFor(READ_DTYPES[tag].dtype))(copy.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, byteLength);
  switch (tag) {
    case "F32": return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
    case "F64": return Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
    case "I32": return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
    case "I64": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v < -2147483648n || v > 2147483647n) {
          throw fail(`I64 element ${i} is ${v}, outside the int32 range it is converted to`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    case "F16":
      return Float32Array.from({ length: count }, (_, i) => halfToFloat(view.getUint16(i * 2, true)));
    case "BF16": {
      // bfloat16 is the top half of a float32, so widening is a shift plus a bit reinterpretation.
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal (or signed zero)
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
