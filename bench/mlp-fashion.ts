/**
 * Training throughput on Fashion-MNIST: a 784-256-10 ReLU MLP, Adam (lr 1e-3), batch 128, mean
 * cross-entropy, samples per second over up to 2 epochs of the 60,000 training images after a short
 * warm-up, for zendl (native where built, wasm; the js reference for a few steps, extrapolated), PyTorch and
 * TensorFlow.js (wasm, cpu). Test accuracy is reported as a sanity check.
 * Writes bench/results/mlp-fashion-<time>.json.
 */
import * as zd from "../src/index.js";
import { loadLine, machineLine, writeResult } from "./lib/env.js";
import { loadFashionData } from "./lib/fashion-data.js";
import {
  BATCH, runTfjsMlp, runZendlMlp, type MlpData, type MlpResult, type RunLimits,
} from "./lib/mlp-runners.js";
import { useBackend } from "./lib/backend.js";
import { loadTfjs, runPython, tfjsWasmFeatures } from "./lib/peers.js";
import { formatNumber, printTable, ratio } from "./lib/table.js";

const SEED = 0, EPOCHS = 2, WARMUP = 10, FULL_TRAIN = 60000;
/** zendl wasm and PyTorch run the whole job; the slow ones are cut short and extrapolated. */
let FULL: RunLimits = { epochs: EPOCHS, warmup: WARMUP, budgetSeconds: 30, seed: SEED };
let JS_REFERENCE: RunLimits = { ...FULL, warmup: 5, maxSteps: 100 };
let TFJS: RunLimits = { ...FULL, budgetSeconds: 20 };
/**
 * `--quick`: zendl (native, wasm) and PyTorch only (the js reference and TensorFlow.js rows take minutes).
 */
const QUICK = process.argv.includes("--quick");

/** `unavailable`: not installed or not loadable (a peer's normal state); `failed`: zendl broke mid-run. */
interface Row { result?: MlpResult; name: string; unavailable?: string; failed?: string }


function zendlRow(name: string, backend: string, data: MlpData, limits: RunLimits): Row {
  const unavailable = useBackend(backend);
  if (unavailable) return { name, unavailable };
  try {
    return { name, result: runZendlMlp(name, data, limits) };
  } catch (error) {
    return { name, failed: error instanceof Error ? error.stack ?? error.message : String(error) };
  }
}

async function tfjsRow(backend: "wasm" | "cpu", data: MlpData): Promise<Row> {
  const name = `tfjs-${backend} (minimize loop)`;
  const loaded = await loadTfjs(backend);
  if (!loaded.available) return { name, unavailable: loaded.reason };
  try {
    if (backend === "wasm") console.log(`  tfjs-wasm: ${tfjsWasmFeatures(loaded.value)}`);
    return { name, result: runTfjsMlp(name, loaded.value, data, TFJS) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { name, unavailable: `training failed: ${reason}` };
  }
}

function pytorchRow(files: Record<string, string>, threads: number, budgetSeconds: number): Row {
  const args = [files.trainImages, files.trainLabels, files.testImages, files.testLabels,
    ...[FULL.epochs, WARMUP, budgetSeconds, threads, SEED].map(String)];
  const out = runPython<MlpResult>("mlp_fashion.py", args);
  if (!out.available) return { name: `PyTorch (${threads} threads)`, unavailable: out.reason };
  const result = out.value[0];
  if (result.epochs < FULL.epochs - 1e-9) result.stoppedBy = "budget";
  return { name: result.name, result };
}

function label(row: Row): string {
  const r = row.result;
  return r?.stoppedBy ? `${row.name} [${Math.ceil(r.timedSamples / BATCH)} steps, extrapolated]` : row.name;
}

async function main(): Promise<number> {
  const started = performance.now();
  console.log(`Fashion-MNIST MLP 784-256-10 ReLU, Adam lr 1e-3, batch 128, cross-entropy; ${EPOCHS} epochs ` +
    `(time-boxed for slow implementations), first ${WARMUP} steps untimed`);
  console.log(machineLine());
  const { data, files, folder, note } = loadFashionData("bench/mlp-fashion");
  console.log(`data: ${data.nTrain} training and ${data.nTest} test images from ${folder}`);
  if (note) console.log(note);
  if (data.nTrain < FULL_TRAIN) {
    const epochs = Math.ceil((EPOCHS * FULL_TRAIN) / data.nTrain);
    [FULL, JS_REFERENCE, TFJS] = [FULL, JS_REFERENCE, TFJS].map((limits) => ({ ...limits, epochs }));
  }
  // the native backend where its kernels were built (else its reason is printed below)
  const native = zd.backendInfo().native;
  const nativeRow: Row = native.isa ? zendlRow(`zendl native (${native.isa})`, "native", data, FULL)
    : { name: "zendl native", unavailable: native.reason ?? "not loaded" };
  const rows: Row[] = [...(nativeRow.unavailable ? [] : [nativeRow]),
    zendlRow("zendl wasm", "wasm", data, FULL),
    ...(QUICK ? [] : [zendlRow("zendl js (reference)", "js", data, JS_REFERENCE)]),
    pytorchRow(files, 2, FULL.budgetSeconds),
    // 1 thread too: on a busy 2-core machine PyTorch's 2 OpenMP threads can lose to one
    pytorchRow(files, 1, FULL.budgetSeconds / 2),
    ...(QUICK ? [] : [await tfjsRow("wasm", data), await tfjsRow("cpu", data)])];
  const ours = rows[0].result?.samplesPerSecond;
  printTable("training throughput (higher is better)",
    ["implementation", "samples/s", "timed s", "epochs", "test acc", "final loss", `${rows[0].name} / this`],
    rows.map((row) => row.result
      ? [label(row), formatNumber(row.result.samplesPerSecond, 0), formatNumber(row.result.seconds, 2),
        formatNumber(row.result.epochs, 2), formatNumber(row.result.testAccuracy, 4),
        formatNumber(row.result.finalLoss, 3),
        row === rows[0] ? "" : ratio(ours, row.result.samplesPerSecond)]
      : [row.name, "n/a", "", "", "", "", ""]));
  const find = (prefix: string): number | undefined =>
    rows.find((r) => r.name.startsWith(prefix))?.result?.samplesPerSecond;
  const torch2 = rows.find((r) => r.name.startsWith("PyTorch") && r.name.endsWith("(2 threads)"));
  const vsTorch = ours && torch2?.result ? ours / torch2.result.samplesPerSecond : NaN;
  const vsTfjs = ours && find("tfjs-wasm") ? ours / (find("tfjs-wasm") as number) : NaN;
  const verdict = (value: number, target: number): string => (value >= target ? "met" : "NOT met");
  console.log(`targets: zendl/PyTorch 2T ${formatNumber(vsTorch, 2)}x (>= 2x: ${verdict(vsTorch, 2)}); ` +
    `zendl/tfjs-wasm ${formatNumber(vsTfjs, 2)}x (>= 5x: ${verdict(vsTfjs, 5)})`);
  const torchBest = Math.max(...rows.filter((r) => r.name.startsWith("PyTorch"))
    .map((r) => r.result?.samplesPerSecond ?? 0));
  if (ours && torchBest > 0) {
    console.log(`  against PyTorch's faster thread setting in this run: ${(ours / torchBest).toFixed(2)}x`);
  }
  console.log("  extrapolated rows: samples/s from their timed steps only; accuracy after those steps");
  for (const row of [...rows, ...(nativeRow.unavailable ? [nativeRow] : [])]) {
    if (row.unavailable) console.log(`  ${row.name}: not available (${row.unavailable})`);
    if (row.failed) console.log(`  ${row.name}: FAILED: ${row.failed}`);
  }
  const file = writeResult("mlp-fashion", {
    job: { model: "784-256-10 relu", optimizer: "adam lr 1e-3", batch: 128, epochs: FULL.epochs,
      warmupSteps: WARMUP },
    limits: { full: FULL, jsReference: JS_REFERENCE, tfjs: TFJS }, data: folder,
    results: rows.map((row) => ({ name: row.name, unavailable: row.unavailable, failed: row.failed,
      ...row.result })),
    targets: { zendlOverPytorch: vsTorch, zendlOverTfjsWasm: vsTfjs },
  });
  console.log(`wrote ${file} (${((performance.now() - started) / 1000).toFixed(0)} s; ${loadLine()})`);
  return rows.some((row) => row.failed) ? 1 : 0;
}

process.exit(await main());
