/**
 * Reading safetensors: the header is parsed and checked in full (sizes, dtypes, offsets that tile the
 * data area exactly, as the reference implementation demands: no gaps, no overlaps, no trailing bytes)
 * before any tensor is allocated; then each tensor is read on its own, from bytes in memory or from a
 * file through `readAt`, so a file is never held in memory twice.
 */
import {
  LITTLE_ENDIAN_HOST, MAX_HEADER_BYTES, METADATA_KEY, READ_DTYPES, SUPPORTED, arrayTypeFor, describe,
  isRecord, isShape, product, type FileDtype, type RawTensor, type SafetensorsContents,
} from "./safetensors-format.js";

// JSON.parse recurses per nesting level: a header nested 200,000 deep would overflow the stack. A real
// header is 3 levels deep.
const MAX_DEPTH = 64;

/** The deepest nesting of arrays and objects in JSON text (strings skipped). */
function nestingDepth(text: string): number {
  let depth = 0, deepest = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) deepest = Math.max(deepest, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

export interface HeaderEntry { name: string; tag: FileDtype; shape: number[]; begin: number; end: number }
export interface ParsedHeader { entries: HeaderEntry[]; metadata: Record<string, string>; dataStart: number }

/** Reads `length` bytes at `position` of the source. */
export type ReadAt = (position: number, length: number) => Uint8Array;

/**
 * Parses and validates the header of a safetensors source of `totalLength` bytes; `fail` makes the
 * error (it names the file).
 */
export function parseHeader(readAt: ReadAt, totalLength: number,
  fail: (message: string) => Error): ParsedHeader {
  if (totalLength < 8) throw fail(`expected at least 8 bytes for the header length, found ${totalLength}`);
  const prefix = readAt(0, 8);
  const rawLength = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (rawLength === 0n) throw fail("header length is 0; expected a JSON header of at least 2 bytes");
  if (rawLength > BigInt(MAX_HEADER_BYTES)) {
    throw fail(`header length ${rawLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const headerLength = Number(rawLength);
  if (8 + headerLength > totalLength) {
    throw fail(`header length ${headerLength} runs past the end of the file (only ${totalLength - 8} bytes ` +
      "follow the length field)");
  }
  let header: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(readAt(8, headerLength));
    if (nestingDepth(text) > MAX_DEPTH) throw new Error(`it nests deeper than ${MAX_DEPTH} levels`);
    header = JSON.parse(text);
  } catch (err) {
    throw fail(`header is not valid UTF-8 JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(header)) throw fail(`expected the header to be a JSON object, found ${describe(header)}`);
  const dataStart = 8 + headerLength;
  const dataLength = totalLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (!isRecord(value)) {
        throw fail(`expected "${METADATA_KEY}" to be an object of strings, found ${describe(value)}`);
      }
      for (const [key, item] of Object.entries(value)) {
        if (typeof item !== "string") {
          throw fail(`metadata value for "${key}" must be a string, found ${describe(item)}`);
        }
        // defineProperty so a "__proto__" key stays an ordinary entry instead of reparenting the object.
        Object.defineProperty(metadata, key, { value: item, enumerable: true, writable: true,
          configurable: true });
      }
      continue;
    }
    entries.push(checkEntry(name, value, dataLength, fail));
  }
  // The reference reader requires the tensors to tile the data area: sorted by offset, each begins where
  // the previous ended, and the last ends at the end of the file.
  // Empty tensors occupy no bytes, so they cannot collide with anything and are left out.
  const sorted = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at) {
      const prev = sorted.find((o) => o !== e && o.end > e.begin && o.begin < e.end);
      throw fail(`tensor "${e.name}" [${e.begin}, ${e.end}] overlaps tensor "${prev?.name}" ` +
        `[${prev?.begin}, ${prev?.end}]`);
    }
    if (e.begin > at) throw fail(`bytes [${at}, ${e.begin}) of the data area belong to no tensor`);
    at = e.end;
  }
  if (at !== dataLength) {
    throw fail(`${dataLength - at} trailing bytes after the last tensor (the data area has ${dataLength} ` +
      `bytes, the tensors cover ${at})`);
  }
  return { entries, metadata, dataStart };
}

function checkEntry(name: string, value: unknown, dataLength: number,
  fail: (m: string) => Error): HeaderEntry {
  const what = `tensor "${name}"`;
  if (!isRecord(value)) throw fail(`expected ${what} to be an object, found ${describe(value)}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string") {
    throw fail(`expected ${what} to have a string "dtype", found ${describe(dtype)}`);
  }
  if (!Object.hasOwn(READ_DTYPES, dtype)) {
    throw fail(`${what} has unsupported dtype "${dtype}"; supported: ${SUPPORTED}`);
  }
  const tag = dtype as FileDtype;
  if (!isShape(shape)) {
    throw fail(`expected ${what} "shape" to be an array of non-negative integers, found ${describe(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) &&
    o >= 0)) {
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
    throw fail(`${what} with dtype ${tag} and shape [${shape.join(", ")}] needs ${expected} bytes, but ` +
      `data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, tag, shape, begin, end };
}

/** The tensors of a parsed header, each read through `readAt` into its own array. */
export function readTensors(parsed: ParsedHeader, readAt: ReadAt, fail: (m: string) => Error): Map<string,
  RawTensor> {
  const tensors = new Map<string, RawTensor>();
  for (const e of parsed.entries) {
    const bytes = readAt(parsed.dataStart + e.begin, e.end - e.begin);
    const data = readData(bytes, product(e.shape), e.tag, (msg) => fail(`tensor "${e.name}" ${msg}`));
    tensors.set(e.name, { dtype: READ_DTYPES[e.tag].dtype, shape: e.shape, data });
  }
  return tensors;
}

export function decodeSafetensors(bytes: Uint8Array, source?: string): SafetensorsContents {
  const where = source === undefined ? "safetensors data" : `safetensors file "${source}"`;
  const fail = (message: string): Error => new Error(`Invalid ${where}: ${message}`);
  const readAt: ReadAt = (position, length) => bytes.subarray(position, position + length);
  const parsed = parseHeader(readAt, bytes.length, fail);
  return { tensors: readTensors(parsed, readAt, fail), metadata: parsed.metadata };
}

/** The values of one tensor from exactly its bytes (copied, so they own their buffer). */
function readData(bytes: Uint8Array, count: number, tag: FileDtype,
  fail: (message: string) => Error): RawTensor["data"] {
  const start = 0;
  const size = READ_DTYPES[tag].size;
  const byteLength = count * size;
  const native = (tag === "F32" || tag === "F64" || tag === "I32") && LITTLE_ENDIAN_HOST;
  if (native && bytes.byteOffset === 0 && bytes.buffer.byteLength === byteLength) {
    // read from a file into a buffer of its own: view it in place, no second copy
    return new (arrayTypeFor(READ_DTYPES[tag].dtype))(bytes.buffer as ArrayBuffer);
  }
  if (native) {
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
    case "F16": return Float32Array.from({ length: count }, (_, i) => halfToFloat(view.getUint16(i * 2,
      true)));
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

