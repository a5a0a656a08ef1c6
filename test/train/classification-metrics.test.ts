// zd.metrics against scikit-learn (fixtures: /usr/bin/python3 tools/make-metrics-fixtures.py).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { loadFixture } from "../helpers/fixtures.js";

const cases = loadFixture("metrics") as unknown as Record<string, Record<string, unknown>>;
const close = (a: number, b: number, what: string): void =>
  assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs scikit-learn ${b}`);

interface ReportCase {
  yTrue: number[]; yPred: number[]; labels: number[]; confusion: number[][]; precision: number[];
  recall: number[]; f1: number[]; support: number[]; accuracy: number; fixedLabels?: boolean;
  macro: Record<string, number>; weighted: Record<string, number>;
}

for (const name of ["report_random", "report_zero_division", "report_labels_subset"]) {
  test(`classification report and confusion matrix match scikit-learn: ${name}`, () => {
    const c = cases[name] as unknown as ReportCase;
    const options = c.fixedLabels ? { labels: c.labels } : {};
    assert.deepEqual(zd.metrics.confusionMatrix(c.yTrue, c.yPred, options), c.confusion);
    const report = zd.metrics.classificationReport(zd.tensor(c.yTrue, { dtype: "int32" }), c.yPred, options);
    assert.deepEqual(report.labels, c.labels);
    assert.deepEqual(report.confusion, c.confusion);
    report.perClass.forEach((s, i) => {
      close(s.precision, c.precision[i], `precision[${i}]`);
      close(s.recall, c.recall[i], `recall[${i}]`);
      close(s.f1, c.f1[i], `f1[${i}]`);
      assert.equal(s.support, c.support[i]);
    });
    if (!c.fixedLabels) close(report.accuracy, c.accuracy, "accuracy");
    for (const [mine, theirs] of [[report.macroAvg, c.macro], [report.weightedAvg, c.weighted]] as const) {
      close(mine.precision, theirs.precision, "avg precision");
      close(mine.recall, theirs.recall, "avg recall");
      close(mine.f1, theirs["f1-score"], "avg f1");
      assert.equal(mine.support, theirs.support);
    }
    const text = zd.metrics.formatClassificationReport(report);
    assert.match(text, /precision\s+recall\s+f1-score\s+support/);
    assert.match(text, /macro avg/);
    assert.equal(text.split("\n").length, c.labels.length + 6);
  });
}

test("scores [N, K] are reduced by arg-max; mismatched lengths are refused", () => {
  const scores = zd.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]);
  assert.deepEqual(zd.metrics.confusionMatrix([1, 0, 0], scores), [[1, 1], [0, 1]]);
  assert.throws(() => zd.metrics.confusionMatrix([0, 1], [0]), /yTrue has 2 labels but yPred has 1/);
  assert.throws(() => zd.metrics.confusionMatrix([0.5], [0]), /integer labels; yTrue\[0\] is 0.5/);
});

for (const k of [1, 2, 3]) {
  test(`topKAccuracy matches scikit-learn's top_k_accuracy_score, k = ${k}`, () => {
    const c = cases[`top_k_${k}`] as { scores: number[][]; yTrue: number[]; value: number };
    close(zd.metrics.topKAccuracy(zd.tensor(c.scores, { dtype: "float64" }), c.yTrue, k), c.value, "top-k");
  });
}

test("topKAccuracy checks its inputs", () => {
  assert.throws(() => zd.metrics.topKAccuracy(zd.tensor([1, 2]), [0], 1),
    /\[samples, classes\] tensor, got \[2\]/);
  assert.throws(() => zd.metrics.topKAccuracy(zd.tensor([[1, 2]]), [5], 1), /label 5 at 0 is outside/);
  assert.throws(() => zd.metrics.topKAccuracy(zd.tensor([[1, 2]]), [0], 0), /k must be an integer >= 1/);
});

test("meanSquaredError and meanAbsoluteError match scikit-learn", () => {
  const c = cases.regression as { prediction: number[][]; target: number[][]; mse: number; mae: number };
  const p = zd.tensor(c.prediction, { dtype: "float64" }), t = zd.tensor(c.target, { dtype: "float64" });
  close(zd.metrics.meanSquaredError(p, t), c.mse, "mse");
  close(zd.metrics.meanAbsoluteError(p, t), c.mae, "mae");
  close(zd.metrics.meanAbsoluteError(c.prediction.flat(), c.target.flat()), c.mae, "mae on arrays");
  assert.throws(() => zd.metrics.meanSquaredError([1, 2], [1]), /prediction has 2 values and target 1/);
});
