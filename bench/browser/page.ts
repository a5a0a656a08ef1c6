// The benchmark page: zendl and TensorFlow.js (wasm backend, XNNPACK) on the same GEMMs and the same
// MLP training loop, in one Chromium page. Query: ?tfjsThreads=N (tfjs fixes its thread count at init).
import * as tf from "@tensorflow/tfjs";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as zd from "../../src/index.js";
import { measure } from "../lib/timing.js";
import { zendlGemm, zendlMlp } from "./work.js";

export interface PageOptions { sizes: number[]; threads: number[]; mlpSteps: number; dataUrl: string }
export interface PageRow { library: string; work: string; threads: number; value: number; unit: string }

function tfjsGemm(n: number): number {
  const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
  const { seconds } = measure(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, { budgetSeconds: 1.5 });
  a.dispose(); b.dispose();
  return (2 * n ** 3) / seconds / 1e9;
}

function tfjsMlp(x: Float32Array, y: Int32Array, steps: number): number {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 256, activation: "relu" }),
    tf.layers.dense({ units: 10 })] });
  const optimizer = tf.train.adam(1e-3);
  const n = y.length, batches = Math.floor(n / 128);
  const xs = tf.tensor2d(x, [n, 784]), ys = tf.oneHot(tf.tensor1d(y, "int32"), 10);
  const step = (i: number): void => {
    const from = (i % batches) * 128;
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys.slice([from, 0], [128, 10]),
      model.apply(xs.slice([from, 0], [128, 784])) as tf.Tensor) as tf.Scalar, true);
    cost?.dataSync();
    cost?.dispose();
  };
  for (let i = 0; i < 5; i++) step(i);
  const started = performance.now();
  for (let i = 0; i < steps; i++) step(i);
  return (steps * 128) / ((performance.now() - started) / 1000);
}

async function images(url: string): Promise<{ x: Float32Array; y: Int32Array }> {
  const read = async (name: string): Promise<zd.data.IdxArray> =>
    zd.data.parseIdx(await zd.data.fetchBytes(`${url}${name}-ubyte.gz`), name);
  const [pixels, labels] = await Promise.all([read("train-images-idx3"), read("train-labels-idx1")]);
  return { x: Float32Array.from(pixels.data, (v) => v / 255), y: Int32Array.from(labels.data) };
}

/** Runs zendl (every thread count) and TensorFlow.js (this page's thread count) on all the work. */
export async function runBench(options: PageOptions): Promise<PageRow[]> {
  const tfjsThreads = Number(new URLSearchParams(location.search).get("tfjsThreads") ?? 1);
  setWasmPaths("./tfjs/");
  setThreadsCount(tfjsThreads);
  await tf.setBackend("wasm");
  await zd.ready();
  const rows: PageRow[] = [];
  for (const n of options.sizes) {
    for (const t of options.threads) {
      rows.push({ library: "zendl", work: `gemm ${n}³`, threads: t, value: zendlGemm(zd, n, t),
        unit: "GFLOPS" });
    }
    rows.push({ library: "tfjs-wasm", work: `gemm ${n}³`, threads: tfjsThreads, value: tfjsGemm(n), unit: "GFLOPS" });
  }
  const { x, y } = await images(options.dataUrl);
  const xt = zd.tensor(x, { shape: [y.length, 784] }), yt = zd.tensor(y, { dtype: "int32" });
  for (const t of options.threads) {
    rows.push({ library: "zendl", work: "mlp train", threads: t,
      value: zendlMlp(zd, xt, yt, options.mlpSteps, t), unit: "samples/s" });
  }
  rows.push({ library: "tfjs-wasm", work: "mlp train", threads: tfjsThreads,
    value: tfjsMlp(x, y, options.mlpSteps), unit: "samples/s" });
  return rows;
}

(globalThis as unknown as { runBench: typeof runBench }).runBench = runBench;
