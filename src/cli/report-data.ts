/**
 * Gathers what a run folder holds for its report: `metrics.jsonl`, the model file (its summary, and for
 * classifiers the test-set predictions), the PNG figures the trainers wrote, and a char-LSTM's text.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "../core/tensor.js";
import { load } from "../io/checkpoint.js";
import { GAN } from "../models/gan.js";
import { Autoencoder } from "../models/autoencoder.js";
import { CharLSTM } from "../models/char-lstm.js";
import type { AnyModule } from "../nn/module.js";
import type { ModelSummary } from "../nn/summary.js";
import { parseMetricsLines, type ClassificationSection, type EndRecord, type EpochRecord, type Mistake,
  type PixelImage, type ReportData, type RunRecord, type SummaryTable } from "../report/records.js";
import { classificationReport, topKAccuracy } from "../train/classification-metrics.js";
import { sampleCommand } from "./commands/sample.js";
import { readMetadata } from "./model-file.js";
import type { RunLog } from "./run-log.js";
import { predictTestSet, probabilities, type TestPredictions } from "./test-predictions.js";

const MISTAKES_SHOWN = 24;

/** Class names of the data sets that have them (the CLI's labels are class indices). */
const CLASS_NAMES: Record<string, string[]> = {
  "fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
    "Bag", "Ankle boot"],
};
CLASS_NAMES["fashion-mnist-subset"] = CLASS_NAMES["fashion-mnist"];
const SAMPLE_GRIDS_SHOWN = 8;

/** Known pictures of the trainers, with what they show. */
const FIGURES: Array<[string, string, string]> = [
  ["reconstructions.png", "Reconstructions", "test images (top) and the autoencoder's reconstructions " +
    "(with --noise: originals, noisy inputs, reconstructions)."],
  ["filters.png", "Filters",
    "the first layer's weights of each hidden unit, each stretched to black–white."],
  ["samples.png", "Gibbs samples", "test images, then P(v | h) after 1, 10, 100 and 1000 Gibbs steps."],
  ["centers.png", "RBF centres", "the k-means centres of the RBF units."],
];

function picture(pictures: Tensor, index: number): PixelImage {
  const [, c, h, w] = pictures.shape;
  const values = Array.from(pictures.slice(0, index, index + 1).dataSync());
  let low = Infinity, high = -Infinity;
  for (const v of values) { low = Math.min(low, v); high = Math.max(high, v); }
  const span = high - low || 1;
  return { width: w, height: h, channels: c === 3 ? 3 : 1, pixels: values.map((v) => (v - low) / span) };
}

/** The confusion matrix, per-class table, top-3 accuracy and the most confident mistakes. */
export function classificationSection(p: TestPredictions): ClassificationSection {
  const report = classificationReport(p.yTrue, p.scores, { labels: p.info.classes.map((_, i) => i) });
  const proba = probabilities(p.scores);
  const k = p.scores.shape[1];
  const probs = proba.dataSync(), truth = Array.from(p.yTrue.dataSync(), Number);
  const mistakes: Mistake[] = [];
  for (let i = 0; i < truth.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    if (best !== truth[i]) mistakes.push({ index: i, trueLabel: truth[i], predicted: best,
      confidence: probs[i * k + best], image: null });
  }
  mistakes.sort((a, b) => b.confidence - a.confidence);
  const shown = mistakes.slice(0, MISTAKES_SHOWN);
  if (p.pictures !== null) for (const m of shown) m.image = picture(p.pictures, m.index);
  return {
    labels: report.labels, confusion: report.confusion,
    names: p.info.classes.map((c, i) => CLASS_NAMES[p.dataset]?.[i] ?? String(c)),
    perClass: report.perClass, macroAvg: report.macroAvg, weightedAvg: report.weightedAvg,
    accuracy: report.accuracy, mistakes: shown,
    ...(k > 3 ? { topKAccuracy: { k: 3, value: topKAccuracy(p.scores, p.yTrue, 3) } } : {}),
  };
}

/**
 * The input a model file's model takes (batch 1), from the metadata the CLI wrote or the model's type;
 * null when unknown.
 */
export function inputOf(model: AnyModule, metadata: Record<string, string>):
  { shape: number[] | null; dtype: "float32" | "int32" } {
  const scaler = metadata["cli.scaler"];
  if (scaler !== undefined) {
    return { shape: [1, (JSON.parse(scaler) as { mean: number[] }).mean.length], dtype: "float32" };
  }
  // both image data sets of the CLI are 28×28 grey pictures
  if (metadata["cli.input"] === "images") return { shape: [1, 1, 28, 28], dtype: "float32" };
  if (model instanceof GAN) return { shape: [1, model.latentSize], dtype: "float32" };
  if (model instanceof Autoencoder) return { shape: [1, ...model.inputShape], dtype: "float32" };
  if (model instanceof CharLSTM) return { shape: [1, 32], dtype: "int32" };
  return { shape: null, dtype: "float32" };
}

/** `model.summary` on its input; without output shapes (and a note why) when the model cannot take it. */
export function summarizeModel(model: AnyModule,
  input: { shape: number[] | null; dtype: "float32" | "int32" }):
  { summary: ModelSummary; note: string | null } {
  try {
    return { summary: model.summary(input.shape ?? undefined, { dtype: input.dtype }), note: null };
  } catch (error) {
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { summary: model.summary(), note: `model summary without output shapes: ${why}` };
  }
}

function summaryTable(summary: ModelSummary): SummaryTable {
  return { rows: summary.rows.map((r) => ({ name: r.name, type: r.type, depth: r.depth,
    outputShapes: r.outputShapes, parameters: r.parameters })), totalParameters: summary.totalParameters,
  trainableParameters: summary.trainableParameters, parameterBytes: summary.parameterBytes,
  inputShape: summary.inputShape };
}

const dataUri = (path: string): string => `data:image/png;base64,${readFileSync(path).toString("base64")}`;

/** Up to eight grids, evenly spaced over the epochs, always with the last. */
function sampleGrids(dir: string): Array<{ epoch: number; src: string }> {
  const epochs = readdirSync(dir).map((f) => /^samples-epoch-(\d+)\.png$/.exec(f)).filter((m) => m !== null)
    .map((m) => Number(m[1])).sort((a, b) => a - b);
  if (epochs.length === 0) return [];
  const picks = new Set<number>();
  const n = Math.min(SAMPLE_GRIDS_SHOWN, epochs.length);
  for (let i = 0; i < n; i++) picks.add(epochs[Math.round((i * (epochs.length - 1)) / Math.max(1, n - 1))]);
  return [...picks].map((epoch) => ({ epoch, src: dataUri(join(dir, `samples-epoch-${epoch}.png`)) }));
}

function splitLines(text: string, notes: string[]):
  { run: RunRecord | null; epochs: EpochRecord[]; steps: EpochRecord[]; end: EndRecord | null } {
  const { lines, errors } = parseMetricsLines(text);
  notes.push(...errors);
  return {
    run: (lines.find((l) => l.type === "run") as RunRecord | undefined) ?? null,
    epochs: lines.filter((l): l is EpochRecord => l.type === "epoch"),
    steps: lines.filter((l): l is EpochRecord => l.type === "step"),
    end: (lines.find((l) => l.type === "end") as EndRecord | undefined) ?? null,
  };
}

function titleOf(run: RunRecord | null, fallback: string): string {
  return run === null ? fallback : `${run.model} on ${run.dataset}`;
}

/** The report of a finished (or interrupted) run folder. */
export async function gatherReport(dir: string): Promise<ReportData> {
  const notes: string[] = [];
  const metricsPath = join(dir, "metrics.jsonl");
  const records = existsSync(metricsPath) ? splitLines(readFileSync(metricsPath, "utf8"), notes)
    : { run: null, epochs: [], steps: [], end: null };
  if (!existsSync(metricsPath)) notes.push(`${metricsPath} is missing: no curves or run details`);
  const data: ReportData = { title: titleOf(records.run, dir), ...records, summary: null,
    classification: null,
    samplesByEpoch: existsSync(dir) ? sampleGrids(dir) : [], figures: [], textSample: null, notes };
  for (const [file, title, caption] of FIGURES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    // a PNG's width is the big-endian integer at bytes 16-19 (the IHDR chunk); small pictures shown twice
    const width = readFileSync(path).readUInt32BE(16);
    data.figures.push({ title, caption, src: dataUri(path), width: width < 400 ? 2 * width : width });
  }
  const modelPath = join(dir, "model.safetensors");
  if (!existsSync(modelPath)) {
    notes.push(`${modelPath} is missing: no model summary or test-set figures`);
    return data;
  }
  const metadata = await readMetadata(modelPath);
  const predictions = metadata["cli.classes"] === undefined ? null : await predictTestSet(modelPath);
  const model = predictions?.model ?? await load(modelPath);
  if (predictions !== null) data.classification = classificationSection(predictions);
  const { summary, note } = summarizeModel(model, inputOf(model, metadata));
  data.summary = summaryTable(summary);
  if (note !== null) notes.push(note);
  if (metadata["cli.input"] === "text") {
    const sample = { length: 400, temperature: 0.8, seed: 0 };
    data.textSample = { text: await sampleCommand(modelPath, sample), temperature: 0.8, seed: 0 };
  }
  return data;
}

/** What the dashboard shows while a run is being recorded. */
export function liveReportData(log: RunLog): ReportData {
  return { title: titleOf(log.run, "training"), run: log.run, epochs: log.epochs, steps: log.steps,
    end: log.end,
    summary: null, classification: null, samplesByEpoch: [], figures: [], textSample: null, notes: [] };
}
