import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadFashionMnist, loadMnist, parseIdx, readIdx } from "../../src/data/index.js";
import { findIdxFiles, searchFolders } from "../../src/data/datasets/idx-images.js";

type Setter = (view: DataView, offset: number, value: number) => void;
interface DtypeCase { code: number; size: number; array: string; set: Setter; values: number[] }
const DTYPES: DtypeCase[] = [
  { code: 0x08, size: 1, array: "Uint8Array", set: (v, o, x) => v.setUint8(o, x),
    values: [0, 1, 127, 255, 7, 9] },
  { code: 0x09, size: 1, array: "Int8Array", set: (v, o, x) => v.setInt8(o, x),
    values: [-128, -1, 0, 1, 127, 5] },
  { code: 0x0b, size: 2, array: "Int16Array", set: (v, o, x) => v.setInt16(o, x),
    values: [-32768, -2, 0, 3, 32767, 258] },
  { code: 0x0c, size: 4, array: "Int32Array", set: (v, o, x) => v.setInt32(o, x),
    values: [-(2 ** 31), -1, 0, 1, 2 ** 31 - 1, 65536] },
  { code: 0x0d, size: 4, array: "Float32Array", set: (v, o, x) => v.setFloat32(o, x),
    values: [-1.5, 0, 0.25, 3e38, -7, 1e-30] },
  { code: 0x0e, size: 8, array: "Float64Array", set: (v, o, x) => v.setFloat64(o, x),
    values: [-1e300, 0, Math.PI, 1e-300, -0.5, 2] },
];

/** Big-endian IDX bytes written field by field, independent of the reader under test. */
function idxBytes(code: number, shape: number[], values: number[], set: Setter, size: number): Uint8Array {
  const header = 4 + 4 * shape.length;
  const view = new DataView(new ArrayBuffer(header + values.length * size));
  view.setUint8(2, code);
  view.setUint8(3, shape.length);
  shape.forEach((dim, d) => view.setUint32(4 + 4 * d, dim));
  values.forEach((value, i) => set(view, header + i * size, value));
  return new Uint8Array(view.buffer);
}

const uint8 = (shape: number[], values: number[]): Uint8Array =>
  idxBytes(0x08, shape, values, (v, o, x) => v.setUint8(o, x), 1);

for (const { code, size, array, set, values } of DTYPES) {
  test(`parseIdx: ${array} round trip, raw and gzip`, () => {
    const raw = idxBytes(code, [2, 3], values, set, size);
    for (const bytes of [raw, gzipSync(raw)]) {
      const { shape, data } = parseIdx(bytes, "hand-built");
      assert.deepEqual(shape, [2, 3]);
      assert.equal(data.constructor.name, array);
      assert.deepEqual(Array.from(data), code === 0x0d ? values.map(Math.fround) : values);
    }
  });
}

test("parseIdx: one and four dimensions; readIdx reads a file and names it", () => {
  assert.deepEqual(parseIdx(uint8([3], [1, 2, 3])).shape, [3]);
  const four = parseIdx(uint8([1, 2, 1, 2], [4, 3, 2, 1]));
  assert.deepEqual([four.shape, Array.from(four.data)], [[1, 2, 1, 2], [4, 3, 2, 1]]);
  const dir = mkdtempSync(join(tmpdir(), "zendl-idx-"));
  try {
    const path = join(dir, "labels.gz");
    writeFileSync(path, gzipSync(uint8([2], [5, 6])));
    assert.deepEqual(Array.from(readIdx(path).data), [5, 6]);
    writeFileSync(path, uint8([2], [5]));
    assert.throws(() => readIdx(path),
      (e: Error) => e.message.includes(path) && /truncated data/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("parseIdx: rejects wrong files with messages that name them", () => {
  const good = uint8([2, 2], [1, 2, 3, 4]);
  const withByte = (at: number, value: number): Uint8Array => good.map((b, i) => (i === at ? value : b));
  const rejects = (bytes: Uint8Array, message: RegExp, source = "f.idx"): void => {
    assert.throws(() => parseIdx(bytes, source), message);
  };
  rejects(new Uint8Array([0, 0]), /IDX file f\.idx: only 2 bytes, too short/);
  rejects(withByte(0, 0x50), /IDX file f\.idx: bad magic number: it starts with 0x50 0x00/);
  rejects(withByte(1, 3), /bad magic number: it starts with 0x00 0x03/);
  rejects(withByte(2, 0x0a), /IDX file f\.idx: unknown data type byte 0x0a; known: 0x08 uint8/);
  rejects(withByte(3, 0), /IDX file f\.idx: the header declares 0 dimensions/);
  rejects(good.subarray(0, 9), /f\.idx: truncated header: 2 dimensions need 12 bytes, the file has 9/);
  rejects(good.subarray(0, 14),
    /f\.idx: truncated data: shape \[2, 2\] of uint8 needs 4 bytes after the header, the file has 2/);
  rejects(new Uint8Array([...good, 0]),
    /f\.idx: wrong data length: shape \[2, 2\] of uint8 needs 4 bytes.*has 5/);
  rejects(idxBytes(0x0c, [3], [1, 2], (v, o, x) => v.setInt32(o, x), 4),
    /truncated data: shape \[3\] of int32 needs 12 bytes.*has 8/);
  const gz = gzipSync(good);
  rejects(gz.subarray(0, gz.length - 6), /IDX file f\.gz: gzip data is truncated or corrupt/, "f.gz");
});

test("loadFashionMnist({ subset: true }): the shipped 2,000 + 500 images", () => {
  const { xTrain, yTrain, xTest, yTest } = loadFashionMnist({ subset: true });
  assert.deepEqual([xTrain.shape, yTrain.shape, xTest.shape, yTest.shape],
    [[2000, 1, 28, 28], [2000], [500, 1, 28, 28], [500]]);
  assert.deepEqual([xTrain.dtype, yTrain.dtype], ["float32", "int32"]);
  const pixels = xTrain.dataSync();
  let min = Infinity, max = -Infinity;
  for (const v of pixels) { min = Math.min(min, v); max = Math.max(max, v); }
  assert.deepEqual([min, max], [0, 1]);
  const counts = new Array<number>(10).fill(0);
  for (const label of yTrain.dataSync()) counts[label]++;
  assert.equal(counts.reduce((a, b) => a + b), 2000);
  assert.ok(counts.every((c) => c > 150), `every class is present: ${counts}`);
  // The first training image of Fashion-MNIST is an ankle boot (9), the first test image too.
  assert.deepEqual([yTrain.dataSync()[0], yTest.dataSync()[0]], [9, 9]);
});

test("loadFashionMnist: split, normalize and flatten options", () => {
  const testPart = loadFashionMnist({ subset: true, split: "test", normalize: false, flatten: true });
  assert.deepEqual(Object.keys(testPart).sort(), ["xTest", "yTest"]);
  assert.deepEqual(testPart.xTest.shape, [500, 784]);
  const raw = testPart.xTest.dataSync();
  assert.ok(raw.every((v) => Number.isInteger(v) && v >= 0 && v <= 255) && raw.includes(255));
  const normalized = loadFashionMnist({ subset: true, split: "test", flatten: true }).xTest.dataSync();
  assert.equal(normalized[400], Math.fround(raw[400] / 255));
  const train = loadFashionMnist({ subset: true, split: "train" });
  assert.deepEqual(Object.keys(train).sort(), ["xTrain", "yTrain"]);
  assert.throws(() => loadFashionMnist({ subset: true, split: "all" as "both" }),
    /loadFashionMnist: split must be "train", "test" or "both", got "all"/);
});

test("search order: dir, $ZENDL_DATA and its fashion-mnist folder, ./data, /usr/share/datasets", () => {
  const folders = searchFolders("fashion-mnist", "/tmp/a", { ZENDL_DATA: "/tmp/b" }).map((f) => f.path);
  assert.deepEqual(folders, ["/tmp/a", "/tmp/b", "/tmp/b/fashion-mnist",
    join(process.cwd(), "data/fashion-mnist"), "/usr/share/datasets/fashion-mnist"]);
  assert.equal(searchFolders("mnist", undefined, {}).length, 2);
});

test("search: the first folder holding all the files (raw or gz), else an error listing each place", () => {
  const empty = mkdtempSync(join(tmpdir(), "zendl-empty-"));
  const full = mkdtempSync(join(tmpdir(), "zendl-full-"));
  const dataset = {
    title: "loadFashionMnist", folder: "fashion-mnist", howToGet: "apt-get install dataset-fashion-mnist",
  };
  const previous = process.env.ZENDL_DATA;
  try {
    writeFileSync(join(full, "t10k-images-idx3-ubyte"), uint8([1, 2, 2], [0, 51, 102, 255]));
    writeFileSync(join(full, "t10k-labels-idx1-ubyte.gz"), gzipSync(uint8([1], [7])));
    const folders = [{ path: empty, why: "first" }, { path: full, why: "second" }];
    assert.deepEqual(findIdxFiles(dataset, folders, ["testImages", "testLabels"]), {
      testImages: join(full, "t10k-images-idx3-ubyte"), testLabels: join(full, "t10k-labels-idx1-ubyte.gz"),
    });
    const notFound = new RegExp("^loadFashionMnist: the files train-images-idx3-ubyte\\[\\.gz\\], " +
      "t10k-images-idx3-ubyte\\[\\.gz\\] were not found together in any of:\n");
    assert.throws(() => findIdxFiles(dataset, folders, ["trainImages", "testImages"]), (error: Error) =>
      notFound.test(error.message) && error.message.includes(`${empty}  (first)`) &&
      error.message.includes(`${full}  (second)`)
      && error.message.includes("apt-get install dataset-fashion-mnist"));
    // The public loaders: `dir` is searched first and its files are the ones loaded.
    const { xTest, yTest } = loadMnist({ dir: full, split: "test", flatten: true });
    assert.deepEqual([xTest.shape, Array.from(xTest.dataSync()), Array.from(yTest.dataSync())],
      [[1, 4], [0, 0.2, 0.4, 1].map(Math.fround), [7]]);
    // Empty dir and $ZENDL_DATA: the system folder is what is left. This machine may or may not have it.
    process.env.ZENDL_DATA = empty;
    const system = "/usr/share/datasets/fashion-mnist";
    const has = (name: string): boolean =>
      existsSync(join(system, name)) || existsSync(join(system, `${name}.gz`));
    if (has("t10k-images-idx3-ubyte") && has("t10k-labels-idx1-ubyte")) {
      const found = loadFashionMnist({ dir: empty, split: "test", flatten: true });
      assert.deepEqual([found.xTest.shape, found.yTest.shape], [[10000, 784], [10000]]);
    } else {
      assert.throws(() => loadFashionMnist({ dir: empty, split: "test" }), (error: Error) =>
        error.message.includes(`${empty}  (the dir option)`)
        && error.message.includes(`${empty}  ($ZENDL_DATA)`)
        && error.message.includes(`${system}  (the system`)
        && error.message.includes("apt-get install dataset-fashion-mnist"));
    }
    if (!existsSync("/usr/share/datasets/mnist") && !existsSync("data/mnist")) {
      assert.throws(() => loadMnist({ dir: empty }),
        /loadMnist: the files .* were not found together in any of:/);
    }
  } finally {
    if (previous === undefined) delete process.env.ZENDL_DATA;
    else process.env.ZENDL_DATA = previous;
    rmSync(empty, { recursive: true });
    rmSync(full, { recursive: true });
  }
});
