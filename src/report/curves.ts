/**
 * The per-epoch charts of a run: losses, accuracies, other figures grouped by unit, the learning rate
 * and the throughput, each only when the run logged it.
 */
import { lineChart, type Series } from "./chart.js";
import type { EpochRecord, RunRecord } from "./records.js";

/** What the loss of each model family measures, for the y-axis label. */
const LOSS_UNITS: Array<[RegExp, string]> = [
  [/char-lstm/, "cross-entropy (nats per character)"],
  [/^gan$/, "binary cross-entropy"],
  [/autoencoder/, "mean squared error"],
  [/rbm/, "reconstruction error"],
  [/^(mlp|lenet5|cnn|mobilenet|resnet|lstm|gru|dbn|rbf|perceptron)$/, "cross-entropy (nats)"],
];

const NAMES: Record<string, string> = {
  loss: "training", valLoss: "validation", discriminatorLoss: "discriminator", generatorLoss: "generator",
  accuracy: "training", valAccuracy: "validation", realScore: "D(real images)", fakeScore: "D(generated)",
  trainBitsPerChar: "training", valBitsPerChar: "validation",
};

/** `valBitsPerChar` -> "val bits per char" unless named above. */
export function seriesName(key: string): string {
  const baseline = /^baseline([A-Z])(.*)$/.exec(key);
  if (baseline !== null && NAMES[baseline[1].toLowerCase() + baseline[2]] !== undefined) {
    return `baseline, ${NAMES[baseline[1].toLowerCase() + baseline[2]]}`;
  }
  return NAMES[key] ?? key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

function series(records: EpochRecord[], key: string, from: "losses" | "metrics", x: "epoch" | "step"):
  Series {
  const points = records.filter((r) => r[from][key] !== undefined)
    .map((r): [number, number] => [r[x], r[from][key]]);
  return { name: seriesName(key), points, dashed: /^(val|test)|(Val|Test)[A-Z]/.test(key) };
}

function keysOf(records: EpochRecord[], from: "losses" | "metrics"): string[] {
  const keys = new Set<string>();
  for (const r of records) for (const k of Object.keys(r[from])) keys.add(k);
  return [...keys];
}

/** Metric groups with one chart each: a test on the key, the chart title and its y-axis label. */
const GROUPS: Array<{ test: RegExp; title: string; yLabel: string; percent?: boolean }> = [
  { test: /accuracy/i, title: "Accuracy", yLabel: "accuracy (% of samples)", percent: true },
  { test: /bitsperchar/i, title: "Bits per character", yLabel: "bits per character" },
  { test: /score$/i, title: "Discriminator output", yLabel: "mean probability of 'real'" },
  { test: /mistakes/i, title: "Training mistakes", yLabel: "misclassified training samples" },
  { test: /likelihood/i, title: "Pseudo-log-likelihood", yLabel: "nats per sample (higher is better)" },
];

export interface Chart { id: string; svg: string }

/** Every chart the epoch (and step) records support. */
export function curveCharts(run: RunRecord | null, epochs: EpochRecord[], steps: EpochRecord[]): Chart[] {
  const charts: Chart[] = [];
  if (epochs.length === 0) return charts;
  const model = run?.model ?? "";
  const lossUnit = LOSS_UNITS.find(([re]) => re.test(model))?.[1] ?? "loss";
  const lossKeys = keysOf(epochs, "losses");
  if (steps.length > 1) {
    // training loss as it went, with each epoch's held-out loss at the step where it was measured
    const held = lossKeys.filter((k) => /^val/.test(k)).map((k) => series(epochs, k, "losses", "step"));
    charts.push({ id: "step-loss", svg: lineChart({ title: "Loss by step", xLabel: "optimizer step",
      yLabel: lossUnit, series: [...keysOf(steps, "losses").map((k) => series(steps, k, "losses", "step")),
        ...held] }) });
    // a single epoch is one point per chart: the step chart and the cards say more
    if (epochs.length < 2) return charts;
  }
  if (lossKeys.length > 0) {
    charts.push({ id: "loss", svg: lineChart({ title: "Loss per epoch", xLabel: "epoch", yLabel: lossUnit,
      series: lossKeys.map((k) => series(epochs, k, "losses", "epoch")) }) });
  }
  const metricKeys = keysOf(epochs, "metrics");
  const used = new Set<string>();
  for (const group of GROUPS) {
    const keys = metricKeys.filter((k) => group.test.test(k));
    if (keys.length === 0) continue;
    keys.forEach((k) => used.add(k));
    const all = keys.flatMap((k) => epochs.map((r) => r.metrics[k]).filter((v) => v !== undefined));
    const yDomain: [number, number] | undefined = group.percent
      ? [Math.max(0, Math.floor(Math.min(...all) * 10) / 10), 1] : undefined;
    charts.push({ id: group.title.toLowerCase().replace(/\W+/g, "-"), svg: lineChart({ title: group.title,
      xLabel: "epoch", yLabel: group.yLabel, percent: group.percent, yDomain,
      series: keys.map((k) => series(epochs, k, "metrics", "epoch")) }) });
  }
  const rest = metricKeys.filter((k) => !used.has(k));
  if (rest.length > 0) {
    charts.push({ id: "other-metrics", svg: lineChart({ title: "Other metrics", xLabel: "epoch",
      yLabel: "value",
      series: rest.map((k) => series(epochs, k, "metrics", "epoch")) }) });
  }
  const lr = epochs.filter((r) => r.lr !== undefined).map((r): [number, number] => [r.epoch, r.lr!]);
  if (lr.length > 0) {
    charts.push({ id: "learning-rate", svg: lineChart({ title: "Learning rate", xLabel: "epoch",
      yLabel: "learning rate", yDomain: [0, Math.max(...lr.map((p) => p[1])) * 1.25],
      series: [{ name: "learning rate", points: lr }] }) });
  }
  const speed = epochs.filter((r) => r.samplesPerSecond !== undefined)
    .map((r): [number, number] => [r.epoch, r.samplesPerSecond!]);
  if (speed.length > 0) {
    const unit = model === "char-lstm" ? "characters per second" : "samples per second";
    charts.push({ id: "throughput", svg: lineChart({ title: "Throughput", xLabel: "epoch", yLabel: unit,
      yDomain: [0, Math.max(...speed.map((p) => p[1]))], series: [{ name: unit, points: speed }] }) });
  }
  return charts;
}
