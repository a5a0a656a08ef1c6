/**
 * The CNN training job of bench/cnn.ts for zendl and TensorFlow.js: conv3×3(32, same) – ReLU –
 * maxpool2 - conv3x3(64, same) - ReLU - maxpool2 - fc128 - ReLU - fc10 (zd.models.cnn), Adam lr 1e-3,
 * batch 128, mean cross-entropy, the same shuffled batches for both (trainLoop of mlp-runners.ts).
 */
import * as zd from "../../src/index.js";
import { BATCH, trainLoop, type MlpData, type MlpResult, type RunLimits } from "./mlp-runners.js";
import type { Tfjs } from "./peers.js";

const SIDE = 28, CLASSES = 10;

/** Test accuracy of `forward` in batches of 1,000 images (no graph). */
function accuracy(data: MlpData, forward: (x: zd.Tensor) => zd.Tensor): number {
  let correct = 0;
  for (let i = 0; i < data.nTest; i += 1000) {
    const n = Math.min(1000, data.nTest - i);
    correct += zd.tidy(() => {
      const pixels = data.xTest.subarray(i * SIDE * SIDE, (i + n) * SIDE * SIDE);
      const x = zd.tensor(pixels, { shape: [n, 1, SIDE, SIDE] });
      const y = zd.tensor(data.yTest.subarray(i, i + n), { shape: [n], dtype: "int32" });
      return zd.noGrad(() => zd.metrics.accuracy(forward(x), y)) * n;
    });
  }
  return correct / data.nTest;
}

/** zendl's run, and the model it trained (for the per-layer profile). */
export function runZendlCnn(name: string, data: MlpData, limits: RunLimits): { result: MlpResult;
  model: zd.nn.Sequential; batch: zd.Tensor } {
  zd.manualSeed(limits.seed);
  const { nn, optim } = zd;
  const x = zd.tensor(data.xTrain, { shape: [data.nTrain, 1, SIDE, SIDE] });
  const y = zd.tensor(data.yTrain, { shape: [data.nTrain], dtype: "int32" });
  const model = zd.models.cnn({ numClasses: CLASSES });
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
  const finalLoss = (loss as zd.Tensor | null)?.item() ?? NaN;
  const result = { name, ...run, samplesPerSecond: run.timedSamples / run.seconds,
    testAccuracy: accuracy(data, (xb) => model.call(xb)), finalLoss };
  return { result, model, batch: x.slice(0, 0, BATCH) };
}

type Variable = ReturnType<Tfjs["variable"]>;
type Tensor4D = ReturnType<Tfjs["tensor4d"]>;

/**
 * The same network in TensorFlow.js (NHWC, kernels [kh, kw, in, out]; PyTorch's default init,
 * U(±1/√fan_in)) trained by `optimizer.minimize`, as the MLP benchmark's tfjs job.
 */
export function runTfjsCnn(name: string, tf: Tfjs, data: MlpData, limits: RunLimits): MlpResult {
  const uniform = (shape: number[], fanIn: number): Variable =>
    tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), "float32", limits.seed));
  const w1 = uniform([3, 3, 1, 32], 9), b1 = uniform([32], 9);
  const w2 = uniform([3, 3, 32, 64], 288), b2 = uniform([64], 288);
  const w3 = uniform([3136, 128], 3136), b3 = uniform([128], 3136);
  const w4 = uniform([128, CLASSES], 128), b4 = uniform([CLASSES], 128);
  const forward = (xb: Tensor4D): ReturnType<Tfjs["tensor2d"]> => {
    const pool = (t: Tensor4D): Tensor4D => tf.maxPool(t, 2, 2, "valid");
    const conv = (t: Tensor4D, w: Variable, b: Variable): Tensor4D =>
      tf.relu(tf.add(tf.conv2d(t, w as unknown as Tensor4D, 1, "same"), b)) as Tensor4D;
    const h2 = pool(conv(pool(conv(xb, w1, b1)), w2, b2));
    const flat = tf.reshape(h2, [-1, 7 * 7 * 64]);
    return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(flat, w3), b3)), w4), b4);
  };
  const x = tf.tensor4d(data.xTrain, [data.nTrain, SIDE, SIDE, 1]);
  const y = tf.oneHot(tf.tensor1d(data.yTrain, "int32"), CLASSES).toFloat();
  const optimizer = tf.train.adam(1e-3);
  let loss: ReturnType<Tfjs["scalar"]> | null = null;
  const vars = [w1, b1, w2, b2, w3, b3, w4, b4];
  try {
    const run = trainLoop(data.nTrain, limits, (indices) => {
      loss?.dispose();
      loss = tf.tidy(() => {
        const index = tf.tensor1d(indices, "int32");
        const xb = tf.gather(x, index) as Tensor4D, yb = tf.gather(y, index);
        return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, forward(xb)).asScalar(), true,
          vars) as ReturnType<Tfjs["scalar"]>;
      });
    });
    const finalLoss = (loss as ReturnType<Tfjs["scalar"]> | null)?.dataSync()[0] ?? NaN;
    let correct = 0;
    for (let i = 0; i < data.nTest; i += 1000) {
      const n = Math.min(1000, data.nTest - i);
      correct += tf.tidy(() => {
        const xt = tf.tensor4d(data.xTest.subarray(i * 784, (i + n) * 784), [n, SIDE, SIDE, 1]);
        const hits = tf.equal(forward(xt).argMax(1), tf.tensor1d(data.yTest.subarray(i, i + n), "int32"));
        return hits.toFloat().sum().dataSync()[0];
      });
    }
    return { name, ...run, samplesPerSecond: run.timedSamples / run.seconds,
      testAccuracy: correct / data.nTest, finalLoss };
  } finally {
    tf.dispose([x, y, ...vars]);
    optimizer.dispose();
  }
}
