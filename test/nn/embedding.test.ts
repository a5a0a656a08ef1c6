// Embedding and gradient clipping against PyTorch (tools/make-rnn-fixtures.py), and their errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";
import { getArray, loadFixture, type FixtureArray } from "../helpers/fixtures.js";
import { fromFixture } from "./loss-helpers.js";

for (const [name, c] of Object.entries(loadFixture("rnn-embedding"))) {
  test(`rnn-embedding fixture ${name}: lookup, gradient, renormalized weight`, () => {
    const emb = new nn.Embedding(c.numEmbeddings as number, c.embeddingDim as number, {
      paddingIdx: c.paddingIdx as number | null, maxNorm: c.maxNorm as number | null,
      normType: c.normType as number,
    });
    emb.loadStateDict({ weight: fromFixture(getArray(c, "weight")) });
    const out = emb.forward(fromFixture(getArray(c, "index")));
    assertClose(out, getArray(c, "output"), { rtol: 1e-5, atol: 1e-6, label: "output" });
    out.mul(fromFixture(getArray(c, "gradOutput"))).sum().backward();
    assertClose(emb.weight.grad!, getArray(c, "grad_weight"),
      { rtol: 1e-5, atol: 1e-6, label: "grad_weight" });
    assertClose(emb.weight, getArray(c, "weightAfter"), { rtol: 1e-5, atol: 1e-6, label: "weight after" });
  });
}

test("Embedding starts the padding vector at zero and rejects ids outside the vocabulary", () => {
  const emb = new nn.Embedding(65, 8, { paddingIdx: 0 });
  assert.equal(emb.weight.select(0, 0).abs().sum().item(), 0);
  assert.ok(emb.weight.select(0, 1).abs().sum().item() > 0);
  const ids = zd.tensor([[3, 70]], { dtype: "int32" });
  assert.throws(() => emb.forward(ids),
    /Embedding\(65, 8\): token id 70 \(at position 1 of an input of shape \[1,2\]\) is outside the vocab/);
  assert.throws(() => emb.forward(zd.tensor([1.5])),
    /Embedding\(65, 8\): token ids must be an int32 tensor, got float32/);
  assert.throws(() => new nn.Embedding(5, 2, { paddingIdx: 5 }),
    /paddingIdx must be an integer in \[-5, 5\)/);
});

const clipTensors = (arrays: FixtureArray[]): zd.Tensor[] => arrays.map((a) => {
  const p = zd.zeros(a.shape, { requiresGrad: true });
  p.grad = fromFixture(a);
  return p;
});

for (const [name, c] of Object.entries(loadFixture("rnn-clip"))) {
  test(`rnn-clip fixture ${name}`, () => {
    const params = clipTensors(c.grads as FixtureArray[]);
    const o = c.options as Record<string, number | string>;
    if (c.fn === "clip_grad_norm") {
      const normType = o.normType === "inf" ? Infinity : (o.normType as number | undefined);
      const total = nn.utils.clipGradNorm(params, o.maxNorm as number, { normType });
      assert.ok(Math.abs(total - (c.totalNorm as number)) < 1e-5 * (c.totalNorm as number), `${total}`);
    } else {
      nn.utils.clipGradValue(params, o.clipValue as number);
    }
    (c.after as FixtureArray[]).forEach((a, i) =>
      assertClose(params[i].grad!, a, { rtol: 1e-5, atol: 1e-7 }));
  });
}

test("clipGradNorm reports a non-finite norm when asked, and skips parameters without gradients", () => {
  const [a, b] = clipTensors([{ shape: [2], dtype: "float32", data: [3, 4] },
    { shape: [1], dtype: "float32", data: [0] }]);
  b.grad = null;
  assert.equal(nn.utils.clipGradNorm([a, b], 10), 5);
  a.grad = zd.tensor([NaN, 1]);
  assert.throws(() => nn.utils.clipGradNorm([a], 1, { errorIfNonfinite: true }),
    /clipGradNorm: the total 2-norm of the gradients of 1 parameters is NaN/);
  assert.throws(() => nn.utils.clipGradNorm([a], -1), /maxNorm must be a number >= 0, got -1/);
  assert.throws(() => nn.utils.clipGradValue([a], Number.NaN), /clipValue must be a number >= 0/);
});
