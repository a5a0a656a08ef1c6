// A hand-written synchronous training loop in the page, with no dispose, no tidy and no await: the
// WebAssembly heap and the JS heap stay bounded although FinalizationRegistry callbacks never get a
// turn (the page has no V8 hooks to run them synchronously; core/move-out.ts does the work). The same
// loop awaiting the next task now and then is measured beside it.
import * as zd from "../../../src/index.js";

export interface MemoryResult {
  steps: number;
  /** Live tensor bytes and the wasm heap size after 40% of the steps and at the end. */
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

/** The JS heap in use after a full collection (the test starts Chromium with `gc` exposed). */
function jsHeap(): number | null {
  (globalThis as { gc?: () => void }).gc?.();
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return memory ? memory.usedJSHeapSize : null;
}

/** A small MLP, its optimizer and data, and one training step on them. */
function setUp(): () => void {
  zd.manualSeed(1);
  const { nn, optim } = zd;
  const model = new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Linear(32, 10));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = zd.randn([32, 64]);
  const y = zd.randint(0, 10, [32]);
  return () => {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(x.add(zd.randn([32, 64]).mul(0.01))), y);
    loss.backward();
    optimizer.step();
  };
}

class Probe {
  private readonly started = performance.now();
  private early = { live: 0, heap: 0, js: null as number | null };
  constructor(private readonly steps: number) {}

  after(step: number): void {
    if (step !== Math.max(1, Math.ceil(this.steps * 0.4))) return;
    const m = zd.memory();
    this.early = { live: m.numBytes, heap: m.heapBytes ?? 0, js: jsHeap() };
  }

  result(): MemoryResult {
    const end = zd.memory();
    return {
      steps: this.steps, liveBytesEarly: this.early.live, liveBytesEnd: end.numBytes,
      heapBytesEarly: this.early.heap, heapBytesEnd: end.heapBytes ?? 0, jsHeapEarly: this.early.js,
      jsHeapEnd: jsHeap(), liveTensorsEnd: end.numTensors, seconds: (performance.now() - this.started) / 1000,
    };
  }
}

export function checkSyncLoopMemory(steps: number): MemoryResult {
  const step = setUp(), probe = new Probe(steps);
  for (let i = 1; i <= steps; i++) {
    step();
    probe.after(i);
  }
  return probe.result();
}

/** The same loop with `await zd.nextTask()` every `every` steps. */
export async function checkYieldingLoopMemory(steps: number, every: number): Promise<MemoryResult> {
  const step = setUp(), probe = new Probe(steps);
  for (let i = 1; i <= steps; i++) {
    step();
    probe.after(i);
    if (i % every === 0) await zd.nextTask();
  }
  return probe.result();
}
