import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";

const { hingeLoss } = zd.nn.functional;

test("hingeLoss is max(0, margin - y·x) with ±1 or 0/1 targets", () => {
  const scores = zd.tensor([2, 0.5, -0.3, -2]);
  const none = hingeLoss(scores, zd.tensor([1, 1, -1, 1]), { reduction: "none" }).toArray() as number[];
  [0, 0.5, 0.7, 3].forEach((v, i) => assert.ok(Math.abs(none[i] - v) < 1e-6, `${none}`));
  const fromBinary = hingeLoss(scores, zd.tensor([1, 1, 0, 1])).item();
  assert.ok(Math.abs(fromBinary - 4.2 / 4) < 1e-6);
  assert.ok(Math.abs(
    hingeLoss(scores, zd.tensor([1, 1, -1, 1]), { reduction: "sum", margin: 2 }).item() - 7.2) < 1e-5);
});

test("hingeLoss gradient passes the float64 gradcheck and errors are clear", () => {
  const x = zd.tensor([0.3, -1.2, 2.5, 0.1, -0.4], { dtype: "float64", requiresGrad: true });
  const y = zd.tensor([1, -1, -1, 1, 1], { dtype: "float64" });
  for (const reduction of ["mean", "sum", "none"] as const) {
    assert.ok(zd.gradcheck((s) => hingeLoss(s, y, { reduction }), [x]));
  }
  assert.throws(() => hingeLoss(zd.tensor([1, 2]), zd.tensor([1, 2])),
    /hingeLoss: targets must be -1\/1 \(or 0\/1\), found 2/);
  assert.throws(() => hingeLoss(zd.tensor([1, 2]), zd.tensor([1])), /hingeLoss/);
  assert.throws(() => hingeLoss(zd.tensor([1]), zd.tensor([1]), { margin: -1 }), /hingeLoss: margin/);
});
