// ReLU's backward, fused (the wasm and native kernel) or composed (a mask and `where`): PyTorch's rule,
// grad where x > 0 or x is NaN, else +0 even for a NaN or negative gradient; the same on every backend,
// for contiguous and strided views.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { BACKENDS, onBackend } from "../helpers/on-backend.js";

const SPECIAL = [-1, 0, -0, 1, NaN, 2.5, -3, Infinity, -Infinity, 1e-30, -1e-30];

function expected(x: ArrayLike<number>, g: ArrayLike<number>): number[] {
  return Array.from(x, (v, i) => (v <= 0 ? 0 : g[i]));
}

for (const backend of BACKENDS) {
  test(`relu backward on ${backend}: PyTorch's rule, contiguous and strided, every length`, () =>
    onBackend(backend, () => {
      for (const n of [1, 3, 4, 5, 37, 1024 + 3]) {
        const xs = Array.from({ length: n }, (_, i) => (i < SPECIAL.length ? SPECIAL[i] : Math.sin(i * 7)));
        const gs = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? NaN : i % 3 ? i + 0.5 : -i - 1));
        const x = zd.tensor(xs).requiresGrad_();
        x.relu().backward(zd.tensor(gs));
        const got = Array.from(x.grad!.dataSync());
        const want = expected(Float32Array.from(xs), Float32Array.from(gs));
        got.forEach((v, i) => assert.ok(Object.is(v, want[i]), `n ${n}, element ${i}: ${v} vs ${want[i]}`));
      }
      // a transposed input and gradient take the composite path on every backend: the same values
      const x = zd.randn([6, 5], { seed: 3 }).T.requiresGrad_();
      const g = zd.randn([6, 5], { seed: 4 }).T;
      x.relu().backward(g);
      const want = expected(x.contiguous().dataSync(), g.contiguous().dataSync());
      assert.deepEqual(Array.from(x.grad!.dataSync()), want);
    }));
}
