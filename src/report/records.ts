/**
 * The lines of `metrics.jsonl` and what a report is built from. A CLI run with `--out DIR` appends a
 * `run` line, one `epoch` line per epoch (and `step` lines within long epochs), then an `end` line;
 * a file may hold several runs, and a report shows the last.
 */

/** How the run was started and where: the first line of a run. */
export interface RunRecord {
  type: "run";
  model: string;
  dataset: string;
  /** The command line after `zendl`. */
  command: string[];
  seed: number;
  zendlVersion: string;
  backend: string;
  threads: number;
  machine: { cpu: string; cores: number; platform: string; node: string; memoryBytes: number };
  startedAt: string;
}

/** One epoch (or, for `step` lines, one point within an epoch). */
export interface EpochRecord {
  type: "epoch" | "step";
  epoch: number;
  /** Optimizer steps since the start of training. */
  step: number;
  /** Losses by name (`loss`, `valLoss`, `discriminatorLoss`, ...). */
  losses: Record<string, number>;
  /** Other figures by name (`accuracy`, `valAccuracy`, `valBitsPerChar`, `realScore`, ...). */
  metrics: Record<string, number>;
  /** Learning rate at the end of the epoch, when known. */
  lr?: number;
  /** Training samples (or, for text, characters) per second over the epoch. */
  samplesPerSecond?: number;
  /** Seconds since the run started. */
  wallSeconds: number;
}

/** The end of a run: the result `--json` prints, and the total time. */
export interface EndRecord {
  type: "end";
  result: Record<string, unknown>;
  wallSeconds: number;
}

export type MetricsLine = RunRecord | EpochRecord | EndRecord;

/** One row of a model summary, as stored for the report (see `nn.ModelSummary`). */
export interface SummaryTableRow { name: string; type: string; depth: number; outputShapes: number[][] | null;
  parameters: number }

export interface SummaryTable {
  rows: SummaryTableRow[];
  totalParameters: number;
  trainableParameters: number;
  parameterBytes: number;
  inputShape: number[] | null;
}

/** A grey or RGB picture as values in [0, 1], row-major, channels first. */
export interface PixelImage { width: number; height: number; channels: 1 | 3; pixels: number[] }

/** A wrong prediction of the test set. */
export interface Mistake { index: number; trueLabel: number; predicted: number; confidence: number;
  image: PixelImage | null }

export interface ClassificationSection {
  labels: number[];
  names: string[];
  confusion: number[][];
  perClass: Array<{ precision: number; recall: number; f1: number; support: number }>;
  macroAvg: { precision: number; recall: number; f1: number; support: number };
  weightedAvg: { precision: number; recall: number; f1: number; support: number };
  accuracy: number;
  topKAccuracy?: { k: number; value: number };
  /** The most confident mistakes first. */
  mistakes: Mistake[];
}

/** A picture the run wrote (PNG), inlined as a data URI. */
export interface Figure {
  title: string; caption: string; src: string;
  /** Width to show it at, in CSS pixels (small pictures are enlarged); its natural width when absent. */
  width?: number;
}

/** Everything a report page shows; built by the CLI from a run folder, rendered by `renderReport`. */
export interface ReportData {
  title: string;
  run: RunRecord | null;
  epochs: EpochRecord[];
  steps: EpochRecord[];
  end: EndRecord | null;
  summary: SummaryTable | null;
  classification: ClassificationSection | null;
  /** GAN sample grids, one per shown epoch. */
  samplesByEpoch: Array<{ epoch: number; src: string }>;
  figures: Figure[];
  /** A char-LSTM's generated text and how it was made. */
  textSample: { text: string; temperature: number; seed: number } | null;
  /** Problems met while gathering the data (a missing file), shown on the page rather than thrown. */
  notes: string[];
}

/** Splits a metrics.jsonl text into the lines of its last run; bad lines are reported, not fatal. */
export function parseMetricsLines(text: string): { lines: MetricsLine[]; errors: string[] } {
  const runs: MetricsLine[][] = [[]];
  const errors: string[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      const line = JSON.parse(raw) as MetricsLine;
      if (line.type === "run" && runs.at(-1)!.length > 0) runs.push([]);
      runs.at(-1)!.push(line);
    } catch {
      errors.push(`metrics.jsonl line ${i + 1} is not JSON`);
    }
  });
  return { lines: runs.at(-1)!, errors };
}
