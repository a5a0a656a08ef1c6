// Losses against the PyTorch fixtures (values and gradients), stability at extreme inputs, and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tensor, zeros } from "../../src/core/creation.js";
import type { Tensor } from "../../src/core/tensor.js";
import * as F from "../../src/nn/functional/index.js";
import { getArray, isArray, loadFixture, type FixtureValue } from "../helpers/fixtures.js";
import { assertAllFinite, assertClose, fromFixture } from "./loss-helpers.js";

type Options = Record<string, unknown>;
type LossFn = (input: Tensor, target: Tensor, options: Options) => Tensor;

const LOSSES: Record<string, LossFn> = {
  mse_loss: (i, t, o) => F.mseLoss(i, t, o),
  l1_loss: (i, t, o) => F.l1Loss(i, t, o),
  huber_loss: (i, t, o) => F.huberLoss(i, t, o),
  cross_entropy: (i, t, o) => F.crossEntropy(i, t, o),
  nll_loss: (i, t, o) => F.nllLoss(i, t, o),
  binary_cross_entropy: (i, t, o) => F.binaryCrossEntropy(i, t, o),
  binary_cross_entropy_with_logits: (i, t, o) => F.binaryCrossEntropyWithLogits(i, t, o),
  kl_div: (i, t, o) => F.klDiv(i, t, o as F.KlDivOptions),
  hinge_embedding_loss: (i, t, o) => F.hingeEmbeddingLoss(i, t, o),
  multi_margin_loss: (i, t, o) => F.multiMarginLoss(i, t, o),
};

const DATA_FIELDS = new Set(["op", "input", "target", "output", "gradOutput"]);

function optionsOf(c: Record<string, FixtureValue>): Options {
  const options: Options = {};
  for (const [key, value] of Object.entries(c)) {
    if (DATA_FIELDS.has(key) || key.startsWith("grad_")) continue;
    options[key] = isArray(value) ? fromFixture(value) : value;
  }
  return options;
}

const cases = loadFixture("losses");
test("fixtures cover every loss", () => {
  const ops = new Set(Object.values(cases).map((c) => c.op as string));
  assert.deepEqual([...ops].sort(), Object.keys(LOSSES).sort());
  assert.equal(Object.keys(cases).length, 77);
});

for (const [name, c] of Object.entries(cases)) {
  test(`fixture ${name}`, () => {
    const fn = LOSSES[c.op as string];
    const input = fromFixture(getArray(c, "input"), true);
    const targetFixture = getArray(c, "target");
    const target = fromFixture(targetFixture, c.grad_target !== undefined);
    const output = fn(input, target, optionsOf(c));
    assertClose(output, getArray(c, "output"), `${name} output`);
    output.backward(c.gradOutput === undefined ? undefined : fromFixture(getArray(c, "gradOutput")));
    assertClose(input.grad, getArray(c, "grad_input"), `${name} grad_input`);
    if (c.grad_target !== undefined) {
      assertClose(target.grad, getArray(c, "grad_target"), `${name} grad_target`);
    }
  });
}

const int32 = (values: number[]): Tensor => tensor(values, { dtype: "int32" });

test("crossEntropy stays finite for logits of ±1000", () => {
  const logits = tensor([[1000, -1000, 0], [-1000, 1000, 999]], { requiresGrad: true });
  const loss = F.crossEntropy(logits, int32([0, 2]));
  assertClose(loss, [0.5 * 1.3132617], "loss", 1e-4);
  loss.backward();
  assertAllFinite(logits.grad, "grad");
  const probs = F.crossEntropy(logits, tensor([[1, 0, 0], [0, 0.5, 0.5]]), { labelSmoothing: 0.2 });
  assertAllFinite(probs, "probability-target loss");
});

test("binaryCrossEntropyWithLogits at ±100 has exact values and finite gradients", () => {
  const x = tensor([100, -100, 100, -100], { requiresGrad: true });
  const t = tensor([1, 0, 0, 1]);
  const loss = F.binaryCrossEntropyWithLogits(x, t, { reduction: "none", posWeight: tensor([2]) });
  assertClose(loss, [0, 0, 100, 200], "loss");
  loss.sum().backward();
  // d/dx = (1-t) - (1 + (pw-1)·t)·σ(-x)
  assertClose(x.grad, [0, 0, 1, -2], "grad");
});

test("binaryCrossEntropy clamps log at -100 and keeps gradients finite at 0 and 1", () => {
  const p = tensor([0, 1, 0, 1], { requiresGrad: true });
  const loss = F.binaryCrossEntropy(p, tensor([1, 0, 0, 1]), { reduction: "none" });
  assertClose(loss, [100, 100, 0, 0], "loss");
  loss.sum().backward();
  assertAllFinite(p.grad, "grad");
});

test("klDiv with zero targets gives 0 loss there and finite gradients", () => {
  const logq = tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]).log().detach().requiresGrad_();
  const p = tensor([[0, 0.5, 0.5], [1, 0, 0]], { requiresGrad: true });
  const none = F.klDiv(logq, p, { reduction: "none" });
  assertClose(none.select(0, 0).select(0, 0), 0, "0·log 0");
  assertClose(none.select(0, 1).slice(0, 1), [0, 0], "row 2 zero terms", 1e-6);
  F.klDiv(logq, p, { reduction: "batchmean" }).backward();
  assertAllFinite(logq.grad, "grad input");
  assertAllFinite(p.grad, "grad target");
});

test("crossEntropy ignores every ignoreIndex target and handles [N, C, d] inputs", () => {
  const x = tensor([[[1, 2], [0, -1], [3, 0.5]], [[0.2, 0.1], [2, 2], [-1, 1]]], { requiresGrad: true });
  const t = int32([1, -1, 0, 2]).reshape([2, 2]);
  const ce = F.crossEntropy(x, t, { ignoreIndex: -1 });
  const manual = F.nllLoss(x.logSoftmax(1), t, { ignoreIndex: -1, reduction: "sum" }).div(3);
  assertClose(ce, manual.item(), "spatial mean");
  ce.backward();
  const g = x.grad!.toArray() as number[][][];
  assert.deepEqual([g[0][0][1], g[0][1][1], g[0][2][1]], [0, 0, 0]);
});

test("unbatched [C] input with a 0-d target", () => {
  const logits = tensor([0.5, 2, -1]);
  const single = F.crossEntropy(logits, tensor(1, { dtype: "int32" }), { reduction: "none" });
  assert.deepEqual(single.shape, []);
  assertClose(single, F.crossEntropy(logits.reshape([1, 3]), int32([1])).item(), "same as batch of one");
  const mm = F.multiMarginLoss(tensor([0.1, 0.2, 0.4, 0.8]), tensor(3, { dtype: "int32" }));
  assertClose(mm, 0.325, "multiMarginLoss docs example");
});

const logits = zeros([4, 5]);
const labels = int32([0, 1, 2, 3]);
const same = zeros([4, 3]);

test("errors: reduction, hyper-parameters", () => {
  assert.throws(() => F.mseLoss(same, same, { reduction: "avg" as F.Reduction }),
    /mseLoss: reduction must be "mean", "sum" or "none", got "avg"/);
  assert.throws(() => F.klDiv(same, same, { reduction: "batch" as F.KlDivReduction }),
    /klDiv: reduction must be "mean", "sum", "none" or "batchmean"/);
  assert.throws(() => F.huberLoss(same, same, { delta: -1 }), /huberLoss: delta must be .*> 0, got -1/);
  assert.throws(() => F.huberLoss(same, same, { delta: 0 }), /huberLoss: delta/);
  assert.throws(() => F.hingeEmbeddingLoss(same, same.add(1), { margin: -0.5 }),
    /hingeEmbeddingLoss: margin must be a non-negative number, got -0.5/);
  assert.throws(() => F.multiMarginLoss(logits, labels, { margin: -1 }), /multiMarginLoss: margin/);
  assert.throws(() => F.multiMarginLoss(logits, labels, { p: 3 as 1 }),
    /multiMarginLoss: p must be 1 or 2, got 3/);
  assert.throws(() => F.crossEntropy(logits, labels, { labelSmoothing: 1.5 }),
    /crossEntropy: labelSmoothing must be a number in \[0, 1\], got 1.5/);
  assert.throws(() => F.crossEntropy(logits, labels, { labelSmoothing: -0.1 }), /labelSmoothing/);
});

test("errors: class indices out of range name the loss, the value and C", () => {
  assert.throws(() => F.crossEntropy(logits, int32([0, 5, 1, 1])),
    /crossEntropy: target class 5 is out of range for 5 classes.*0 <= target < 5.*ignoreIndex -100/);
  assert.throws(() => F.nllLoss(logits, int32([0, -1, 1, 1])),
    /nllLoss: target class -1 is out of range for 5/);
  assert.throws(() => F.multiMarginLoss(logits, int32([9, 0, 1, 1])),
    /multiMarginLoss: target class 9 is out of range for 5 classes/);
  assert.doesNotThrow(() => F.nllLoss(logits, int32([0, -100, 1, 1])));
});

test("errors: shapes and dtypes", () => {
  assert.throws(() => F.mseLoss(same, zeros([4])), /mseLoss: input shape \[4,3\] and target shape \[4\]/);
  assert.throws(() => F.klDiv(same, zeros([3, 4])), /klDiv: input shape \[4,3\] and target shape \[3,4\]/);
  assert.throws(() => F.crossEntropy(logits, zeros([4])),
    /crossEntropy: class-index targets must be an int32 tensor, got float32.*target\.int\(\)/);
  assert.throws(() => F.crossEntropy(logits, int32([0, 1])),
    /crossEntropy: input shape \[4,5\] and int32 target shape \[2\] do not fit.*indices of shape \[4\]/);
  assert.throws(() => F.nllLoss(logits, zeros([4, 5])),
    /nllLoss: input shape \[4,5\] and float32 target shape \[4,5\] do not fit: expected int32 .*\[4\]$/);
  assert.throws(() => F.crossEntropy(logits, zeros([4, 5], { dtype: "int32" })),
    /crossEntropy: class-probability targets .* must be floating-point, got int32/);
  assert.throws(() => F.crossEntropy(logits, zeros([3, 5])),
    /crossEntropy: .*float32 target shape \[3,5\] do not fit.*\[4\], or float class probabilities .*\[4,5\]/);
  assert.throws(() => F.crossEntropy(labels, labels), /crossEntropy: input must be a floating-point tensor/);
  assert.throws(() => F.crossEntropy(zeros([]), labels), /crossEntropy: input must have a class dimension/);
  assert.throws(() => F.crossEntropy(logits, labels, { weight: zeros([4]) }),
    /crossEntropy: weight must have shape \[5\].*got \[4\]/);
  assert.throws(() => F.multiMarginLoss(zeros([2, 3, 4]), labels),
    /multiMarginLoss: input must be \[N, C\] or \[C\]/);
  assert.throws(() => F.binaryCrossEntropy(same, same, { weight: zeros([2]) }),
    /binaryCrossEntropy: weight of shape \[2\] does not broadcast to the input's shape \[4,3\]/);
  assert.throws(() => F.binaryCrossEntropyWithLogits(same, same, { posWeight: zeros([4, 1, 3]) }),
    /binaryCrossEntropyWithLogits: posWeight of shape \[4,1,3\] does not broadcast/);
});

test("errors: values a loss cannot take", () => {
  assert.throws(() => F.binaryCrossEntropy(tensor([0.5, 1.7]), tensor([1, 0])),
    /binaryCrossEntropy: input must hold probabilities in \[0, 1\], found 1.7.*WithLogits/);
  assert.throws(() => F.hingeEmbeddingLoss(tensor([0.5, 1]), tensor([1, 0])),
    /hingeEmbeddingLoss: targets must be 1 or -1, found 0/);
});
