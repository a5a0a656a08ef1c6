// jax-js (@jax-js/jax, its wasm device) on the browser benchmark's work: the GEMM and the Fashion-MNIST
// MLP training step. Its kernels run in Web Workers (navigator.hardwareConcurrency of them, fixed when
// the module loads; the runner sets that per page), so every timed call awaits the result.
// jax-js moves ownership into every call (reference counts): `.ref` keeps an array for later use.
import { blockUntilReady, init, jit, nn, numpy as np, valueAndGrad } from "@jax-js/jax";
import { measureAsync } from "../lib/timing.js";
import { gemmRate, trainingRate, type Rate } from "./work.js";

type Params = { w1: np.Array; b1: np.Array; w2: np.Array; b2: np.Array };
const KEYS = ["w1", "b1", "w2", "b2"] as const;
const [BETA1, BETA2, EPS, LR] = [0.9, 0.999, 1e-8, 1e-3];

/** Deterministic values in about [-1.5, 1.5] (no dependence on jax-js's random keys). */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0 || 1;
  const uniform = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < count; i++) out[i] = uniform() + uniform() + uniform() - 1.5;
  return out;
}

/** Starts the wasm device; its worker count is navigator.hardwareConcurrency at import. */
export async function jaxReady(): Promise<void> {
  const devices = await init("wasm");
  if (!devices.includes("wasm")) throw new Error(`jax-js: no wasm device (got ${devices.join(", ")})`);
}

/** GFLOPS of an n³ float32 matmul on jax-js's wasm device (median after warm-up). */
export async function jaxGemm(n: number, budgetSeconds: number): Promise<Rate> {
  const a = np.array(values(n * n, 1)).reshape([n, n]), b = np.array(values(n * n, 2)).reshape([n, n]);
  const m = await measureAsync(async () => {
    const c = np.matmul(a.ref, b.ref);
    await blockUntilReady(c);
    c.dispose();
  }, { budgetSeconds });
  a.dispose();
  b.dispose();
  return gemmRate(n, m);
}

function loss(p: Params, x: np.Array, y: np.Array): np.Array {
  const hidden = nn.relu(np.matmul(x, p.w1).add(p.b1));
  const logits = np.matmul(hidden, p.w2).add(p.b2);
  return np.mean(np.sum(nn.logSoftmax(logits, -1).mul(y), -1)).neg();
}

/** One jit-compiled step: loss, gradients (valueAndGrad) and Adam, with PyTorch's bias correction folded
 * into the step size `lrT`. */
const trainStep = jit((p: Params, m: Params, v: Params, x: np.Array, y: np.Array, lrT: np.Array) => {
  const [value, g] = valueAndGrad(loss)({ w1: p.w1.ref, b1: p.b1.ref, w2: p.w2.ref, b2: p.b2.ref }, x, y);
  const next = { p: { ...p }, m: { ...m }, v: { ...v } };
  for (const k of KEYS) {
    const gk = g[k];
    const mk = m[k].mul(BETA1).add(gk.ref.mul(1 - BETA1));
    const vk = v[k].mul(BETA2).add(gk.ref.mul(gk).mul(1 - BETA2));
    next.p[k] = p[k].sub(mk.ref.div(np.sqrt(vk.ref).add(EPS)).mul(lrT.ref));
    next.m[k] = mk;
    next.v[k] = vk;
  }
  lrT.dispose();
  return [value, next.p, next.m, next.v] as [np.Array, Params, Params, Params];
});

/**
 * Training samples/s of the Fashion-MNIST MLP (784-256-10 ReLU, softmax cross-entropy, Adam 1e-3, batch
 * 128) with jax-js: `steps` timed steps after 5 untimed ones (the first compiles), reading the loss
 * back after each step as the other libraries do.
 */
export async function jaxMlp(x: Float32Array, labels: Int32Array, steps: number): Promise<Rate> {
  const batches = Math.floor(labels.length / 128);
  const xs: np.Array[] = [], ys: np.Array[] = [];
  for (let i = 0; i < batches; i++) {
    xs.push(np.array(x.subarray(i * 128 * 784, (i + 1) * 128 * 784)).reshape([128, 784]));
    const onehot = new Float32Array(128 * 10);
    for (let r = 0; r < 128; r++) onehot[r * 10 + labels[i * 128 + r]] = 1;
    ys.push(np.array(onehot).reshape([128, 10]));
  }
  const scaled = (count: number, fanIn: number, seed: number): Float32Array =>
    values(count, seed).map((value) => value / Math.sqrt(fanIn));
  let p: Params = { w1: np.array(scaled(784 * 256, 784, 3)).reshape([784, 256]), b1: np.zeros([256]),
    w2: np.array(scaled(256 * 10, 256, 4)).reshape([256, 10]), b2: np.zeros([10]) };
  const zeros = (): Params => ({ w1: np.zeros([784, 256]), b1: np.zeros([256]), w2: np.zeros([256, 10]),
    b2: np.zeros([10]) });
  let m = zeros(), v = zeros(), t = 0;
  const step = async (i: number): Promise<void> => {
    t++;
    const lrT = (LR * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t);
    let value: np.Array;
    [value, p, m, v] = trainStep(p, m, v, xs[i % batches].ref, ys[i % batches].ref, np.array([lrT]));
    await value.data();
  };
  for (let i = 0; i < 5; i++) await step(i);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const started = performance.now();
    await step(i);
    times.push((performance.now() - started) / 1000);
  }
  for (const tree of [p, m, v]) for (const k of KEYS) tree[k].dispose();
  for (const array of [...xs, ...ys]) array.dispose();
  return trainingRate(times);
}
