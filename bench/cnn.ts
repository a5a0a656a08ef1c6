/**
 * Training throughput of a small CNN on Fashion-MNIST: zd.models.cnn (conv3×3(32)–ReLU–maxpool2–
 * conv3×3(64)–ReLU–maxpool2–fc128–ReLU–fc10), Adam (lr 1e-3), batch 128, mean cross-entropy;
 * samples per second over up to one epoch of the 60,000 training images after a short warm-up, for
 * zendl (wasm), PyTorch (2 threads, and 1: on a busy 2-core machine its OpenMP threads can lose to one) and
 * TensorFlow.js (cpu; its wasm backend has no Conv2DBackpropFilter kernel, so it cannot train a
 * convolution: the run says so). Then each layer's forward, backward-input and backward-weight time on
 * one batch, for zendl and PyTorch, with the slowest named.
 * Writes bench/results/cnn-<time>.json.
 */
import * as zd from "../src/index.js";
import { BATCH, type RunLimits, type MlpResult } from "./lib/mlp-runners.js";
import { runTfjsCnn, runZendlCnn } from "./lib/cnn-runners.js";
import { loadFashionData, FULL_TRAIN } from "./lib/fashion-data.js";
import { profileLayers, type LayerTiming } from "./lib/layer-profile.js";
import { loadLine, machineLine, writeResult } from "./lib/env.js";
import { useBackend } from "./lib/backend.js";
import { loadTfjs, runPython, tfjsWasmFeatures } from "./lib/peers.js";
import { formatNumber, printTable, ratio } from "./lib/table.js";

const SEED = 0, EPOCHS = 1, WARMUP = 10, TARGET = 1.2;
/** `--quick`: zendl and PyTorch only (the TensorFlow.js rows take minutes). */
const QUICK = process.argv.includes("--quick");
let FULL: RunLimits = { epochs: EPOCHS, warmup: WARMUP, budgetSeconds: 30, seed: SEED };
// tfjs-cpu takes tens of seconds per step (plain-JS convolution loops): one timed step is all it gets
let TFJS: RunLimits = { ...FULL, warmup: 0, maxSteps: 1, budgetSeconds: 20 };

interface Row { result?: MlpResult; name: string; unavailable?: string; failed?: string }
type PeerLayers = Array<Omit<LayerTiming, "inputShape">>;

async function tfjsRow(backend: "wasm" | "cpu", data: Parameters<typeof runTfjsCnn>[2]): Promise<Row> {
  const name = `tfjs-${backend} (minimize loop)`;
  const loaded = await loadTfjs(backend);
  if (!loaded.available) return { name, unavailable: loaded.reason };
  try {
    if (backend === "wasm") console.log(`  tfjs-wasm: ${tfjsWasmFeatures(loaded.value)}`);
    return { name, result: runTfjsCnn(name, loaded.value, data, TFJS) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { name, unavailable: `training failed: ${reason}` };
  }
}

function pytorchRow(files: Record<string, string>, threads: number,
  profile: boolean): [Row, PeerLayers | null] {
  const args = [files.trainImages, files.trainLabels, files.testImages, files.testLabels,
    ...[FULL.epochs, WARMUP, FULL.budgetSeconds, threads, SEED].map(String), ...(profile ? ["profile"] : [])];
  const out = runPython<MlpResult & { layers?: PeerLayers }>("cnn_fashion.py", args);
  if (!out.available) return [{ name: `PyTorch (${threads} threads)`, unavailable: out.reason }, null];
  const [result, layers] = out.value;
  if (result.epochs < FULL.epochs - 1e-9) result.stoppedBy = "budget";
  return [{ name: result.name, result }, layers?.layers ?? null];
}

function label(row: Row): string {
  const r = row.result;
  return r?.stoppedBy ? `${row.name} [${Math.ceil(r.timedSamples / BATCH)} steps, extrapolated]` : row.name;
}

const ms = (v: number | null | undefined): string => (v == null ? "-" : formatNumber(v, 2));
const total = (l: Omit<LayerTiming, "inputShape">): number =>
  l.forwardMs + (l.backwardInputMs ?? 0) + (l.backwardWeightMs ?? 0);

function printLayers(ours: LayerTiming[], torch: PeerLayers | null): string {
  printTable("per-layer time on one batch of 128, ms (median of 5; fwd = forward, bwd-in = to the input, " +
    "bwd-w = to the parameters)",
    ["layer", "input", "fwd", "bwd-in", "bwd-w", "total", "PyTorch fwd", "bwd-in", "bwd-w"],
    ours.map((l, i) => [`${l.index} ${l.layer}`, `[${l.inputShape.join(",")}]`, ms(l.forwardMs),
      ms(l.backwardInputMs), ms(l.backwardWeightMs), ms(total(l)), ms(torch?.[i]?.forwardMs),
      ms(torch?.[i]?.backwardInputMs), ms(torch?.[i]?.backwardWeightMs)]));
  const kernels = ours.flatMap((l) => ([["forward", l.forwardMs], ["backward-input", l.backwardInputMs],
    ["backward-weight", l.backwardWeightMs]] as const)
    .map(([pass, t]) => ({ what: `${l.layer} ${pass}`, t })));
  const slowest = kernels.reduce((a, b) => ((b.t ?? 0) > (a.t ?? 0) ? b : a));
  const sum = ours.reduce((s, l) => s + total(l), 0);
  const line = `slowest: ${slowest.what}, ${ms(slowest.t)} ms of ${ms(sum)} ms for all layers`;
  console.log(`  ${line}; backward times include writing the input's gradient into a leaf tensor`);
  return line;
}

async function main(): Promise<number> {
  const started = performance.now();
  console.log("Fashion-MNIST CNN conv32-pool-conv64-pool-fc128-fc10, Adam lr 1e-3, batch 128, " +
    `cross-entropy; up to ${EPOCHS} epoch, ${FULL.budgetSeconds} s timed at most, ` +
    `first ${WARMUP} steps untimed`);
  console.log(machineLine());
  const { data, files, folder, note } = loadFashionData("bench/cnn");
  console.log(`data: ${data.nTrain} training and ${data.nTest} test images from ${folder}`);
  if (note) console.log(note);
  if (data.nTrain < FULL_TRAIN) {
    const epochs = Math.ceil((EPOCHS * FULL_TRAIN) / data.nTrain);
    [FULL, TFJS] = [FULL, TFJS].map((limits) => ({ ...limits, epochs }));
  }
  // the native backend where its kernels were built (else its reason is printed below), then wasm; the
  // first one's layers are profiled
  const native = zd.backendInfo().native;
  const ourRows: Row[] = [];
  let layers: LayerTiming[] = [];
  for (const [name, backend] of [[`zendl native (${native.isa})`, "native"], ["zendl wasm", "wasm"]]) {
    if (backend === "native" && !native.isa) continue;
    const row: Row = { name };
    ourRows.push(row);
    const unavailable = useBackend(backend);
    if (unavailable) { row.unavailable = unavailable; continue; }
    try {
      const run = runZendlCnn(name, data, FULL);
      row.result = run.result;
      if (layers.length === 0) layers = profileLayers(run.model, run.batch);
    } catch (error) {
      row.failed = error instanceof Error ? error.stack ?? error.message : String(error);
    }
  }
  const ours = ourRows[0];
  const [torch2, torchLayers] = pytorchRow(files, 2, true);
  const [torch1] = pytorchRow(files, 1, false);
  const rows: Row[] = [...ourRows, torch2, torch1,
    ...(QUICK ? [] : [await tfjsRow("wasm", data), await tfjsRow("cpu", data)])];
  const speed = ours.result?.samplesPerSecond;
  printTable("training throughput (higher is better)",
    ["implementation", "samples/s", "timed s", "epochs", "test acc", "final loss", `${ours.name} / this`],
    rows.map((row) => row.result
      ? [label(row), formatNumber(row.result.samplesPerSecond, 0), formatNumber(row.result.seconds, 2),
        formatNumber(row.result.epochs, 2), formatNumber(row.result.testAccuracy, 4),
        formatNumber(row.result.finalLoss, 3), row === ours ? "" : ratio(speed, row.result.samplesPerSecond)]
      : [row.name, "n/a", "", "", "", "", ""]));
  const vsTorch = speed && torch2.result ? speed / torch2.result.samplesPerSecond : NaN;
  console.log(`target: zendl/PyTorch 2T ${formatNumber(vsTorch, 2)}x (>= ${TARGET}x: ` +
    `${vsTorch >= TARGET ? "met" : "NOT met"})`);
  const torchBest = Math.max(torch2.result?.samplesPerSecond ?? 0, torch1.result?.samplesPerSecond ?? 0);
  if (speed && torchBest > 0) {
    console.log(`  against PyTorch's faster thread setting in this run: ${(speed / torchBest).toFixed(2)}x`);
  }
  if (native.reason) console.log(`  zendl native: not available (${native.reason})`);
  console.log("  extrapolated rows: samples/s from their timed steps only; accuracy after those steps");
  for (const row of rows) {
    if (row.unavailable) console.log(`  ${row.name}: not available (${row.unavailable})`);
    if (row.failed) console.log(`  ${row.name}: FAILED: ${row.failed}`);
  }
  const slowest = layers.length > 0 ? printLayers(layers, torchLayers) : null;
  const file = writeResult("cnn", {
    job: { model: "cnn conv32-pool-conv64-pool-fc128-fc10", optimizer: "adam lr 1e-3", batch: BATCH,
      epochs: FULL.epochs, warmupSteps: WARMUP },
    limits: { full: FULL, tfjs: TFJS }, data: folder,
    results: rows.map((row) => ({ name: row.name, unavailable: row.unavailable, failed: row.failed,
      ...row.result })),
    layers: { zendl: layers, pytorch: torchLayers, slowest },
    targets: { zendlOverPytorch: vsTorch },
  });
  console.log(`wrote ${file} (${((performance.now() - started) / 1000).toFixed(0)} s; ${loadLine()})`);
  return rows.some((row) => row.failed) ? 1 : 0;
}

process.exit(await main());
