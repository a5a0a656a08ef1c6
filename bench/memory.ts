/**
 * Memory benchmark: the digits reference MLP (64-128-10, batch 200, SGD with Nesterov momentum)
 * trained for 10,000 steps the way a user writes the loop, with no dispose(), no tidy() and no await,
 * so finalizers never get an event-loop turn. Prints zd.memory(), the WebAssembly heap size and
 * process RSS at step 1,000 and at the end, and their ratios (flat memory is a ratio near 1).
 * Run: node dist/bench/memory.js [steps]; or import { runMemoryBench } for a JSON-able result.
 */
import { pathToFileURL } from "node:url";
import * as zd from "../src/index.js";
import { collectGarbage } from "../src/core/memory.js";

export interface MemorySample {
  step: number;
  /** Bytes in live storages after a collection: what the loop really retains. */
  retainedBytes: number;
  /** Highest numBytes seen since the previous sample (garbage waiting for the next collection included). */
  peakBytes: number;
  numTensors: number;
  heapBytes: number | null;
  evictedBytes: number | null;
  rssBytes: number;
  msPerStep: number;
}

export interface MemoryBenchResult {
  benchmark: "memory";
  backend: string;
  steps: number;
  samples: MemorySample[];
  /** End value over the value at the first checkpoint (step 1,000 for the full run). */
  ratios: { retainedBytes: number; peakBytes: number; heapBytes: number | null; rssBytes: number };
}

/** Trains `steps` steps, sampling at `steps / 10` and at the end. */
export function runMemoryBench(steps = 10_000, backend = "wasm"): MemoryBenchResult {
  zd.setBackend(backend);
  const { nn, optim } = zd;
  const { x, y } = zd.data.loadDigits();
  const xs = new zd.data.StandardScaler().fit(x).transform(x);
  zd.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
  const n = x.shape[0], batch = 200, first = Math.max(1, Math.round(steps / 10));
  const samples: MemorySample[] = [];
  let peak = 0, started = performance.now(), stepsSinceSample = 0;
  for (let step = 1; step <= steps; step++) {
    const start = ((step - 1) * batch) % (n - batch);
    const loss = nn.functional.crossEntropy(model.forward(xs.slice(0, start, start + batch)),
      y.slice(0, start, start + batch));
    opt.zeroGrad();
    loss.backward();
    opt.step();
    stepsSinceSample++;
    peak = Math.max(peak, zd.memory().numBytes);
    if (step === first || step === steps) {
      const msPerStep = (performance.now() - started) / stepsSinceSample;
      collectGarbage();
      const info = zd.memory();
      samples.push({
        step, retainedBytes: info.numBytes, peakBytes: peak, numTensors: info.numTensors,
        heapBytes: info.heapBytes ?? null, evictedBytes: info.evictedBytes ?? null,
        rssBytes: process.memoryUsage().rss, msPerStep,
      });
      peak = 0;
      stepsSinceSample = 0;
      started = performance.now();
    }
  }
  const [a, b] = [samples[0], samples[samples.length - 1]];
  return {
    benchmark: "memory", backend: zd.getBackend(), steps, samples,
    ratios: {
      retainedBytes: b.retainedBytes / a.retainedBytes, peakBytes: b.peakBytes / a.peakBytes,
      heapBytes: a.heapBytes && b.heapBytes ? b.heapBytes / a.heapBytes : null,
      rssBytes: b.rssBytes / a.rssBytes,
    },
  };
}

function formatMiB(bytes: number | null): string {
  return bytes === null ? "-" : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = runMemoryBench(Number(process.argv[2] ?? 10_000), process.argv[3] ?? "wasm");
  console.log(`memory over ${result.steps} steps of the digits MLP without dispose ` +
    `(${result.backend} backend)`);
  const header = ["step", "retained", "peak", "tensors", "heap", "evicted", "RSS", "ms/step"];
  console.log(header.map((h) => h.padStart(12)).join(""));
  for (const s of result.samples) {
    console.log([String(s.step), formatMiB(s.retainedBytes), formatMiB(s.peakBytes), String(s.numTensors),
      formatMiB(s.heapBytes), formatMiB(s.evictedBytes), formatMiB(s.rssBytes), s.msPerStep.toFixed(3)]
      .map((c) => c.padStart(12)).join(""));
  }
  const r = result.ratios;
  console.log(`end / first: retained ${r.retainedBytes.toFixed(3)}, peak ${r.peakBytes.toFixed(3)}, ` +
    `heap ${r.heapBytes === null ? "-" : r.heapBytes.toFixed(3)}, RSS ${r.rssBytes.toFixed(3)}`);
}
