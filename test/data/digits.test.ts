import { test } from "node:test";
import assert from "node:assert/strict";
import { loadDigits } from "../../src/data/index.js";

test("loadDigits: 1797 images of 64 float32 pixels in 0..16 and int32 labels 0..9", () => {
  const { x, y } = loadDigits();
  assert.deepEqual(x.shape, [1797, 64]);
  assert.equal(x.dtype, "float32");
  assert.deepEqual(y.shape, [1797]);
  assert.equal(y.dtype, "int32");
  const pixels = x.dataSync();
  assert.ok(pixels.every((v) => Number.isInteger(v) && v >= 0 && v <= 16));
  assert.equal(Math.max(...pixels), 16);
  // The first image of scikit-learn's load_digits() is a 0 whose first row is 0 0 5 13 9 1 0 0.
  assert.deepEqual(Array.from(pixels.subarray(0, 8)), [0, 0, 5, 13, 9, 1, 0, 0]);
  assert.deepEqual(Array.from(y.dataSync().subarray(0, 5)), [0, 1, 2, 3, 4]);
});

test("loadDigits: about 180 images per class (scikit-learn's counts)", () => {
  const counts = new Array<number>(10).fill(0);
  for (const label of loadDigits().y.dataSync()) counts[label]++;
  assert.deepEqual(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
});

test("loadDigits: each call returns fresh tensors; nClass keeps the first classes", () => {
  const a = loadDigits();
  a.x.dispose();
  const b = loadDigits({ nClass: 2 });
  assert.deepEqual(b.x.shape, [360, 64]);
  assert.ok(b.y.dataSync().every((v) => v === 0 || v === 1));
  assert.throws(() => loadDigits({ nClass: 11 }), /nClass must be an integer in \[1, 10\], got 11/);
});
