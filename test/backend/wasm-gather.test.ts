import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";

// The wasm indexSelect fast path (block copies on contiguous inputs) against the reference backend.
function run(backend: string, shape: number[], dim: number, index: number[], transpose: boolean): number[] {
  zd.setBackend(backend);
  let x = zd.arange(0, shape.reduce((a, b) => a * b, 1)).float().reshape(shape);
  if (transpose) x = x.transpose(0, -1);
  const out = x.indexSelect(dim, zd.tensor(index, { dtype: "int32" }));
  return [...out.dataSync(), ...out.shape];
}

test("wasm indexSelect matches the reference on every dim, repeats, empty index and strided inputs", () => {
  const cases: Array<[number[], number, number[], boolean]> = [
    [[5, 3], 0, [4, 0, 0, 2], false],
    [[5, 3], 1, [2, 1], false],
    [[2, 7, 3], 1, [6, 6, 0, 3], false],
    [[2, 7, 3], 2, [1], false],
    [[2, 7, 3], 0, [], false],
    [[1], 0, [0, 0, 0], false],
    [[4, 6], 0, [3, 1], true],
  ];
  for (const [shape, dim, index, transpose] of cases) {
    assert.deepEqual(run("wasm", shape, dim, index, transpose), run("js", shape, dim, index, transpose),
      `shape [${shape}] dim ${dim} index [${index}] transposed ${transpose}`);
  }
  zd.setBackend("wasm");
});

test("wasm indexAdd (indexSelect's backward) matches the reference, repeated indices accumulating", () => {
  const grads: number[][] = [];
  for (const backend of ["wasm", "js"]) {
    zd.setBackend(backend);
    const out: number[] = [];
    for (const [shape, dim, index] of
      [[[5, 3], 0, [4, 0, 0, 2]], [[2, 7, 3], 1, [6, 6, 0]], [[4, 9], 1, [8, 8, 1]]] as
      Array<[number[], number, number[]]>) {
      const x = zd.arange(0, shape.reduce((a, b) => a * b, 1)).float().reshape(shape).requiresGrad_();
      const picked = x.indexSelect(dim, zd.tensor(index, { dtype: "int32" }));
      picked.mul(zd.arange(0, picked.size).float().reshape(picked.shape)).sum().backward();
      out.push(...x.grad!.dataSync());
    }
    grads.push(out);
  }
  zd.setBackend("wasm");
  assert.deepEqual(grads[0], grads[1]);
});

test("wasm gather and its backward scatterAdd match the reference: " +
  "every dim, strided input and index, repeats", () => {
  const results: number[][] = [];
  for (const backend of ["wasm", "js"]) {
    zd.setBackend(backend);
    const out: number[] = [];
    const cases: Array<[number[], number, number[], number[], boolean]> = [
      [[5, 3], 1, [5, 1], [2, 0, 1, 1, 0], false],
      [[5, 3], 0, [2, 3], [4, 0, 3, 3, 3, 1], false],
      [[2, 7, 3], 1, [2, 4, 3], Array.from({ length: 24 }, (_, i) => (i * 5) % 7), false],
      [[2, 7, 3], 2, [2, 7, 2], Array.from({ length: 28 }, (_, i) => (i * 2) % 3), true],
      [[4, 6], 1, [4, 0], [], false],
      [[1], 0, [3], [0, 0, 0], false],
    ];
    for (const [shape, dim, indexShape, index, transposed] of cases) {
      let x = zd.arange(0, shape.reduce((a, b) => a * b, 1)).float().reshape(shape);
      if (transposed) x = x.transpose(0, -1).contiguous().transpose(0, -1);
      x.requiresGrad_();
      let idx = zd.tensor(index, { dtype: "int32" }).reshape(indexShape);
      if (transposed) idx = idx.transpose(0, -1).contiguous().transpose(0, -1);
      const picked = x.gather(dim, idx);
      out.push(...picked.dataSync(), -1);
      picked.mul(zd.arange(1, picked.size + 1).float().reshape(picked.shape)).sum().backward();
      out.push(...x.grad!.dataSync(), -2);
    }
    results.push(out);
  }
  zd.setBackend("wasm");
  assert.deepEqual(results[0], results[1]);
});
