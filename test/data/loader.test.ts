import { test } from "node:test";
import assert from "node:assert/strict";
// Core modules directly, not src/index.ts, so these tests do not depend on the rest of the package.
import * as zd from "./core.js";
import { DataLoader, TensorDataset, defaultCollate, type Dataset } from "../../src/data/index.js";

function rowsDataset(n: number): TensorDataset {
  // Row i of x is [i, 10i]; y[i] = i, so a batch tells which rows it holds.
  const x = zd.tensor(Array.from({ length: n }, (_, i) => [i, 10 * i]));
  const y = zd.arange(n);
  return new TensorDataset(x, y);
}

function epochIndices(loader: DataLoader<zd.Tensor[]>): number[] {
  const out: number[] = [];
  for (const [, yb] of loader) out.push(...yb.dataSync());
  return out;
}

test("TensorDataset: get(i) gives the i-th row of each tensor; sizes must agree", () => {
  const ds = rowsDataset(5);
  assert.equal(ds.length, 5);
  assert.equal(ds.tensors.length, 2);
  const [x3, y3] = ds.get(3);
  assert.deepEqual(x3.toArray(), [3, 30]);
  assert.equal(y3.item(), 3);
  assert.throws(() => ds.get(5), /index 5 is out of range for a dataset of length 5/);
  assert.throws(() => new TensorDataset(zd.zeros([4, 2]), zd.zeros([3])),
    /size mismatch .* tensor 0 has shape \[4,2\] \(4 samples\), tensor 1 has shape \[3\] \(3 samples\)/);
  assert.throws(() => new TensorDataset(), /at least one tensor/);
  assert.throws(() => new TensorDataset(zd.tensor(1)), /tensor 0 is 0-d/);
});

test("DataLoader: batch shapes, a partial last batch, and length", () => {
  const loader = new DataLoader(rowsDataset(10), { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = [...loader];
  assert.equal(batches.length, 3);
  assert.deepEqual(batches.map(([xb, yb]) => [xb.shape, yb.shape]),
    [[[4, 2], [4]], [[4, 2], [4]], [[2, 2], [2]]]);
  assert.deepEqual(batches[2][0].toArray(), [[8, 80], [9, 90]]);
  assert.equal(batches[0][1].dtype, "int32");
  assert.deepEqual(epochIndices(loader), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("DataLoader: dropLast skips the partial batch", () => {
  const loader = new DataLoader(rowsDataset(10), { batchSize: 4, dropLast: true });
  assert.equal(loader.length, 2);
  assert.deepEqual([...loader].map(([xb]) => xb.shape[0]), [4, 4]);
  assert.equal(new DataLoader(rowsDataset(3), { batchSize: 4, dropLast: true }).length, 0);
  assert.equal([...new DataLoader(rowsDataset(3), { batchSize: 4, dropLast: true })].length, 0);
});

test("DataLoader: shuffle covers every index once per epoch, differs per epoch, replays with a seed", () => {
  const make = (): DataLoader<zd.Tensor[]> =>
    new DataLoader(rowsDataset(50), { batchSize: 8, shuffle: true, seed: 3 });
  const loader = make();
  const first = epochIndices(loader);
  const second = epochIndices(loader);
  const sorted = Array.from({ length: 50 }, (_, i) => i);
  assert.deepEqual([...first].sort((a, b) => a - b), sorted);
  assert.deepEqual([...second].sort((a, b) => a - b), sorted);
  assert.notDeepEqual(first, sorted);
  assert.notDeepEqual(first, second);
  const again = make();
  assert.deepEqual(epochIndices(again), first);
  assert.deepEqual(epochIndices(again), second);
  // x rows stay paired with their labels.
  for (const [xb, yb] of make()) assert.deepEqual(xb.select(1, 0).int().toArray(), yb.toArray());
});

test("DataLoader: without a seed shuffling follows the global generator (manualSeed)", () => {
  const loader = new DataLoader(rowsDataset(30), { batchSize: 30, shuffle: true });
  zd.manualSeed(7);
  const a = epochIndices(loader);
  zd.manualSeed(7);
  assert.deepEqual(epochIndices(loader), a);
});

test("DataLoader: generic datasets are collated with stack", () => {
  const squares: Dataset<[zd.Tensor, number]> = {
    length: 5,
    get: (i) => [zd.tensor([i, i * i]), i % 2],
  };
  const loader = new DataLoader(squares, { batchSize: 2 });
  const batches = [...loader];
  assert.equal(batches.length, 3);
  const [xb, yb] = batches[1];
  assert.deepEqual(xb.toArray(), [[2, 4], [3, 9]]);
  assert.deepEqual(yb.toArray(), [0, 1]);
  assert.equal(yb.dtype, "int32");
  const objects: Dataset<{ a: number; b: zd.Tensor }> = {
    length: 3,
    get: (i) => ({ a: i / 2, b: zd.ones([2]) }),
  };
  const [batch] = new DataLoader(objects, { batchSize: 3 });
  assert.equal(batch.a.dtype, "float32");
  assert.deepEqual(batch.b.shape, [3, 2]);
  const custom = new DataLoader(squares, { batchSize: 5, collate: (items) => items.length });
  assert.deepEqual([...custom], [5]);
  assert.throws(() => defaultCollate([zd.ones([2]), 1]), /items mix tensors and other values/);
});

test("DataLoader: batchSize must be a positive integer", () => {
  for (const batchSize of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new DataLoader(rowsDataset(4), { batchSize }),
      /batchSize must be a positive integer/);
  }
});
