import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";

const { BernoulliRBM, rbmFreeEnergy } = zd.models;
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

const W = [[0.5, -0.2, 0.1], [-0.3, 0.4, 0.2]];
const B = [0.1, -0.1, 0];
const C = [0, 0.2];

/** An RBM with 3 visible and 2 hidden units and the weights above. */
function smallRbm(options: zd.models.BernoulliRBMOptions = {}): zd.models.BernoulliRBM {
  const rbm = new BernoulliRBM({ nComponents: 2, nFeatures: 3, randomState: 0, ...options });
  rbm.weight!.assign(zd.tensor(W));
  rbm.visibleBias!.assign(zd.tensor(B));
  rbm.hiddenBias!.assign(zd.tensor(C));
  return rbm;
}

test("free energy equals -log sum_h exp(-E(v, h)) by enumerating the hidden states", () => {
  const rbm = smallRbm();
  const visibles = [[1, 0, 1], [0, 0, 0], [1, 1, 1], [0, 1, 0]];
  const expected = visibles.map((v) => {
    let total = 0;
    for (const h of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      let negEnergy = 0;
      for (let i = 0; i < 3; i++) negEnergy += B[i] * v[i];
      for (let j = 0; j < 2; j++) {
        negEnergy += C[j] * h[j];
        for (let i = 0; i < 3; i++) negEnergy += h[j] * W[j][i] * v[i];
      }
      total += Math.exp(negEnergy);
    }
    return -Math.log(total);
  });
  assertClose(rbm.freeEnergy(zd.tensor(visibles)), expected, { atol: 1e-6 });
});

test("free-energy gradients match finite differences in float64 (weights, biases and inputs)", () => {
  const previous = zd.getBackend();
  zd.setBackend("js");
  try {
    const g = (shape: number[], seed: number): zd.Tensor => zd.tensor(
      zd.randn(shape, { seed, dtype: "float64" }).mul(0.5).dataSync(),
      { shape, dtype: "float64", requiresGrad: true });
    const v = zd.rand([4, 3], { seed: 1, dtype: "float64", requiresGrad: true });
    const inputs = [v, g([2, 3], 2), g([3], 3), g([2], 4)];
    assert.ok(zd.gradcheck((a, w, b, c) => rbmFreeEnergy(a, w, b, c), inputs));
  } finally {
    zd.setBackend(previous);
  }
});

test("the CD gradient written to .grad equals autograd's gradient of mean F(v+) - mean F(v-)", () => {
  const rbm = new BernoulliRBM({ nComponents: 5, nFeatures: 7, randomState: 3 });
  rbm.weight!.assign(zd.randn([5, 7], { seed: 4 }).mul(0.3));
  rbm.hiddenBias!.assign(zd.randn([5], { seed: 5 }).mul(0.3));
  const positive = zd.rand([6, 7], { seed: 6 }).gt(0.5);
  const negative = zd.rand([4, 7], { seed: 7 }).gt(0.5);
  rbm.freeEnergy(positive).mean().sub(rbm.freeEnergy(negative).mean()).backward();
  const autograd = rbm.parameters().map((p) => p.grad!.clone());
  rbm.zeroGrad();
  rbm.writeCdGradients(positive, negative);
  rbm.parameters().forEach((p, i) => {
    assertClose(p.grad!, autograd[i], { atol: 1e-6, label: `parameter ${i}` });
  });
});

test("CD-1 update by hand with fixed hidden and visible samples, applied by a normal SGD optimizer", () => {
  const rbm = smallRbm();
  const lr = 0.1;
  const v0 = [[1, 0, 1], [0, 1, 1]];
  const h0 = [[1, 0], [0, 1]];          // the hidden samples drawn from P(h | v0)
  const v1 = [[1, 0, 0], [0, 1, 0]];    // the visible samples drawn from P(v | h0)
  // P(v = 1 | h0) = sigmoid(W^T h0 + b): the distribution v1 was drawn from.
  const pv = h0.map((h) => B.map((b, i) => sigmoid(b + h[0] * W[0][i] + h[1] * W[1][i])));
  assertClose(rbm.meanVisibles(zd.tensor(h0)), zd.tensor(pv), { atol: 1e-6 });
  // P(h = 1 | v) = sigmoid(W v + c) for the data and the reconstruction.
  const ph = (v: number[]): number[] =>
    C.map((c, j) => sigmoid(c + W[j][0] * v[0] + W[j][1] * v[1] + W[j][2] * v[2]));
  const ph0 = v0.map(ph), ph1 = v1.map(ph);
  // Updates: W += lr * mean(ph0 v0^T - ph1 v1^T), b += lr * mean(v0 - v1), c += lr * mean(ph0 - ph1).
  const newW = W.map((row, j) => row.map((w, i) =>
    w + lr * (ph0[0][j] * v0[0][i] + ph0[1][j] * v0[1][i]
      - ph1[0][j] * v1[0][i] - ph1[1][j] * v1[1][i]) / 2));
  const newB = B.map((b, i) => b + lr * (v0[0][i] + v0[1][i] - v1[0][i] - v1[1][i]) / 2);
  const newC = C.map((c, j) => c + lr * (ph0[0][j] + ph0[1][j] - ph1[0][j] - ph1[1][j]) / 2);
  const optimizer = new zd.optim.SGD(rbm.parameters(), { lr });
  optimizer.zeroGrad();
  rbm.writeCdGradients(zd.tensor(v0), zd.tensor(v1));
  optimizer.step();
  assertClose(rbm.weight!, zd.tensor(newW), { atol: 1e-6, label: "W" });
  assertClose(rbm.visibleBias!, newB, { atol: 1e-6, label: "b" });
  assertClose(rbm.hiddenBias!, newC, { atol: 1e-6, label: "c" });
});

/** Exact mean log-likelihood of rows of 4 binary values, normalising over all 16 visible states. */
function exactLogLikelihood(rbm: zd.models.BernoulliRBM, data: number[][]): number {
  const states = Array.from({ length: 16 }, (_, s) => [0, 1, 2, 3].map((i) => (s >> i) & 1));
  const logZ = rbm.freeEnergy(zd.tensor(states)).neg().logsumexp(0).item();
  return -rbm.freeEnergy(zd.tensor(data)).mean().item() - logZ;
}

test("CD-1 and persistent CD (by partialFit) raise the exact likelihood of a tiny data set", () => {
  const data = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? [1, 1, 0, 0] : [0, 0, 1, 1]));
  for (const persistent of [false, true]) {
    const rbm = new BernoulliRBM({ nComponents: 3, nFeatures: 4, learningRate: 0.1, persistent,
      randomState: 1 });
    // Weights of N(0, 0.5²) rather than 0.01: from near zero, the symmetric start takes hundreds of updates.
    rbm.weight!.assign(zd.randn([3, 4], { seed: 1 }).mul(0.5));
    const before = exactLogLikelihood(rbm, data), errorBefore = rbm.reconstructionError(data);
    for (let epoch = 0; epoch < 50; epoch++) {
      for (let start = 0; start < 40; start += 10) rbm.partialFit(data.slice(start, start + 10));
    }
    const after = exactLogLikelihood(rbm, data), errorAfter = rbm.reconstructionError(data);
    // Uniform over 16 states is -2.77; the best possible (two equally likely patterns) is -0.69.
    assert.ok(before < -2.7 && after > -1.8,
      `persistent ${persistent}: log-likelihood ${before} -> ${after}`);
    assert.ok(errorAfter < errorBefore / 2, `reconstruction error ${errorBefore} -> ${errorAfter}`);
  }
});

test("BernoulliRBM on digits: monitoring improves, Gibbs samples are binary, save/load work", async () => {
  const { x } = zd.data.loadDigits();
  const pixels = x.slice(0, 0, 600).div(16);
  const rbm = new BernoulliRBM({ nComponents: 32, nIter: 4, learningRate: 0.05, randomState: 0 }).fit(pixels);
  assert.equal(rbm.history.length, 4);
  assert.ok(rbm.history[3].reconstructionError < rbm.history[0].reconstructionError);
  const untrained = new BernoulliRBM({ nComponents: 32, nFeatures: 64, randomState: 0 });
  const pl = rbm.pseudoLogLikelihood(pixels), plUntrained = untrained.pseudoLogLikelihood(pixels);
  assert.ok(pl > plUntrained + 5, `pseudo-log-likelihood ${plUntrained} untrained, ${pl} trained`);
  assert.deepEqual(rbm.scoreSamples(pixels).shape, [600]);
  assert.deepEqual(rbm.transform(pixels).shape, [600, 32]);
  const sample = rbm.gibbs(pixels.slice(0, 0, 5));
  assert.deepEqual(sample.shape, [5, 64]);
  assert.ok(Array.from(sample.dataSync()).every((value) => value === 0 || value === 1));

  const path = join(mkdtempSync(join(tmpdir(), "zendl-rbm-")), "rbm.safetensors");
  await zd.save(rbm, path);
  const loaded = await zd.load(path);
  assert.ok(loaded instanceof BernoulliRBM);
  assert.equal(loaded.nComponents, 32);
  assertClose(loaded.transform(pixels), rbm.transform(pixels), { atol: 1e-7 });
});

test("BernoulliRBM validates its options and inputs", () => {
  assert.throws(() => new BernoulliRBM({ nComponents: 0 }),
    /BernoulliRBM: nComponents must be a positive integer, got 0/);
  assert.throws(() => new BernoulliRBM({ k: 0 }), /BernoulliRBM: k must be a positive integer, got 0/);
  assert.throws(() => new BernoulliRBM({ learningRate: -1 }),
    /learningRate must be a positive number, got -1/);
  assert.throws(() => new BernoulliRBM({ optimizer: "rmsprop" as "sgd" }),
    /optimizer must be "sgd" or "adam", got "rmsprop"/);
  const rbm = new BernoulliRBM({ nComponents: 4 });
  assert.throws(() => rbm.transform([[0, 1]]),
    /BernoulliRBM: call fit\(\) \(or pass nFeatures\) before using the model/);
  assert.throws(() => rbm.fit([[0, 16], [3, 1]]),
    /BernoulliRBM: X must hold values in \[0, 1\] \(binary or probabilities\), got min 0 and max 16/);
  assert.throws(() => rbm.fit([[0, -0.5]]), /got min -0.5 and max 0/);
  rbm.fit([[0, 1], [1, 0]]);
  assert.throws(() => rbm.transform([[0, 1, 1]]),
    /BernoulliRBM: X has 3 features, but the model was fitted with 2/);
});
