import { platform } from "#platform";

/** The element arrays an IDX file can hold, one per IDX type code. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: its dimensions and its elements in row-major order. */
export interface IdxArray {
  shape: number[];
  data: IdxData;
}

type IdxConstructor = { new(length: number): IdxData; readonly BYTES_PER_ELEMENT: number };

/** The IDX type byte (third byte of the magic number) and the array each one becomes. */
const IDX_TYPES: ReadonlyMap<number, { name: string; array: IdxConstructor }> = new Map([
  [0x08, { name: "uint8", array: Uint8Array }],
  [0x09, { name: "int8", array: Int8Array }],
  [0x0b, { name: "int16", array: Int16Array }],
  [0x0c, { name: "int32", array: Int32Array }],
  [0x0d, { name: "float32", array: Float32Array }],
  [0x0e, { name: "float64", array: Float64Array }],
]);

const hex = (byte: number): string => "0x" + byte.toString(16).padStart(2, "0");

/**
 * Parses the bytes of an IDX file (the format of MNIST and Fashion-MNIST), gzip-compressed or raw:
 * gzip is recognised by its magic bytes 1f 8b, not by the file name. The header is two zero bytes,
 * a type byte, the number of dimensions, then each dimension as a big-endian uint32; the elements
 * follow, big-endian. Any mismatch throws an error that names `source`.
 * @example
 * const { shape, data } = parseIdx(readFileSync("t10k-labels-idx1-ubyte.gz"), "t10k-labels");
 * // shape [10000], data a Uint8Array of labels 0..9
 */
export function parseIdx(bytes: Uint8Array, source = "<bytes>"): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = platform.gunzipSync(bytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`IDX file ${source}: gzip data is truncated or corrupt (${reason})`);
    }
  }
  if (bytes.length < 4) {
    throw new Error(`IDX file ${source}: only ${bytes.length} bytes, too short for the 4-byte IDX ` +
      "magic number");
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`IDX file ${source}: bad magic number: it starts with ${hex(bytes[0])} ` +
      `${hex(bytes[1])}, an IDX file starts with 0x00 0x00 (is this an IDX file?)`);
  }
  const type = IDX_TYPES.get(bytes[2]);
  if (!type) {
    throw new Error(`IDX file ${source}: unknown data type byte ${hex(bytes[2])}; known: ` +
      [...IDX_TYPES].map(([code, { name }]) => `${hex(code)} ${name}`).join(", "));
  }
  const rank = bytes[3];
  if (rank === 0) throw new Error(`IDX file ${source}: the header declares 0 dimensions`);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new Error(`IDX file ${source}: truncated header: ${rank} dimensions need ${headerLength} bytes, ` +
      `the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.array.BYTES_PER_ELEMENT;
  const found = bytes.length - headerLength;
  if (found !== expected) {
    const what = found < expected ? "truncated data" : "wrong data length";
    throw new Error(`IDX file ${source}: ${what}: shape [${shape.join(", ")}] of ${type.name} needs ` +
      `${expected} bytes after the header, the file has ${found}`);
  }
  return { shape, data: decode(view, headerLength, count, type.array) };
}

/** IDX stores elements big-endian; typed arrays are host-endian (little on every Node platform). */
function decode(view: DataView, offset: number, count: number, array: IdxConstructor): IdxData {
  const out = new array(count);
  if (out instanceof Uint8Array) {
    out.set(new Uint8Array(view.buffer, view.byteOffset + offset, count));
  } else if (out instanceof Int8Array) {
    out.set(new Int8Array(view.buffer, view.byteOffset + offset, count));
  } else if (out instanceof Int16Array) {
    for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
  } else if (out instanceof Int32Array) {
    for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
  } else if (out instanceof Float32Array) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
  } else {
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
  }
  return out;
}

/**
 * Reads an IDX file from disk (gzip-compressed or raw) with {@link parseIdx}; errors name the path.
 * @example
 * const images = readIdx("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
 * images.shape; // [10000, 28, 28]
 */
export function readIdx(path: string): IdxArray {
  return parseIdx(platform.readFileSync(path), path);
}
