/**
 * The character-LSTM training job of bench/char-lstm.ts for zendl and TensorFlow.js: Embedding(V, 64)
 * → LSTM(64, 256) → Linear(256, V), Adam lr 2e-3, batch 32, sequence 64, mean cross-entropy over
 * consecutive chunks of Tiny Shakespeare with the state carried across them (truncated BPTT). The
 * first `warmup` steps are not timed; a run ends after `maxSteps` timed steps or `budgetSeconds`.
 */
import * as zd from "../../src/index.js";
import type { Tfjs } from "./peers.js";

export const BATCH = 32, SEQ = 64, EMBED = 64, HIDDEN = 256;

export interface CharLimits { warmup: number; budgetSeconds: number; maxSteps: number; seed: number }

export interface CharResult {
  name: string;
  steps: number;
  seconds: number;
  tokensPerSecond: number;
  finalLoss: number;
  /** Why the run stopped: its step cap, or its time budget. */
  stoppedBy: "budget" | "maxSteps";
}

/** The k-th chunk of every stream, as int32 [B, T] inputs and targets (wrapping around the text). */
export function chunk(ids: Int32Array, k: number): { x: Int32Array; y: Int32Array } {
  const stream = Math.floor((ids.length - 1) / BATCH);
  const chunks = Math.floor(stream / SEQ);
  const at = (k % chunks) * SEQ;
  const x = new Int32Array(BATCH * SEQ), y = new Int32Array(BATCH * SEQ);
  for (let b = 0; b < BATCH; b++) {
    x.set(ids.subarray(b * stream + at, b * stream + at + SEQ), b * SEQ);
    y.set(ids.subarray(b * stream + at + 1, b * stream + at + SEQ + 1), b * SEQ);
  }
  return { x, y };
}

type Timing = Omit<CharResult, "name" | "finalLoss" | "tokensPerSecond">;

function timed(limits: CharLimits, step: (k: number) => void): Timing {
  let started = 0, steps = 0;
  for (let k = 0; ; k++) {
    if (k === limits.warmup) started = performance.now();
    step(k);
    if (k < limits.warmup) continue;
    steps++;
    const seconds = (performance.now() - started) / 1000;
    if (steps >= limits.maxSteps) return { steps, seconds, stoppedBy: "maxSteps" };
    if (seconds > limits.budgetSeconds) return { steps, seconds, stoppedBy: "budget" };
  }
}

/** zendl: the public API only, as a user would write the loop (`fitSequence` does the same per step). */
export function runZendlCharLstm(name: string, ids: Int32Array, vocab: number,
  limits: CharLimits): CharResult {
  zd.manualSeed(limits.seed);
  const model = new zd.models.CharLSTM({ vocabSize: vocab, embeddingDim: EMBED, hiddenSize: HIDDEN });
  const optimizer = new zd.optim.Adam(model.parameters(), { lr: 2e-3 });
  let state: zd.models.LSTMState | null = null, loss = NaN;
  const run = timed(limits, (k) => {
    const { x, y } = chunk(ids, k);
    const xb = zd.tensor(x, { shape: [BATCH, SEQ] }), yb = zd.tensor(y, { shape: [BATCH * SEQ] });
    const result = zd.tidy(() => {
      optimizer.zeroGrad();
      const [logits, next] = model.forward(xb, state);
      const l = zd.nn.functional.crossEntropy(logits.reshape([-1, vocab]), yb);
      l.backward();
      optimizer.step();
      return { value: l.item(), state: zd.detachState(next) };
    });
    state = result.state;
    loss = result.value;
    xb.dispose();
    yb.dispose();
  });
  return { name, ...run, tokensPerSecond: (run.steps * BATCH * SEQ) / run.seconds, finalLoss: loss };
}

async function timedAsync(limits: CharLimits, step: (k: number) => Promise<void>): Promise<Timing> {
  let started = 0, steps = 0;
  for (let k = 0; ; k++) {
    if (k === limits.warmup) started = performance.now();
    await step(k);
    if (k < limits.warmup) continue;
    steps++;
    const seconds = (performance.now() - started) / 1000;
    if (steps >= limits.maxSteps) return { steps, seconds, stoppedBy: "maxSteps" };
    if (seconds > limits.budgetSeconds) return { steps, seconds, stoppedBy: "budget" };
  }
}

/**
 * tfjs: the same network with tf.layers (a stateful LSTM carries its state across `trainOnBatch`
 * calls), softmax output and categorical cross-entropy on one-hot targets, Adam lr 2e-3.
 */
export async function runTfjsCharLstm(name: string, tf: Tfjs, ids: Int32Array, vocab: number,
  limits: CharLimits): Promise<CharResult> {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: vocab, outputDim: EMBED, batchInputShape: [BATCH, SEQ] }));
  // glorot, not the default orthogonal recurrent init: tfjs computes that by a slow QR in JS (speed is alike)
  model.add(tf.layers.lstm({ units: HIDDEN, returnSequences: true, stateful: true,
    recurrentInitializer: "glorotUniform" }));
  model.add(tf.layers.dense({ units: vocab, activation: "softmax" }));
  model.compile({ optimizer: tf.train.adam(2e-3), loss: "categoricalCrossentropy" });
  let loss = NaN;
  const run = await timedAsync(limits, async (k) => {
    const { x, y } = chunk(ids, k);
    const xb = tf.tensor2d(x, [BATCH, SEQ], "float32");
    const yb = tf.tidy(() => tf.oneHot(tf.tensor2d(y, [BATCH, SEQ], "int32"), vocab).toFloat());
    // trainOnBatch awaits before it computes: each step is awaited, so its work falls inside the timing
    loss = (await model.trainOnBatch(xb, yb)) as number;
    tf.dispose([xb, yb]);
  });
  tf.dispose(model.getWeights());
  return { name, ...run, tokensPerSecond: (run.steps * BATCH * SEQ) / run.seconds, finalLoss: loss };
}
