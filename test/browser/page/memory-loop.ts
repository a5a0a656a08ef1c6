// A hand-written synchronous training loop in the page, with no dispose, no tidy and no await: the
// WebAssembly heap and the JS heap must stay bounded although FinalizationRegistry callbacks never
// get a turn (the page has no V8 hooks to run them synchronously).
import * as zd from "../../../src/index.js";

export interface MemoryResult {
  steps: number;
  /** Live tensor bytes and the wasm heap size after 10% of the steps and at the end. */
  liveBytesEarly: number;
  liveBytesEnd: number;
  heapBytesEarly: number;
  heapBytesEnd: number;
  /** Chromium's performance.memory (null elsewhere). */
  jsHeapEarly: number | null;
  jsHeapEnd: number | null;
  liveTensorsEnd: number;
  seconds: number;
}

function jsHeap(): number | null {
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return memory ? memory.usedJSHeapSize : null;
}

export function checkSyncLoopMemory(steps: number): MemoryResult {
  zd.manualSeed(1);
  const { nn, optim } = zd;
  const model = new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Linear(32, 10));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = zd.randn([32, 64]);
  const y = zd.randint(0, 10, [32]);
  const started = performance.now();
  let early = { live: 0, heap: 0, js: null as number | null };
  for (let step = 1; step <= steps; step++) {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(x.add(zd.randn([32, 64]).mul(0.01))), y);
    loss.backward();
    optimizer.step();
    if (step === Math.max(1, Math.ceil(steps / 10))) {
      const m = zd.memory();
      early = { live: m.numBytes, heap: m.heapBytes ?? 0, js: jsHeap() };
    }
  }
  const end = zd.memory();
  return {
    steps, liveBytesEarly: early.live, liveBytesEnd: end.numBytes, heapBytesEarly: early.heap,
    heapBytesEnd: end.heapBytes ?? 0, jsHeapEarly: early.js, jsHeapEnd: jsHeap(),
    liveTensorsEnd: end.numTensors,
    seconds: (performance.now() - started) / 1000,
  };
}
