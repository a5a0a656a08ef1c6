/**
 * The Fashion-MNIST training job of bench/mlp-fashion.ts for zendl and TensorFlow.js: 784-256-10 ReLU,
 * Adam lr 1e-3, batch 128, mean cross-entropy, the same shuffled batches for both. The first `warmup`
 * steps are not timed; a run ends after `epochs` epochs, `maxSteps` timed steps or `budgetSeconds`.
 */
import * as zd from "../../src/index.js";
import type { Tfjs } from "./peers.js";

export const BATCH = 128, HIDDEN = 256, CLASSES = 10, FEATURES = 784;

export interface MlpData {
  xTrain: Float32Array; yTrain: Int32Array; xTest: Float32Array; yTest: Int32Array;
  nTrain: number; nTest: number;
}

export interface RunLimits {
  epochs: number; warmup: number; budgetSeconds: number; maxSteps?: number; seed: number;
}

export interface MlpResult {
  name: string;
  steps: number;
  timedSamples: number;
  seconds: number;
  samplesPerSecond: number;
  epochs: number;
  testAccuracy: number;
  finalLoss: number;
  /** Why the run stopped before its epochs (then its figures are extrapolated). */
  stoppedBy?: "budget" | "maxSteps";
}

/** Fisher-Yates with a small LCG: the same order in every JS run, independent of any library's RNG. */
function permutation(n: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let state = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((state / 2 ** 32) * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Drives `step(batchIndices)` over the shuffled epochs with the timing rules above. */
export function trainLoop(n: number, limits: RunLimits, step: (indices: Int32Array) => void): Omit<MlpResult,
  "name" | "testAccuracy" | "finalLoss" | "samplesPerSecond"> {
  let steps = 0, seen = 0, timedSamples = 0, started = 0, timedSteps = 0;
  let stoppedBy: MlpResult["stoppedBy"];
  outer: for (let epoch = 0; epoch < limits.epochs; epoch++) {
    const order = permutation(n, limits.seed + epoch);
    for (let i = 0; i < n; i += BATCH) {
      if (steps === limits.warmup) started = performance.now();
      const indices = order.subarray(i, Math.min(i + BATCH, n));
      step(indices);
      steps++;
      seen += indices.length;
      if (steps <= limits.warmup) continue;
      timedSamples += indices.length;
      timedSteps++;
      if (limits.maxSteps !== undefined && timedSteps >= limits.maxSteps) {
        stoppedBy = "maxSteps";
        break outer;
      }
      if ((performance.now() - started) / 1000 > limits.budgetSeconds) { stoppedBy = "budget"; break outer; }
    }
  }
  return { steps, timedSamples, seconds: (performance.now() - started) / 1000, epochs: seen / n, stoppedBy };
}

export function runZendlMlp(name: string, data: MlpData, limits: RunLimits): MlpResult {
  zd.manualSeed(limits.seed);
  const { nn, optim } = zd;
  const x = zd.tensor(data.xTrain, { shape: [data.nTrain, FEATURES] });
  const y = zd.tensor(data.yTrain, { shape: [data.nTrain] });
  const model = new nn.Sequential(new nn.Linear(FEATURES, HIDDEN), new nn.ReLU(),
    new nn.Linear(HIDDEN, CLASSES));
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  let loss: zd.Tensor | null = null;
  const run = trainLoop(data.nTrain, limits, (indices) => {
    const index = zd.tensor(indices, { shape: [indices.length], dtype: "int32" });
    const xb = x.indexSelect(0, index), yb = y.indexSelect(0, index);
    optimizer.zeroGrad();
    loss = nn.functional.crossEntropy(model.call(xb), yb);
    loss.backward();
    optimizer.step();
  });
  const xTest = zd.tensor(data.xTest, { shape: [data.nTest, FEATURES] });
  const yTest = zd.tensor(data.yTest, { shape: [data.nTest] });
  const logits = zd.noGrad(() => model.call(xTest));
  return { name, ...run, samplesPerSecond: run.timedSamples / run.seconds,
    testAccuracy: zd.metrics.accuracy(logits, yTest), finalLoss: (loss as zd.Tensor | null)?.item() ?? NaN };
}

/**
 * tfjs has no nn.Linear outside tf.layers, so the same MLP is written with variables (PyTorch's init,
 * U(±1/√fan_in)) and trained by a hand-written loop of `optimizer.minimize` (tf.train.adam), whose
 * gradients come from tf.variableGrads: the lowest-overhead training path tfjs offers.
 */
export function runTfjsMlp(name: string, tf: Tfjs, data: MlpData, limits: RunLimits): MlpResult {
  const uniform = (shape: [number, number] | [number], fanIn: number): ReturnType<Tfjs["variable"]> =>
    tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), "float32", limits.seed));
  const w1 = uniform([FEATURES, HIDDEN], FEATURES), b1 = uniform([HIDDEN], FEATURES);
  const w2 = uniform([HIDDEN, CLASSES], HIDDEN), b2 = uniform([CLASSES], HIDDEN);
  const forward = (xb: ReturnType<Tfjs["tensor2d"]>): ReturnType<Tfjs["tensor2d"]> =>
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(xb, w1), b1)), w2), b2);
  const x = tf.tensor2d(data.xTrain, [data.nTrain, FEATURES]);
  const y = tf.oneHot(tf.tensor1d(data.yTrain, "int32"), CLASSES).toFloat();
  const optimizer = tf.train.adam(1e-3);
  let loss: ReturnType<Tfjs["scalar"]> | null = null;
  const run = trainLoop(data.nTrain, limits, (indices) => {
    loss?.dispose();
    // The loss is kept, not read, each step (a read would be a synchronisation zendl's loop doesn't make).
    loss = tf.tidy(() => {
      const index = tf.tensor1d(indices, "int32");
      const xb = tf.gather(x, index), yb = tf.gather(y, index);
      return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, forward(xb)).asScalar(), true,
        [w1, b1, w2, b2]) as ReturnType<Tfjs["scalar"]>;
    });
  });
  const finalLoss = (loss as ReturnType<Tfjs["scalar"]> | null)?.dataSync()[0] ?? NaN;
  const accuracy = tf.tidy(() => {
    const predicted = forward(tf.tensor2d(data.xTest, [data.nTest, FEATURES])).argMax(1);
    return tf.mean(tf.equal(predicted, tf.tensor1d(data.yTest, "int32")).toFloat()).dataSync()[0];
  });
  tf.dispose([x, y, w1, b1, w2, b2]);
  optimizer.dispose();
  return { name, ...run, samplesPerSecond: run.timedSamples / run.seconds, testAccuracy: accuracy,
    finalLoss };
}
