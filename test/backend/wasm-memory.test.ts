// Memory on the WebAssembly backend: a training loop with no dispose() stays flat, eviction restores
// data exactly, heap growth keeps data, and a request past the maximum fails with a clear message.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import type { Storage, View } from "../../src/backend/backend.js";
import { WasmBackend } from "../../src/backend/wasm/backend.js";
import { fromFlat } from "../../src/core/creation.js";
import { collectGarbage } from "../../src/core/memory.js";

zd.setBackend("wasm");
const MiB = 2 ** 20;

function flatView(storage: Storage): View {
  return { storage, shape: [storage.size], strides: [1], offset: 0 };
}

function pattern(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => ((i * 7919 + seed * 104729) % 65521) / 16);
}

describe("a training loop without dispose()", () => {
  // The digits reference MLP (64-128-10, batch 200, SGD with Nesterov momentum), written the way a
  // user writes it: no dispose, no tidy, no await, so finalizers never get an event-loop turn.
  test("keeps numBytes, the heap and RSS flat over 1,000 steps", () => {
    const STEPS = 1000, QUARTER = STEPS / 4;
    const { nn, optim } = zd;
    const { x, y } = zd.data.loadDigits();
    const xs = new zd.data.StandardScaler().fit(x).transform(x);
    zd.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
    const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
    const n = x.shape[0], batch = 200;
    // numBytes is a sawtooth (garbage piles up until pressure collects it), so compare its peaks
    // over a quarter, and the bytes that survive a collection
    const peaks = [0, 0, 0, 0];
    let retainedAtQuarter = 0, heapAtQuarter = 0, rssAtQuarter = 0, firstLoss = 0, lastLoss = 0;
    for (let step = 1; step <= STEPS; step++) {
      const start = ((step - 1) * batch) % (n - batch);
      const loss = nn.functional.crossEntropy(model.forward(xs.slice(0, start, start + batch)),
        y.slice(0, start, start + batch));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      const info = zd.memory();
      const q = Math.min(3, Math.floor((step - 1) / QUARTER));
      peaks[q] = Math.max(peaks[q], info.numBytes);
      if (step === 1) firstLoss = loss.item();
      if (step === STEPS) lastLoss = loss.item();
      if (step === QUARTER) {
        collectGarbage();
        retainedAtQuarter = zd.memory().numBytes;
        heapAtQuarter = zd.memory().heapBytes ?? 0;
        rssAtQuarter = process.memoryUsage().rss;
      }
    }
    collectGarbage();
    const end = zd.memory();
    const rss = process.memoryUsage().rss;
    assert.ok(lastLoss < firstLoss / 4, `the model trained (loss ${firstLoss} -> ${lastLoss})`);
    assert.ok(heapAtQuarter > 0 && end.heapBytes !== undefined);
    const within = (label: string, value: number, reference: number, tolerance: number): void => {
      assert.ok(Math.abs(value - reference) <= tolerance * reference,
        `${label}: ${(value / MiB).toFixed(1)} MiB at the end vs ${(reference / MiB).toFixed(1)} MiB ` +
        `at step ${QUARTER}`);
    };
    // a few MiB survive a collection (parameters, data, GEMM workspaces made on first use): allow 10%
    // of that, but at least 1 MiB, so one lazily made scratch block does not fail the test
    within("numBytes after a collection", end.numBytes, retainedAtQuarter,
      Math.max(0.1, MiB / Math.max(retainedAtQuarter, 1)));
    within("peak numBytes in the last quarter vs the second", peaks[3], peaks[1], 0.1);
    within("WebAssembly heap size", end.heapBytes ?? 0, heapAtQuarter, 0.1);
    // RSS also holds V8's own heap, which it sizes by its own heuristics from one collection to the
    // next (tens of MiB either way), hence the wider margin
    within("process RSS", rss, rssAtQuarter, 0.25);
  });
});

describe("eviction", () => {
  test("storages evicted under a tiny soft limit come back bit for bit", () => {
    const backend = new WasmBackend({ softLimitBytes: 4 * MiB, maxHeapBytes: 64 * MiB });
    // the kernels' own blocks (GEMM workspaces, stride tables) are live bytes too
    const base = backend.allocatedBytes();
    const n = 256 * 1024;  // 1 MiB each: 16 of them are four times the soft limit
    const storages = Array.from({ length: 16 }, (_, k) => {
      const s = backend.alloc(n, "float32");
      backend.write(s, pattern(n, k));
      return s;
    });
    assert.ok(backend.evictions > 0, "the soft limit made room by evicting");
    assert.ok((backend.memoryStats().evictedBytes) > 0);
    const resident = backend.allocatedBytes() - base;
    assert.ok(resident <= 5 * MiB, `${resident} bytes of tensor data stayed in the heap`);
    storages.forEach((s, k) => assert.deepEqual(backend.read(flatView(s)), pattern(n, k), `storage ${k}`));
    for (const s of storages) backend.free(s);
    const left = backend.allocatedBytes() - base;
    assert.ok(left < 64 * 1024, `${left} bytes left after freeing everything`);
    assert.equal(backend.memoryStats().evictedBytes, 0, "freeing an evicted storage drops its JS copy");
  });

  test("ops on tensors of an evicting backend compute what they would without eviction", () => {
    const backend = new WasmBackend({ softLimitBytes: 1 * MiB, maxHeapBytes: 64 * MiB });
    const n = 128 * 1024;
    const a = fromFlat(pattern(n, 1), [n], "float32", backend);
    const b = fromFlat(pattern(n, 2), [n], "float32", backend);
    const sums = Array.from({ length: 8 }, () => a.add(b));
    assert.ok(backend.evictions > 0);
    const second = pattern(n, 2);
    const expected = pattern(n, 1).map((v, i) => v + second[i]);
    for (const s of sums) assert.deepEqual(s.dataSync(), expected);
  });
});

describe("heap growth and limits", () => {
  test("data written before the heap grows reads back after it, through kernels too", () => {
    const backend = new WasmBackend({ maxHeapBytes: 256 * MiB });
    const before = backend.memoryStats().heapBytes;
    const old = fromFlat(pattern(1000, 3), [1000], "float32", backend);
    const doubled = old.add(old);
    const big = fromFlat(new Float32Array(10 * MiB), [10 * MiB], "float32", backend);  // 40 MiB: past 16 MiB
    assert.ok(backend.memoryStats().heapBytes > before, "the heap grew");
    assert.deepEqual(old.dataSync(), pattern(1000, 3));
    assert.deepEqual(old.add(old).dataSync(), doubled.dataSync());
    assert.equal(big.sum().item(), 0);
  });

  test("an allocation past the maximum throws an out-of-memory error naming the request", () => {
    const backend = new WasmBackend({ maxHeapBytes: 32 * MiB });
    assert.throws(() => backend.alloc(16 * MiB, "float32"),
      /out of memory allocating 16777216 float32 elements \(67108864 bytes\).*heap maximum is 33554432/);
    const fits = backend.alloc(MiB, "float32");
    assert.equal(fits.size, MiB, "the backend still works after the error");
  });

  test("setMemoryLimit validates and caps the heap", () => {
    for (const bad of [-1, 0, NaN, Infinity, 1024]) {
      assert.throws(() => zd.setMemoryLimit(bad), /setMemoryLimit: expected a number of bytes >= 16777216/);
    }
    assert.throws(() => zd.setMemoryLimit(8 * 2 ** 30), /above the 4294967296 bytes this heap was created/);
    const backend = new WasmBackend();
    backend.setMemoryLimit(32 * MiB);
    assert.throws(() => backend.alloc(12 * MiB, "float32"), /out of memory allocating 12582912 float32/);
    backend.setMemoryLimit(128 * MiB);
    assert.equal(backend.alloc(12 * MiB, "float32").size, 12 * MiB);
  });
});

describe("zd.memory() and zd.ready() on the wasm backend", () => {
  test("memory() reports the heap size and evicted bytes beside the counts", () => {
    const info = zd.memory();
    assert.equal(info.backend, "wasm");
    assert.ok(typeof info.heapBytes === "number" && info.heapBytes >= 16 * MiB);
    assert.equal(typeof info.evictedBytes, "number");
    const t = zd.zeros([1000]);
    assert.ok(zd.memory().numBytes >= info.numBytes + 4000);
    t.dispose();
  });

  test("ready() resolves and tensors work before and after it", async () => {
    assert.deepEqual(zd.tensor([1, 2]).add(1).toArray(), [2, 3]);
    await zd.ready();
    assert.deepEqual(zd.tensor([1, 2]).mul(2).toArray(), [2, 4]);
  });
});
