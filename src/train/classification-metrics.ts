/**
 * Classification and regression metrics on whole prediction sets, with scikit-learn's definitions
 * (`confusion_matrix`, `precision_recall_fscore_support`, `classification_report`,
 * `top_k_accuracy_score`, `mean_squared_error`, `mean_absolute_error`). Everything is counted in
 * doubles on the host: these run once per evaluation, not per step.
 */
import { noGrad } from "../core/autograd.js";
import { formatShape } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";

/** Labels as a tensor (1-D integer labels, or 2-D scores reduced by arg-max) or a plain array. */
export type LabelsLike = Tensor | ArrayLike<number>;

/** Precision, recall, F1 and support of one class, or an average over classes. */
export interface ClassScores { precision: number; recall: number; f1: number; support: number }

/** scikit-learn's `classification_report(output_dict=True)`, with the class labels kept as numbers. */
export interface ClassificationReport {
  labels: number[];
  /** One entry per label, in `labels` order. */
  perClass: ClassScores[];
  accuracy: number;
  /** Unweighted mean over classes. */
  macroAvg: ClassScores;
  /** Mean over classes weighted by support. */
  weightedAvg: ClassScores;
  /** `confusion[i][j]`: samples of true class `labels[i]` predicted as `labels[j]`. */
  confusion: number[][];
}

function toLabels(op: string, what: string, labels: LabelsLike): number[] {
  if (labels instanceof Tensor) {
    if (labels.ndim > 2) {
      throw new Error(`${op}: ${what} must be 1-D labels or [samples, classes] scores, got ` +
        formatShape(labels.shape));
    }
    const scores = labels.ndim === 2 && labels.shape[1] > 1;
    return Array.from(noGrad(() => (scores ? labels.argmax(-1) : labels)).dataSync(), Number);
  }
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number") {
    throw new Error(`${op}: ${what} must be a tensor or an array of class labels, got ${String(labels)}`);
  }
  const out = Array.from(labels, Number);
  const bad = out.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) throw new Error(`${op}: ${what} must hold integer labels; ${what}[${bad}] is ${out[bad]}`);
  return out;
}

function pairOfLabels(op: string, yTrue: LabelsLike, yPred: LabelsLike): [number[], number[]] {
  const t = toLabels(op, "yTrue", yTrue), p = toLabels(op, "yPred", yPred);
  if (t.length !== p.length) {
    throw new Error(`${op}: yTrue has ${t.length} labels but yPred has ${p.length}; they must match`);
  }
  if (t.length === 0) throw new Error(`${op}: no samples (yTrue and yPred are empty)`);
  return [t, p];
}

/** The sorted union of the labels present, unless `labels` fixes them (scikit-learn's `labels=`). */
function labelSet(t: number[], p: number[], labels?: number[]): number[] {
  if (labels !== undefined) {
    if (!Array.isArray(labels) || labels.length === 0 || labels.some((l) => !Number.isInteger(l))) {
      throw new Error(`labels must be a non-empty array of integers, got ${JSON.stringify(labels)}`);
    }
    return labels;
  }
  return [...new Set([...t, ...p])].sort((a, b) => a - b);
}

/**
 * Counts of (true, predicted) label pairs; rows are true classes. Labels outside `labels` are ignored.
 * @example
 * zd.metrics.confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2]); // [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
 */
export function confusionMatrix(yTrue: LabelsLike, yPred: LabelsLike, options: { labels?: number[] } = {}):
  number[][] {
  const [t, p] = pairOfLabels("confusionMatrix", yTrue, yPred);
  const labels = labelSet(t, p, options.labels);
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < t.length; i++) {
    const row = index.get(t[i]), col = index.get(p[i]);
    if (row !== undefined && col !== undefined) matrix[row][col]++;
  }
  return matrix;
}

// scikit-learn's zero_division default: a ratio with nothing to divide by counts as 0.
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Counted over all samples, so a label outside `labels` still makes a false positive or negative. */
function perClassScores(t: number[], p: number[], labels: number[]): ClassScores[] {
  return labels.map((k) => {
    let tp = 0, predicted = 0, support = 0;
    for (let i = 0; i < t.length; i++) {
      if (p[i] === k) predicted++;
      if (t[i] === k) { support++; if (p[i] === k) tp++; }
    }
    const precision = ratio(tp, predicted), recall = ratio(tp, support);
    return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
}

function average(scores: ClassScores[], weighted: boolean): ClassScores {
  const total = scores.reduce((s, c) => s + c.support, 0);
  const mean = (key: "precision" | "recall" | "f1"): number => weighted
    ? ratio(scores.reduce((s, c) => s + c[key] * c.support, 0), total)
    : scores.reduce((s, c) => s + c[key], 0) / scores.length;
  return { precision: mean("precision"), recall: mean("recall"), f1: mean("f1"), support: total };
}

/**
 * Per-class precision, recall, F1 and support, their macro and weighted averages, accuracy and the
 * confusion matrix: scikit-learn's `classification_report`.
 * @example
 * const report = zd.metrics.classificationReport(yTest, zd.predict(model, xTest));
 * report.macroAvg.f1; console.log(zd.metrics.formatClassificationReport(report));
 */
export function classificationReport(yTrue: LabelsLike, yPred: LabelsLike,
  options: { labels?: number[] } = {}):
  ClassificationReport {
  const [t, p] = pairOfLabels("classificationReport", yTrue, yPred);
  const labels = labelSet(t, p, options.labels);
  const confusion = confusionMatrix(t, p, { labels });
  const perClass = perClassScores(t, p, labels);
  let correct = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) correct++;
  return { labels, perClass, accuracy: correct / t.length, macroAvg: average(perClass, false),
    weightedAvg: average(perClass, true), confusion };
}

/**
 * The report as scikit-learn prints it: one row per class, then accuracy and the two averages.
 * @example console.log(zd.metrics.formatClassificationReport(report, { names: ["cat", "dog"] }));
 */
export function formatClassificationReport(report: ClassificationReport, options: { names?: string[] } = {}):
  string {
  const names = report.labels.map((l, i) => options.names?.[i] ?? String(l));
  const width = Math.max(12, ...names.map((n) => n.length));
  const num = (v: number): string => v.toFixed(4).padStart(10);
  const row = (name: string, s: ClassScores): string =>
    `${name.padStart(width)}${num(s.precision)}${num(s.recall)}${num(s.f1)}${String(s.support).padStart(10)}`;
  const total = report.weightedAvg.support;
  return [
    `${"".padStart(width)}${"precision".padStart(10)}${"recall".padStart(10)}${"f1-score".padStart(10)}` +
      `${"support".padStart(10)}`,
    "",
    ...report.perClass.map((s, i) => row(names[i], s)),
    "",
    `${"accuracy".padStart(width)}${"".padStart(20)}${num(report.accuracy)}${String(total).padStart(10)}`,
    row("macro avg", report.macroAvg),
    row("weighted avg", report.weightedAvg),
  ].join("\n");
}

/**
 * Share of samples whose true label is among the `k` highest scores (scikit-learn's
 * `top_k_accuracy_score`; scores [samples, classes], class `j` is column `j`).
 * @example zd.metrics.topKAccuracy(logits, yTest, 3);
 */
export function topKAccuracy(scores: Tensor, yTrue: LabelsLike, k = 5): number {
  if (!(scores instanceof Tensor) || scores.ndim !== 2) {
    const got = scores instanceof Tensor ? formatShape(scores.shape) : typeof scores;
    throw new Error(`topKAccuracy: scores must be a [samples, classes] tensor, got ${got}`);
  }
  const [n, classes] = scores.shape;
  if (!Number.isInteger(k) || k < 1) throw new Error(`topKAccuracy: k must be an integer >= 1, got ${k}`);
  const t = toLabels("topKAccuracy", "yTrue", yTrue);
  if (t.length !== n) throw new Error(`topKAccuracy: ${n} rows of scores but ${t.length} labels`);
  const s = scores.dataSync();
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const label = t[i];
    if (label < 0 || label >= classes) {
      throw new Error(`topKAccuracy: label ${label} at ${i} is outside the ${classes} score columns`);
    }
    // the true class is in the top k when fewer than k classes score strictly higher
    const own = s[i * classes + label];
    let higher = 0;
    for (let c = 0; c < classes; c++) if (s[i * classes + c] > own) higher++;
    if (higher < k) hits++;
  }
  return hits / n;
}

type ValuesLike = Tensor | ArrayLike<number>;

function regressionPair(op: string, prediction: ValuesLike, target: ValuesLike):
  [ArrayLike<number>, ArrayLike<number>] {
  const flat = (v: Tensor | ArrayLike<number>): ArrayLike<number> => (v instanceof Tensor ? v.dataSync() : v);
  const p = flat(prediction), t = flat(target);
  if (p.length !== t.length || p.length === 0) {
    throw new Error(`${op}: prediction has ${p.length} values and target ${t.length}; need the same, > 0`);
  }
  return [p, t];
}

/**
 * Mean of squared differences over every value (scikit-learn's `mean_squared_error`, uniform over outputs).
 * @example zd.metrics.meanSquaredError(model.call(x), y);
 */
export function meanSquaredError(prediction: ValuesLike, target: ValuesLike): number {
  const [p, t] = regressionPair("meanSquaredError", prediction, target);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i] - t[i]) ** 2;
  return sum / p.length;
}

/**
 * Mean of absolute differences over every value (scikit-learn's `mean_absolute_error`).
 * @example zd.metrics.meanAbsoluteError([1, 2], [1, 4]); // 1
 */
export function meanAbsoluteError(prediction: ValuesLike, target: ValuesLike): number {
  const [p, t] = regressionPair("meanAbsoluteError", prediction, target);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i] - t[i]);
  return sum / p.length;
}
