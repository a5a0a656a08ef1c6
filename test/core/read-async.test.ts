// Asynchronous reads: `data()` and `toArrayAsync()` give what the synchronous forms give, and use a
// backend's `readAsync` when it has one (as a GPU backend in a browser must).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { JsBackend } from "../../src/backend/js/backend.js";
import { onBackend } from "../helpers/on-backend.js";

test("data() and toArrayAsync() match dataSync() and toArray(), views and 0-d included", async () => {
  for (const backend of ["wasm", "js"]) {
    const [x, t, s] = onBackend(backend, () => {
      const x = zd.arange(6).reshape([2, 3]).float();
      return [x, x.T, x.sum()];
    });
    assert.deepEqual(await x.data(), x.dataSync());
    assert.deepEqual(await t.toArrayAsync(), t.toArray());
    assert.equal(await s.toArrayAsync(), 15);
  }
});

test("a backend that reads only asynchronously is read through readAsync", async () => {
  const inner = new JsBackend();
  let asyncReads = 0;
  const gpuLike: zd.Backend = Object.assign(Object.create(inner) as JsBackend, {
    name: "async-only",
    read(): never {
      throw new Error("async-only: reading back needs `await tensor.data()`");
    },
    async readAsync(view: zd.View) {
      asyncReads++;
      return inner.read(view);
    },
  });
  zd.registerBackend(gpuLike);
  const x = onBackend("async-only", () => zd.tensor([[1, 2], [3, 4]]).mul(2));
  assert.throws(() => x.dataSync(), /needs `await tensor.data\(\)`/);
  assert.deepEqual(await x.toArrayAsync(), [[2, 4], [6, 8]]);
  assert.equal(asyncReads, 1);
});
