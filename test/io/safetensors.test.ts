import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeSafetensors, encodeSafetensors, type RawTensor } from "../../src/io/safetensors.js";
import { writeFileAtomic, writeFileAtomicSync } from "../../src/node/atomic-write.js";

/** Assembles a file from an arbitrary header (object or raw bytes) and data area. */
function build(header: unknown, data: ArrayLike<number> = []): Uint8Array {
  const json = header instanceof Uint8Array ? header : new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function withLength(length: bigint, rest: ArrayLike<number> = []): Uint8Array {
  const out = new Uint8Array(8 + rest.length);
  new DataView(out.buffer).setBigUint64(0, length, true);
  out.set(rest, 8);
  return out;
}

function u16le(values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 2));
  values.forEach((v, i) => view.setUint16(i * 2, v, true));
  return new Uint8Array(view.buffer);
}

function i64le(values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return new Uint8Array(view.buffer);
}

const sample = (): Map<string, RawTensor> => new Map<string, RawTensor>([
  ["layer.weight", { dtype: "float32", shape: [2, 3], data: new Float32Array([1.5, -2, 0, 3.25, -0, 1e-8]) }],
  ["layer.bias", { dtype: "float64", shape: [3], data: new Float64Array([Math.PI, -1e300, 5e-324]) }],
  ["steps", { dtype: "int32", shape: [2, 2], data: new Int32Array([0, -1, 2147483647, -2147483648]) }],
  ["empty", { dtype: "float32", shape: [0], data: new Float32Array(0) }],
  ["empty2d", { dtype: "int32", shape: [2, 0], data: new Int32Array(0) }],
  ["10", { dtype: "float64", shape: [], data: new Float64Array([42]) }],
  ["2", { dtype: "int32", shape: [], data: new Int32Array([7]) }],
]);

test("round trips all dtypes, empty and 0-d shapes, metadata and key order", () => {
  const tensors = sample();
  const metadata = { format: "pt", epoch: "3", note: "ünïcødé" };
  const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata), "x.safetensors");
  assert.deepStrictEqual(decoded.tensors, tensors);
  // JSON.parse hoists integer-like keys; all other names keep the file's order.
  assert.deepStrictEqual([...decoded.tensors.keys()],
    ["2", "10", "layer.weight", "layer.bias", "steps", "empty", "empty2d"]);
  assert.deepStrictEqual(decoded.metadata, metadata);
  assert.deepStrictEqual(decodeSafetensors(encodeSafetensors(new Map())),
    { tensors: new Map(), metadata: {} });
});

test("encoder writes keys in insertion order, packed back-to-back", () => {
  const bytes = encodeSafetensors(sample(), { a: "b" });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  const names = ["__metadata__", "layer.weight", "layer.bias", "steps", "empty", "empty2d", "10", "2"];
  const positions = names.map((k) => text.indexOf(JSON.stringify(k)));
  assert.deepStrictEqual(positions, [...positions].sort((a, b) => a - b));
  assert.ok(positions.every((p) => p >= 0));
  const header = JSON.parse(text) as Record<string, { data_offsets?: number[]; dtype?: string }>;
  assert.deepStrictEqual(header["layer.weight"], { dtype: "F32", shape: [2, 3], data_offsets: [0, 24] });
  assert.deepStrictEqual(header["layer.bias"]?.data_offsets, [24, 48]);
  assert.deepStrictEqual(header["steps"], { dtype: "I32", shape: [2, 2], data_offsets: [48, 64] });
  assert.deepStrictEqual(header["2"]?.data_offsets, [72, 76]);
  assert.equal(bytes.length, 8 + n + 76);
});

test("header is space-padded so the data area starts on an 8-byte boundary", () => {
  for (let len = 1; len <= 9; len++) {
    const tensors = new Map<string, RawTensor>([
      ["n".repeat(len), { dtype: "int32", shape: [1], data: new Int32Array([1]) }],
    ]);
    const bytes = encodeSafetensors(tensors);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + n) % 8, 0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const end = text.lastIndexOf("}") + 1;
    assert.ok(n - end < 8);
    assert.match(text.slice(end), /^ *$/);
    assert.deepStrictEqual(decodeSafetensors(bytes).tensors, tensors);
  }
});

test("decoded arrays are copies and tolerate unaligned input", () => {
  const tensors = sample();
  const bytes = encodeSafetensors(tensors);
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const input = Buffer.from(shifted.buffer, 3, bytes.length);
  const decoded = decodeSafetensors(input);
  assert.deepStrictEqual(decoded.tensors, tensors);
  for (const t of decoded.tensors.values()) assert.notEqual(t.data.buffer, shifted.buffer);
  shifted.fill(0);
  assert.deepStrictEqual(decoded.tensors, tensors);
});

test("round trips NaN, infinities and negative zero", () => {
  const data = new Float32Array([NaN, Infinity, -Infinity, -0]);
  const out = decodeSafetensors(encodeSafetensors(new Map([["s", { dtype: "float32", shape: [4], data }]])));
  assert.deepStrictEqual(out.tensors.get("s")?.data, data);
});

test("decodes I64 to int32 and rejects out-of-range values", () => {
  const values = [0, -5, 2147483647, -2147483648];
  const bytes = build({ i: { dtype: "I64", shape: [2, 2], data_offsets: [0, 32] } }, i64le(values));
  assert.deepStrictEqual(decodeSafetensors(bytes).tensors.get("i"),
    { dtype: "int32", shape: [2, 2], data: new Int32Array(values) });
  for (const bad of [2147483648, -2147483649]) {
    const file = build({ i: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, i64le([1, bad]));
    assert.throws(() => decodeSafetensors(file, "big.st"),
      /"big\.st".*tensor "i".*element 1 is -?2147483\d+, outside the int32 range/);
  }
});

test("decodes F16 to float32", () => {
  const halves = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x8000, 0x7e00, 0x3555];
  const bytes = build({ h: { dtype: "F16", shape: [10], data_offsets: [0, 20] } }, u16le(halves));
  const t = decodeSafetensors(bytes).tensors.get("h");
  assert.equal(t?.dtype, "float32");
  assert.deepStrictEqual(t?.data,
    new Float32Array([1, -2, 0.5, 65504, 2 ** -24, Infinity, -Infinity, -0, NaN, 0.333251953125]));
});

test("decodes BF16 to float32", () => {
  const bytes = build({ b: { dtype: "BF16", shape: [1, 5], data_offsets: [0, 10] } },
    u16le([0x3f80, 0xc000, 0x4049, 0x7f80, 0x8000]));
  assert.deepStrictEqual(decodeSafetensors(bytes).tensors.get("b"), {
    dtype: "float32", shape: [1, 5], data: new Float32Array([1, -2, 3.140625, Infinity, -0]),
  });
});

test("empty tensors may sit inside another tensor's range", () => {
  const bytes = build({
    a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
    e: { dtype: "F32", shape: [0], data_offsets: [4, 4] },
  }, new Array<number>(8).fill(0));
  assert.equal(decodeSafetensors(bytes).tensors.size, 2);
});

const f32 = (shape: unknown, data_offsets: unknown, dtype: unknown = "F32"): Record<string, unknown> =>
  ({ dtype, shape, data_offsets });

const rejections: Array<[string, Uint8Array, RegExp]> = [
  ["file shorter than 8 bytes", new Uint8Array(5), /expected at least 8 bytes.*found 5/],
  ["header length 0", withLength(0n, [1, 2]), /header length is 0/],
  ["header over 100 MB", withLength(100_000_001n),
    /header length 100000001 exceeds the 100000000-byte limit/],
  ["huge u64 header length", withLength(0xffffffffffffffffn), /exceeds the 100000000-byte limit/],
  ["header past end of file", withLength(64n, [0x7b, 0x7d]),
    /header length 64 runs past the end of the file \(only 2 bytes/],
  ["header not UTF-8", build(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8 JSON/],
  ["header not JSON", build(new TextEncoder().encode("{not json")), /not valid UTF-8 JSON/],
  ["header is an array", build([1, 2]), /expected the header to be a JSON object, found \[1,2\]/],
  ["header is null", build(null), /expected the header to be a JSON object, found null/],
  ["entry not an object", build({ w: 5 }), /expected tensor "w" to be an object, found 5/],
  ["dtype missing", build({ w: { shape: [1], data_offsets: [0, 4] } }),
    /tensor "w" to have a string "dtype", found nothing/],
  ["dtype not a string", build({ w: f32([1], [0, 4], 3) }), /string "dtype", found 3/],
  ["unknown dtype", build({ w: f32([1], [0, 1], "U8") }, [0]),
    /unsupported dtype "U8"; supported: F32, F64, I32, I64, F16, BF16/],
  ["shape missing", build({ w: { dtype: "F32", data_offsets: [0, 4] } }),
    /"shape" to be an array of non-negative integers, found nothing/],
  ["shape not an array", build({ w: f32("2", [0, 8]) }), /"shape" to be an array.*found "2"/],
  ["negative dim", build({ w: f32([2, -1], [0, 0]) }),
    /"shape" to be an array of non-negative integers, found \[2,-1\]/],
  ["non-integer dim", build({ w: f32([1.5], [0, 4]) }), /non-negative integers, found \[1\.5\]/],
  ["offsets missing", build({ w: { dtype: "F32", shape: [1] } }),
    /"data_offsets" to be \[begin, end\].*found nothing/],
  ["offsets wrong length", build({ w: f32([1], [0, 4, 8]) }),
    /"data_offsets" to be \[begin, end\].*found \[0,4,8\]/],
  ["offsets not integers", build({ w: f32([1], ["0", 4]) }), /"data_offsets".*found \["0",4\]/],
  ["negative offset", build({ w: f32([1], [-4, 0]) }), /"data_offsets".*found \[-4,0\]/],
  ["size mismatch", build({ w: f32([2, 3], [0, 20]) }, new Array<number>(24).fill(0)),
    /tensor "w" with dtype F32 and shape \[2, 3\] needs 24 bytes, but data_offsets \[0, 20\] span 20/],
  ["huge shape vs offsets", build({ w: f32([1_000_000, 1_000_000], [0, 4]) }, [0, 0, 0, 0]),
    /needs 4000000000000 bytes/],
  ["begin > end", build({ w: f32([0], [8, 4]) }, new Array<number>(8).fill(0)),
    /data_offsets \[8, 4\] has begin > end/],
  ["range past data area", build({ w: f32([2], [0, 8]) }, [0, 0, 0, 0]),
    /data_offsets \[0, 8\] lie outside the data area of 4 bytes/],
  ["overlapping ranges", build({ a: f32([2], [0, 8]), b: f32([2], [4, 12]) }, new Array<number>(12).fill(0)),
    /tensor "b" \[4, 12\] overlaps tensor "a" \[0, 8\]/],
  ["metadata not an object", build({ __metadata__: ["x"] }),
    /"__metadata__" to be an object of strings, found \["x"\]/],
  ["metadata value not a string", build({ __metadata__: { epoch: 3 } }),
    /metadata value for "epoch" must be a string, found 3/],
];

for (const [name, bytes, pattern] of rejections) {
  test(`rejects: ${name}`, () => {
    assert.throws(() => decodeSafetensors(bytes, "model.safetensors"), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /^Invalid safetensors file "model\.safetensors": /);
      assert.match(err.message, pattern);
      return true;
    });
  });
}

test("errors without a source still say what was being decoded", () => {
  assert.throws(() => decodeSafetensors(new Uint8Array(3)),
    /^Error: Invalid safetensors data: expected at least 8 bytes/);
});

test("encoder rejects inconsistent tensors", () => {
  const enc = (t: unknown, meta?: unknown) => () => encodeSafetensors(new Map([["w", t as RawTensor]]),
    meta as Record<string, string>);
  assert.throws(enc({ dtype: "float32", shape: [2, 2], data: new Float32Array(3) }),
    /shape \[2, 2\] needs 4 elements, found 3/);
  assert.throws(enc({ dtype: "float32", shape: [2], data: new Float64Array(2) }),
    /data is a Float64Array, expected Float32Array/);
  assert.throws(enc({ dtype: "int8", shape: [2], data: new Int32Array(2) }),
    /dtype "int8"; expected float32, float64 or int32/);
  assert.throws(enc({ dtype: "int32", shape: [-2], data: new Int32Array(0) }),
    /non-negative integers, found \[-2\]/);
  assert.throws(enc({ dtype: "int32", shape: [1], data: new Int32Array(1) }, { k: 1 }),
    /metadata value for "k" must be a string/);
  assert.throws(() => encodeSafetensors(
    new Map([["__metadata__", { dtype: "int32", shape: [], data: new Int32Array(1) }]])), /reserved/);
});

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "zendl-st-"));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test("writeFileAtomic writes, replaces an existing file and leaves no temp file", () =>
  withTempDir(async (dir) => {
  const target = join(dir, "model.safetensors");
  const bytes = encodeSafetensors(sample(), { v: "1" });
  await writeFileAtomic(target, bytes);
  assert.deepStrictEqual(new Uint8Array(await readFile(target)), bytes);
  await writeFileAtomic(target, "replaced ✓");
  assert.equal(await readFile(target, "utf8"), "replaced ✓");
  assert.deepStrictEqual(await readdir(dir), ["model.safetensors"]);
}));

test("writeFileAtomicSync writes, replaces an existing file and leaves no temp file", () =>
  withTempDir(async (dir) => {
  const target = join(dir, "config.json");
  await writeFile(target, "old contents that are longer than the new ones");
  writeFileAtomicSync(target, "{\"ok\":true}");
  assert.equal(await readFile(target, "utf8"), "{\"ok\":true}");
  const bytes = encodeSafetensors(sample());
  writeFileAtomicSync(target, bytes);
  assert.deepStrictEqual(decodeSafetensors(await readFile(target), target).tensors, sample());
  assert.deepStrictEqual(await readdir(dir), ["config.json"]);
}));

test("failed atomic writes leave no temp file behind", () => withTempDir(async (dir) => {
  // Missing directory: the temp file can never be created.
  await assert.rejects(writeFileAtomic(join(dir, "missing", "a.bin"), "x"), { code: "ENOENT" });
  assert.throws(() => writeFileAtomicSync(join(dir, "missing", "a.bin"), "x"), { code: "ENOENT" });
  // Target is a non-empty directory: the temp file is written, then the rename fails.
  const blocker = join(dir, "blocker");
  await mkdir(blocker);
  await writeFile(join(blocker, "keep"), "");
  await assert.rejects(writeFileAtomic(blocker, new Uint8Array([1, 2, 3])));
  assert.throws(() => writeFileAtomicSync(blocker, new Uint8Array([1, 2, 3])));
  assert.deepStrictEqual(await readdir(dir), ["blocker"]);
  assert.deepStrictEqual(await readdir(blocker), ["keep"]);
}));
