/**
 * Training throughput of a character-level LSTM on Tiny Shakespeare: Embedding(65, 64) → LSTM(64, 256)
 * → Linear(256, 65), Adam lr 2e-3, batch 32, sequence 64, truncated BPTT (state carried, detached),
 * in characters (tokens) per second after a few untimed steps, for zendl (wasm; the js reference for a
 * few steps), PyTorch (2 and 1 threads) and TensorFlow.js (wasm, cpu: tf.layers, stateful LSTM).
 * Writes bench/results/char-lstm-<time>.json.
 */
import * as zd from "../src/index.js";
import { packageDataPath } from "../src/data/datasets/package-data.js";
import { loadTinyShakespeare } from "../src/data/datasets/text.js";
import { useBackend } from "./lib/backend.js";
import {
  BATCH, SEQ, runTfjsCharLstm, runZendlCharLstm, type CharLimits, type CharResult,
} from "./lib/char-lstm-runners.js";
import { loadLine, machineLine, writeResult } from "./lib/env.js";
import { loadTfjs, runPython, tfjsWasmFeatures } from "./lib/peers.js";
import { formatNumber, printTable, ratio } from "./lib/table.js";

const SEED = 0;
const FULL: CharLimits = { warmup: 5, budgetSeconds: 20, maxSteps: 100, seed: SEED };
const SLOW: CharLimits = { warmup: 1, budgetSeconds: 20, maxSteps: 5, seed: SEED };
/**
 * `--quick`: zendl (native, wasm) and PyTorch only (the js reference and TensorFlow.js rows take minutes).
 */
const QUICK = process.argv.includes("--quick");

/** `unavailable`: not installed or cannot train this model (a peer's normal state); `failed`: zendl broke. */
interface Row { result?: CharResult; name: string; unavailable?: string; failed?: string }

function zendlRow(name: string, backend: string, ids: Int32Array, vocab: number, limits: CharLimits): Row {
  const unavailable = useBackend(backend);
  if (unavailable) return { name, unavailable };
  try {
    return { name, result: runZendlCharLstm(name, ids, vocab, limits) };
  } catch (error) {
    return { name, failed: error instanceof Error ? error.stack ?? error.message : String(error) };
  }
}

async function tfjsRow(backend: "wasm" | "cpu", ids: Int32Array, vocab: number): Promise<Row> {
  const name = `tfjs-${backend} (tf.layers, trainOnBatch)`;
  const loaded = await loadTfjs(backend);
  if (!loaded.available) return { name, unavailable: loaded.reason };
  try {
    if (backend === "wasm") console.log(`  tfjs-wasm: ${tfjsWasmFeatures(loaded.value)}`);
    return { name, result: await runTfjsCharLstm(name, loaded.value, ids, vocab, SLOW) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { name, unavailable: `cannot train this model: ${reason}` };
  }
}

function pytorchRow(threads: number): Row {
  const args = [packageDataPath("tinyshakespeare.txt.gz"), ...[FULL.maxSteps, FULL.warmup, FULL.budgetSeconds,
    threads, SEED].map(String)];
  const out = runPython<CharResult>("char_lstm.py", args);
  if (!out.available) return { name: `PyTorch (${threads} threads)`, unavailable: out.reason };
  return { name: out.value[0].name, result: out.value[0] };
}

async function main(): Promise<number> {
  const started = performance.now();
  console.log(`char-LSTM on Tiny Shakespeare: embedding 64, LSTM 256, batch ${BATCH}, sequence ${SEQ}, ` +
    `Adam 2e-3, truncated BPTT; first ${FULL.warmup} steps untimed, then up to ${FULL.maxSteps} steps or ` +
    `${FULL.budgetSeconds} s`);
  console.log(machineLine());
  const { ids, vocabulary } = loadTinyShakespeare();
  // the native backend where its kernels were built (else its reason is printed below), then wasm
  const native = zd.backendInfo().native;
  const rows: Row[] = [
    ...(native.isa ? [zendlRow(`zendl native (${native.isa})`, "native", ids, vocabulary.size, FULL)] : []),
    zendlRow("zendl wasm", "wasm", ids, vocabulary.size, FULL),
    ...(QUICK ? [] : [zendlRow("zendl js (reference)", "js", ids, vocabulary.size, SLOW)]), pytorchRow(2),
    // 1 thread too: on a busy 2-core machine PyTorch's 2 OpenMP threads can lose to one
    pytorchRow(1),
    ...(QUICK ? [] : [await tfjsRow("wasm", ids, vocabulary.size),
      await tfjsRow("cpu", ids, vocabulary.size)])];
  const ours = rows[0].result?.tokensPerSecond;
  printTable("training throughput (higher is better)",
    ["implementation", "chars/s", "steps", "timed s", "final loss", `${rows[0].name} / this`],
    rows.map((row) => row.result
      ? [row.name, formatNumber(row.result.tokensPerSecond, 0), String(row.result.steps),
        formatNumber(row.result.seconds, 2), formatNumber(row.result.finalLoss, 3),
        row === rows[0] ? "" : ratio(ours, row.result.tokensPerSecond)]
      : [row.name, "n/a", "", "", "", ""]));
  const torch2 = rows.find((r) => r.name.startsWith("PyTorch") && r.name.endsWith("(2 threads)"))?.result;
  const vsTorch = ours && torch2 ? ours / torch2.tokensPerSecond : NaN;
  const verdict = vsTorch >= 2 ? "met" : "NOT met";
  console.log(`target: zendl/PyTorch 2T ${formatNumber(vsTorch, 2)}x (>= 2x: ${verdict})`);
  const torchRates = rows.filter((r) => r.name.startsWith("PyTorch"))
    .map((r) => r.result?.tokensPerSecond ?? 0);
  const torchBest = Math.max(...torchRates);
  if (ours && torchBest > 0) {
    console.log(`  against PyTorch's faster thread setting in this run: ${(ours / torchBest).toFixed(2)}x`);
  }
  if (native.reason) console.log(`  zendl native: not available (${native.reason})`);
  for (const row of rows) {
    if (row.unavailable) console.log(`  ${row.name}: not available (${row.unavailable})`);
    if (row.failed) console.log(`  ${row.name}: FAILED: ${row.failed}`);
  }
  const file = writeResult("char-lstm", {
    job: { model: "embedding 64, lstm 256, linear", optimizer: "adam lr 2e-3", batch: BATCH, sequence: SEQ,
      vocabulary: vocabulary.size },
    limits: { full: FULL, slow: SLOW },
    results: rows.map((row) => ({
      name: row.name, unavailable: row.unavailable, failed: row.failed, ...row.result,
    })),
    targets: { zendlOverPytorch: vsTorch },
  });
  console.log(`wrote ${file} (${((performance.now() - started) / 1000).toFixed(0)} s; ${loadLine()})`);
  return rows.some((row) => row.failed) ? 1 : 0;
}

process.exit(await main());
