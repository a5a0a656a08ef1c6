// The work the browser benchmark times, written once for both sides: the page (bundled with zendl and
// TensorFlow.js) and Node (zendl only). Each function takes the zendl module it measures.
import type * as ZD from "../../src/index.js";
import { measure, type Measurement } from "../lib/timing.js";

type Zendl = typeof ZD;

/** A throughput: from the median call (or all timed steps), and from the fastest call or step. */
export interface Rate { value: number; best: number }

/** GFLOPS of an n³ product from a measurement. */
export const gemmRate = (n: number, m: Measurement): Rate =>
  ({ value: (2 * n ** 3) / m.seconds / 1e9, best: (2 * n ** 3) / m.best / 1e9 });

/** Samples/s of batches of 128 from each timed step's seconds. */
export function trainingRate(steps: readonly number[]): Rate {
  return { value: (steps.length * 128) / steps.reduce((a, b) => a + b, 0), best: 128 / Math.min(...steps) };
}

/** Runs `step` 5 times untimed, then `steps` times timed; each timed step's seconds. */
export function timeSteps(step: (i: number) => void, steps: number): number[] {
  for (let i = 0; i < 5; i++) step(i);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const started = performance.now();
    step(i);
    times.push((performance.now() - started) / 1000);
  }
  return times;
}

/** GFLOPS of an n³ float32 matmul on `threads` threads (median after warm-up). */
export function zendlGemm(zd: Zendl, n: number, threads: number, budgetSeconds: number): Rate {
  zd.setNumThreads(threads);
  zd.manualSeed(0);
  const a = zd.randn([n, n]), b = zd.randn([n, n]);
  const m = measure(() => { a.matmul(b).dispose(); }, { budgetSeconds });
  a.dispose(); b.dispose();
  return gemmRate(n, m);
}

/**
 * Training samples/s of the Fashion-MNIST MLP (784-256-10 ReLU, Adam 1e-3, batch 128), a hand-written
 * loop over `steps` timed batches after 5 untimed ones. `x` is [N, 784] in [0, 1], `y` int32 labels.
 */
export function zendlMlp(zd: Zendl, x: ZD.Tensor, y: ZD.Tensor, steps: number, threads: number): Rate {
  zd.setNumThreads(threads);
  zd.manualSeed(0);
  const { nn, optim } = zd;
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const batches = Math.floor(x.shape[0] / 128);
  const step = (i: number): void => {
    const from = (i % batches) * 128;
    zd.tidy(() => {
      optimizer.zeroGrad();
      const output = model.call(x.slice(0, from, from + 128));
      nn.functional.crossEntropy(output, y.slice(0, from, from + 128)).backward();
      optimizer.step();
    });
  };
  return trainingRate(timeSteps(step, steps));
}
