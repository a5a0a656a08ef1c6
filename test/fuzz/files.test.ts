import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { parseCsv } from "../../src/data/csv.js";
import { parseIdx } from "../../src/data/datasets/idx.js";
import { CharVocabulary, loadText } from "../../src/data/datasets/text.js";
import { decodeSafetensors, encodeSafetensors, type RawTensor } from "../../src/io/safetensors.js";
import { readCheckpointDir, removeCheckpointDir, writeCheckpointDir } from "../../src/node/checkpoint-dir.js";
import { readSafetensorsFile } from "../../src/node/safetensors-file.js";
import { isCleanError, mutate, mutation, runs } from "./mutate.js";

const TIME_LIMIT = { timeout: 120_000 };
const shape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });
const rawTensor: fc.Arbitrary<RawTensor> = fc.tuple(fc.constantFrom("float32", "float64", "int32" as const),
  shape)
  .map(([dtype, dims]) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = dtype === "float32" ? Float32Array.from({ length: n }, (_, i) => i / 3 - 1)
      : dtype === "float64" ? Float64Array.from({ length: n }, (_,
        i) => i * 1.5) : Int32Array.from({ length: n }, (_, i) => i - 2);
    return { dtype: dtype as RawTensor["dtype"], shape: dims, data };
  });
const stateDict = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== "__metadata__"),
  rawTensor, { maxKeys: 4 });
const metadata = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 });

function wellFormed(t: RawTensor): boolean {
  return t.data.length === t.shape.reduce((a, b) => a * b, 1);
}

test("safetensors: mutated files decode to well-formed tensors or fail with the file named", TIME_LIMIT,
  () => {
  const file = "fuzz.safetensors";
  fc.assert(fc.property(stateDict, metadata, fc.array(mutation, { maxLength: 3 }), (tensors, meta,
    mutations) => {
    const original = encodeSafetensors(new Map(Object.entries(tensors)), meta);
    const bytes = mutate(original, mutations);
    let decoded;
    try {
      decoded = decodeSafetensors(bytes, file);
    } catch (err) {
      return isCleanError(err, file);
    }
    if (![...decoded.tensors.values()].every(wellFormed)) return false;
    if (bytes.length === original.length && bytes.every((b, i) => b === original[i])) {
      assert.deepEqual(new Map([...decoded.tensors].map(([k, v]) => [k, Array.from(v.data)])),
        new Map(Object.entries(tensors).map(([k, v]) => [k, Array.from(v.data)])));
    }
    return true;
  }), { numRuns: runs(3000) });
});

test("safetensors files read piecewise agree with the in-memory decoder, damaged or not", TIME_LIMIT, () => {
  const dir = mkdtempSync(join(tmpdir(), "zendl-fuzz-"));
  const path = join(dir, "fuzz.safetensors");
  fc.assert(fc.property(stateDict, fc.array(mutation, { maxLength: 2 }), (tensors, mutations) => {
    const bytes = mutate(encodeSafetensors(new Map(Object.entries(tensors))), mutations);
    writeFileSync(path, bytes);
    let fromMemory: string, fromFile: string;
    try { fromMemory = JSON.stringify([...decodeSafetensors(bytes, path).tensors].map(([k, v]) => [k,
      [...v.data]])); }
    catch (err) { fromMemory = `error ${isCleanError(err, path)}`; }
    try { fromFile = JSON.stringify([...readSafetensorsFile(path).tensors].map(([k, v]) => [k,
      [...v.data]])); }
    catch (err) { fromFile = `error ${isCleanError(err, path)}`; }
    return fromMemory === fromFile && fromFile !== "error false";
  }), { numRuns: runs(300) });
});

test("safetensors: random headers (huge numbers, deep nesting, wrong types) never crash", TIME_LIMIT, () => {
  const file = "header.safetensors";
  const json = fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify({ t: v, u: { dtype: "F32", shape: [1],
    data_offsets: [0, 4] } }));
  const deep = fc.integer({ min: 60, max: 100_000 }).map((n) => `{"a":${"[".repeat(n)}${"]".repeat(n)}}`);
  fc.assert(fc.property(fc.oneof(json, deep), fc.integer({ min: 0, max: 16 }), (header, extra) => {
    const text = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + text.length + extra);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
    bytes.set(text, 8);
    try {
      decodeSafetensors(bytes, file);
      return true;
    } catch (err) {
      return isCleanError(err, file);
    }
  }), { numRuns: runs(500) });
});

function idxBytes(type: number, dims: number[], fill: (i: number) => number, size: number): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + count * size);
  const view = new DataView(out.buffer);
  out.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = 4 + 4 * dims.length + i * size;
    if (size === 1) out[at] = fill(i) & 0xff;
    else view.setInt32(at, fill(i), false);
  }
  return out;
}

test("IDX: mutated (and gzipped) files parse to the declared shape or fail with the file named", TIME_LIMIT,
  () => {
  const file = "fuzz-idx3-ubyte";
  const idx = fc.tuple(fc.constantFrom([0x08, 1], [0x0c, 4]), fc.array(fc.integer({ min: 1, max: 5 }),
    { minLength: 1, maxLength: 3 })).map(([[type, size], dims]) => ({ bytes: idxBytes(type, dims,
      (i) => i * 7, size),
    dims }));
  fc.assert(fc.property(idx, fc.array(mutation, { maxLength: 3 }), fc.boolean(), ({ bytes, dims },
    mutations, gz) => {
    const damaged = mutate(bytes, mutations);
    const input = gz ? mutate(gzipSync(damaged), mutations.slice(0, 1)) : damaged;
    try {
      const parsed = parseIdx(input, file);
      const count = parsed.shape.reduce((a, b) => a * b, 1);
      if (parsed.data.length !== count) return false;
      if (mutations.every((m) => m.kind === "none") && !gz) assert.deepEqual(parsed.shape, dims);
      return true;
    } catch (err) {
      return isCleanError(err, file);
    }
  }), { numRuns: runs(2000) });
});

test("CSV: mutated files parse to a consistent table or fail with the file named", TIME_LIMIT, () => {
  const file = "fuzz.csv";
  const table = fc.array(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 3,
    maxLength: 3 }),
    { minLength: 1, maxLength: 6 });
  fc.assert(fc.property(table, fc.boolean(), fc.array(mutation, { maxLength: 3 }), (rows, header,
    mutations) => {
    const text = `${header ? "a,b,label\n" : ""}${rows.map((r) => r.join(",")).join("\n")}\n`;
    const damaged = new TextDecoder().decode(mutate(new TextEncoder().encode(text), mutations));
    try {
      const { x, y, columns } = parseCsv(damaged, {}, file);
      if (x.shape.length !== 2 || x.shape[1] !== columns.length) return false;
      if (y !== null && y.shape[0] !== x.shape[0]) return false;
      if (mutations.every((m) => m.kind === "none")) assert.equal(x.shape[0], rows.length);
      return true;
    } catch (err) {
      return isCleanError(err, file);
    }
  }), { numRuns: runs(2000) });
});

test("text: any string round trips through its vocabulary; damaged .gz text files fail with the name",
  TIME_LIMIT, () => {
  fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 200, unit: "grapheme" }), (text) => {
    const vocab = CharVocabulary.fromText(text);
    return vocab.decode(vocab.encode(text)) === text;
  }), { numRuns: runs(1000) });
  const dir = mkdtempSync(join(tmpdir(), "zendl-fuzz-text-"));
  const path = join(dir, "fuzz.txt.gz");
  fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 100 }), fc.array(mutation, { maxLength: 2 }),
    (text, mutations) => {
      writeFileSync(path, mutate(gzipSync(text), mutations));
      try {
        const loaded = loadText(path);
        return loaded.ids.length === [...loaded.text].length || loaded.ids.length === loaded.text.length;
      } catch (err) {
        return isCleanError(err, path);
      }
    }), { numRuns: runs(200) });
});

test("checkpoint folders: a damaged file is caught by its checksum, never loaded", TIME_LIMIT, () => {
  const root = mkdtempSync(join(tmpdir(), "zendl-fuzz-ckpt-"));
  const files = new Map([["a.bin", Uint8Array.from({ length: 64 }, (_, i) => i)],
    ["manifest-free.json", new TextEncoder().encode("{\"x\":1}")]]);
  let n = 0;
  fc.assert(fc.property(fc.constantFrom("a.bin", "manifest-free.json", "manifest.json"),
    fc.array(mutation, { minLength: 1, maxLength: 2 }), (target, mutations) => {
      const path = writeCheckpointDir(root, `step-${String(++n).padStart(8, "0")}`, files);
      const file = join(path, target);
      const before = readFileSync(file);
      const after = mutate(before, mutations);
      writeFileSync(file, after);
      try {
        const read = readCheckpointDir(path);
        return Buffer.compare(Buffer.from(after), before) === 0 || target === "manifest.json" &&
          [...files].every(([k, v]) => Buffer.compare(Buffer.from(read.get(k)!), Buffer.from(v)) === 0);
      } catch (err) {
        return isCleanError(err, path);
      } finally {
        removeCheckpointDir(path);
      }
    }), { numRuns: runs(40) });
});
