// TensorFlow.js on the browser benchmark's work, on whichever backend is active (wasm: XNNPACK; webgl).
import * as tf from "@tensorflow/tfjs";
import { measure } from "../lib/timing.js";
import { gemmRate, timeSteps, trainingRate, type Rate } from "./work.js";

/** GFLOPS of an n³ float32 matMul (median after warm-up; dataSync waits for the result). */
export function tfjsGemm(n: number, budgetSeconds: number): Rate {
  const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
  const m = measure(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, { budgetSeconds });
  a.dispose(); b.dispose();
  return gemmRate(n, m);
}

/** Training samples/s of the MLP (784-256-10 ReLU, Adam 1e-3, batch 128), reading the loss each step. */
export function tfjsMlp(x: Float32Array, y: Int32Array, steps: number): Rate {
  const hidden = tf.layers.dense({ inputShape: [784], units: 256, activation: "relu" });
  const model = tf.sequential({ layers: [hidden, tf.layers.dense({ units: 10 })] });
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
  const rate = trainingRate(timeSteps(step, steps));
  xs.dispose(); ys.dispose(); model.dispose(); optimizer.dispose();
  return rate;
}

/** The WebGL renderer's name (SwiftShader is Chromium's software renderer, on the CPU), or null. */
export function webglRenderer(): string | null {
  const gl = document.createElement("canvas").getContext("webgl2");
  if (!gl) return null;
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}
