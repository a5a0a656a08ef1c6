// Memory: counts, dispose, tidy/keep, and that a training loop with no dispose stays bounded
// (FinalizationRegistry plus the engine releasing graphs after backward).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as zd from "../../src/index.js";

// Exact byte counts below are the reference backend's (the wasm heap rounds blocks to size classes;
// test/backend/wasm-memory.test.ts covers it).
zd.setBackend("js");

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A full collection: global.gc when node runs with --expose-gc, else the same function obtained
 * through the V8 flag, else enough allocation that V8 collects on its own.
 */
function findGc(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    if (typeof gc === "function") return gc as () => void;
  } catch {
    // fall through to allocation pressure
  }
  return null;
}

async function collectGarbage(): Promise<void> {
  const gc = findGc();
  for (let round = 0; round < 3; round++) {
    if (gc) gc();
    else {
      let sink = 0;
      for (let i = 0; i < 200; i++) sink += new Float64Array(1 << 17).length;  // 200 MB of garbage
      assert.ok(sink > 0);
    }
    // FinalizationRegistry callbacks run from the event loop
    await tick();
    await tick();
  }
}

describe("memory()", () => {
  test("counts rise with allocations and fall after dispose", () => {
    const before = zd.memory();
    assert.equal(before.backend, "js");
    const a = zd.zeros([100]);
    const b = zd.ones([10, 10], { dtype: "float64" });
    const mid = zd.memory();
    assert.equal(mid.numTensors, before.numTensors + 2);
    assert.equal(mid.numBytes, before.numBytes + 400 + 800);
    a.dispose();
    assert.equal(zd.memory().numTensors, before.numTensors + 1);
    assert.equal(zd.memory().numBytes, before.numBytes + 800);
    b.dispose();
    b.dispose();  // a second dispose is a no-op
    assert.deepEqual(zd.memory(), before);
    assert.ok(a.isDisposed && b.isDisposed);
  });

  test("a view is a tensor but not new bytes; storage lives while any view does", () => {
    const before = zd.memory();
    const base = zd.zeros([4, 4]);
    const transposed = base.T;
    const view = transposed.slice(0, 1, 3);
    assert.equal(zd.memory().numTensors, before.numTensors + 3, "base, the transpose and the slice");
    assert.equal(zd.memory().numBytes, before.numBytes + 64);
    base.dispose();
    assert.equal(zd.memory().numBytes, before.numBytes + 64, "the views still hold the storage");
    assert.deepEqual(view.toArray(), [[0, 0, 0, 0], [0, 0, 0, 0]]);
    view.dispose();
    assert.equal(zd.memory().numBytes, before.numBytes + 64, "the transpose is still alive");
    assert.equal(transposed.shape[0], 4);
  });

  test("a disposed tensor cannot be used, its views still can", () => {
    const x = zd.tensor([1, 2, 3]);
    const v = x.reshape([3, 1]);
    x.dispose();
    assert.throws(() => x.toArray(), /tensor of shape \[3\] was disposed and cannot be used/);
    assert.throws(() => x.add(1), /was disposed/);
    assert.throws(() => x.reshape([1, 3]), /was disposed/);
    assert.throws(() => x.sum(), /was disposed/);
    assert.deepEqual(v.toArray(), [[1], [2], [3]]);
  });
});

describe("tidy", () => {
  test("disposes intermediates and keeps the returned tensor", () => {
    const x = zd.tensor([1, 2, 3]);
    const before = zd.memory().numTensors;
    let a!: zd.Tensor, b!: zd.Tensor;
    const out = zd.tidy(() => {
      a = x.mul(2);
      b = a.exp();
      return b.sum();
    });
    assert.ok(a.isDisposed && b.isDisposed);
    assert.equal(x.isDisposed, false, "tensors created outside are untouched");
    assert.equal(out.isDisposed, false);
    assertCloseNumber(out.item(), Math.exp(2) + Math.exp(4) + Math.exp(6));
    assert.equal(zd.memory().numTensors, before + 1);
  });

  test("keeps tensors inside returned arrays and objects, and passes other values through", () => {
    const before = zd.memory().numTensors;
    const result = zd.tidy(() => {
      const t = zd.ones([2]);
      t.mul(3);
      return { label: "r", pair: [t.add(1), { deep: t.mul(2) }], same: t, n: 5 };
    });
    assert.equal(result.label, "r");
    assert.equal(result.n, 5);
    assert.deepEqual(result.pair[0] instanceof zd.Tensor ? result.pair[0].toArray() : null, [2, 2]);
    assert.deepEqual((result.pair[1] as { deep: zd.Tensor }).deep.toArray(), [2, 2]);
    assert.deepEqual(result.same.toArray(), [1, 1]);
    assert.equal(zd.memory().numTensors, before + 3);
    assert.equal(zd.tidy(() => 42), 42);
  });

  test("nested tidy: the inner result belongs to the outer scope", () => {
    let inner!: zd.Tensor, innerTemp!: zd.Tensor;
    const outer = zd.tidy(() => {
      inner = zd.tidy(() => {
        innerTemp = zd.ones([2]).mul(2);
        return innerTemp.add(1);
      });
      assert.ok(innerTemp.isDisposed);
      assert.equal(inner.isDisposed, false);
      return inner.mul(2);
    });
    assert.ok(inner.isDisposed, "not returned by the outer tidy");
    assert.deepEqual(outer.toArray(), [6, 6]);
  });

  test("keep exempts a tensor; leaf gradients survive a tidy around backward", () => {
    const w = zd.tensor([1, 2], { requiresGrad: true });
    let state!: zd.Tensor;
    zd.tidy(() => {
      state = zd.keep(zd.zeros([2]).add(7));
      w.mul(w).sum().backward();
    });
    assert.equal(state.isDisposed, false);
    assert.deepEqual(state.toArray(), [7, 7]);
    assert.ok(w.grad && !w.grad.isDisposed);
    assert.deepEqual(w.grad.toArray(), [2, 4]);
    zd.tidy(() => w.mul(3).sum().backward());
    assert.deepEqual(w.grad?.toArray(), [5, 7], "accumulation across two tidy scopes");
  });

  test("a throwing function leaves the scope stack clean", () => {
    assert.throws(() => zd.tidy(() => { zd.ones([1]); throw new Error("boom"); }), /boom/);
    const t = zd.ones([1]);
    zd.tidy(() => zd.ones([1]));
    assert.equal(t.isDisposed, false, "t was not captured by the failed tidy's scope");
  });
});

describe("bounded without dispose", () => {
  test("2,000 small forward/backward steps keep numBytes bounded", async () => {
    const w = zd.randn([32, 8], { seed: 1, requiresGrad: true });
    const b = zd.zeros([8], { requiresGrad: true });
    let after200 = 0, peak = 0;
    for (let step = 1; step <= 2000; step++) {
      const x = zd.randn([16, 32]);
      const loss = x.matmul(w).add(b).relu().mean();
      loss.backward();
      zd.noGrad(() => {
        w.assign(w.sub((w.grad as zd.Tensor).mul(0.01)));
        b.assign(b.sub((b.grad as zd.Tensor).mul(0.01)));
      });
      w.grad = null;
      b.grad = null;
      if (step % 100 === 0) {
        await tick();
        peak = Math.max(peak, zd.memory().numBytes);
      }
      if (step === 200) {
        await collectGarbage();
        after200 = zd.memory().numBytes;
      }
    }
    await collectGarbage();
    const end = zd.memory().numBytes;
    assert.ok(after200 > 0);
    assert.ok(end < 3 * after200, `numBytes ${end} after 2,000 steps vs ${after200} after 200`);
    assert.ok(peak < 64 * 2 ** 20, `numBytes peaked at ${peak} without any dispose`);
  });
});

function assertCloseNumber(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= 1e-5 * Math.abs(expected), `${actual} vs ${expected}`);
}
