// The work the browser benchmark times, written once for both sides: the page (bundled with zendl and
// TensorFlow.js) and Node (zendl only). Each function takes the zendl module it measures.
import type * as ZD from "../../src/index.js";
import { measure } from "../lib/timing.js";

type Zendl = typeof ZD;

/** GFLOPS of an n³ float32 matmul on `threads` threads (median after warm-up). */
export function zendlGemm(zd: Zendl, n: number, threads: number, budgetSeconds: number): number {
  zd.setNumThreads(threads);
  zd.manualSeed(0);
  const a = zd.randn([n, n]), b = zd.randn([n, n]);
  const { seconds } = measure(() => { a.matmul(b).dispose(); }, { budgetSeconds });
  a.dispose(); b.dispose();
  return (2 * n ** 3) / seconds / 1e9;
}

/**
 * Training samples/s of the Fashion-MNIST MLP (784-256-10 ReLU, Adam 1e-3, batch 128), a hand-written
 * loop over `steps` timed batches after 5 untimed ones. `x` is [N, 784] in [0, 1], `y` int32 labels.
 */
export function zendlMlp(zd: Zendl, x: ZD.Tensor, y: ZD.Tensor, steps: number, threads: number): number {
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
  for (let i = 0; i < 5; i++) step(i);
  const started = performance.now();
  for (let i = 0; i < steps; i++) step(i);
  return (steps * 128) / ((performance.now() - started) / 1000);
}
