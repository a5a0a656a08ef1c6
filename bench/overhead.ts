/**
 * Per-op overhead: the time per call of work so small that only the framework's own cost shows:
 * a 4-element float32 add, a 2x2 matmul, and forward + backward of a 4-8-2 ReLU MLP on one sample
 * (cross-entropy, gradients cleared first). zendl wasm and js, TensorFlow.js wasm and cpu (inside
 * tf.tidy), PyTorch (timeit). Microseconds, median of batches. Writes bench/results/overhead-<time>.json.
 */
import * as zd from "../src/index.js";
import { useBackend } from "./lib/backend.js";
import { loadLine, machineLine, writeResult } from "./lib/env.js";
import { loadTfjs, runPython, type Tfjs } from "./lib/peers.js";
import { formatNumber, printTable, ratio } from "./lib/table.js";
import { measurePerCall } from "./lib/timing.js";

type Case = "add" | "matmul" | "mlp";
const CASES: { name: Case; label: string; batch: number }[] = [
  { name: "add", label: "add, 4 floats", batch: 5000 },
  { name: "matmul", label: "matmul 2x2", batch: 5000 },
  { name: "mlp", label: "MLP 4-8-2 fwd+bwd, 1 sample", batch: 200 },
];

interface Column { name: string; micros: Partial<Record<Case, number>>; unavailable?: string; note?: string }

function zendlColumn(backend: string): Column {
  const name = `zendl ${backend}`;
  const unavailable = useBackend(backend);
  if (unavailable) return { name, micros: {}, unavailable };
  zd.manualSeed(0);
  const a = zd.rand([4]), b = zd.rand([4]);
  const m1 = zd.rand([2, 2]), m2 = zd.rand([2, 2]);
  const model = new zd.nn.Sequential(new zd.nn.Linear(4, 8), new zd.nn.ReLU(), new zd.nn.Linear(8, 2));
  const x = zd.rand([1, 4]), y = zd.tensor([1], { dtype: "int32" });
  // No dispose(): zendl's promise is that user code need not free tensors, so its cost is measured.
  const work: Record<Case, () => void> = {
    add: () => a.add(b),
    matmul: () => zd.matmul(m1, m2),
    mlp: () => { model.zeroGrad(); zd.nn.functional.crossEntropy(model.call(x), y).backward(); },
  };
  const micros: Column["micros"] = {};
  for (const c of CASES) micros[c.name] = measurePerCall(work[c.name], c.batch) * 1e6;
  return { name, micros };
}

async function tfjsColumn(backend: "wasm" | "cpu"): Promise<Column> {
  const name = `tfjs-${backend}`;
  const loaded = await loadTfjs(backend);
  if (!loaded.available) return { name, micros: {}, unavailable: loaded.reason };
  const tf: Tfjs = loaded.value;
  const a = tf.randomUniform([4]), b = tf.randomUniform([4]);
  const m1 = tf.randomUniform([2, 2]), m2 = tf.randomUniform([2, 2]);
  const w1 = tf.variable(tf.randomUniform([4, 8], -0.5, 0.5)), b1 = tf.variable(tf.zeros([8]));
  const w2 = tf.variable(tf.randomUniform([8, 2], -0.35, 0.35)), b2 = tf.variable(tf.zeros([2]));
  const x = tf.randomUniform([1, 4]), y = tf.oneHot(tf.tensor1d([1], "int32"), 2);
  const loss = (): ReturnType<Tfjs["scalar"]> => tf.losses.softmaxCrossEntropy(y,
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)).asScalar();
  // tidy returning nothing disposes every tensor made inside: tfjs's documented way to stay bounded.
  const work: Record<Case, () => void> = {
    add: () => tf.tidy(() => { tf.add(a, b); }),
    matmul: () => tf.tidy(() => { tf.matMul(m1, m2); }),
    mlp: () => tf.tidy(() => { tf.variableGrads(loss, [w1, b1, w2, b2]); }),
  };
  const micros: Column["micros"] = {};
  for (const c of CASES) micros[c.name] = measurePerCall(work[c.name], c.batch) * 1e6;
  return { name, micros };
}

function pytorchColumn(): Column {
  const out = runPython<{ case: Case; microseconds: number; torch: string; threads: number }>("overhead.py",
    []);
  if (!out.available) return { name: "PyTorch", micros: {}, unavailable: out.reason };
  const micros: Column["micros"] = {};
  for (const row of out.value) micros[row.case] = row.microseconds;
  const { torch, threads } = out.value[0] ?? {};
  return { name: "PyTorch", micros, note: `PyTorch ${torch}, ${threads} threads` };
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log("Per-op overhead: microseconds per call of tiny work " +
    "(median of 15 batches after 3 warm-up batches)");
  console.log(machineLine());
  const columns = [zendlColumn("wasm"), zendlColumn("js"), await tfjsColumn("wasm"), await tfjsColumn("cpu"),
    pytorchColumn()];
  const [ours] = columns;
  const peer = (name: string): Column | undefined => columns.find((c) => c.name === name);
  printTable("per-call time in microseconds (lower is better)",
    ["case", ...columns.map((c) => c.name), "PyTorch/zendl wasm", "tfjs-wasm/zendl wasm"],
    CASES.map((c) => [c.label, ...columns.map((col) => formatNumber(col.micros[c.name], 2)),
      ratio(peer("PyTorch")?.micros[c.name], ours.micros[c.name]),
      ratio(peer("tfjs-wasm")?.micros[c.name], ours.micros[c.name])]));
  console.log("  ratios above 1x: zendl wasm is faster by that factor");
  for (const c of columns) {
    if (c.unavailable) console.log(`  ${c.name}: not available (${c.unavailable})`);
    else if (c.note) console.log(`  ${c.note}`);
  }
  const file = writeResult("overhead", {
    unit: "microseconds per call", cases: CASES,
    columns: columns.map(({ name, unavailable, note, micros }) => ({ name, unavailable, note, micros })),
  });
  console.log(`wrote ${file} (${((performance.now() - started) / 1000).toFixed(0)} s; ${loadLine()})`);
}

await main();
process.exit(0);
