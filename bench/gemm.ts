/**
 * GEMM throughput: GFLOPS = 2·M·N·K / median seconds per product, after warm-up, for square sizes and
 * the three products of a 784-256 layer's training step (with transposed views, as backprop makes them).
 * zendl native and wasm (1 and 2 threads where `setNumThreads` exists), the zendl reference backend (small
 * shapes), numpy (OpenBLAS, 1 and 2 threads, OPENBLAS_L2_SIZE unset and OPENBLAS_CORETYPE unset so it
 * picks its own kernel, which threadpoolctl names, unless that is a generic fallback: see
 * openblasCoreType), TensorFlow.js wasm and cpu.
 * Writes bench/results/gemm-<time>.json. `--quick`: only the target shapes, zendl and numpy.
 */
import * as zd from "../src/index.js";
import { setNumThreads, useBackend } from "./lib/backend.js";
import { loadLine, machineLine, writeResult } from "./lib/env.js";
import { GEMM_SHAPES, TARGET_LABELS, spotCheck, storedShapes, type GemmShape } from "./lib/gemm-shapes.js";
import { loadTfjs, openblasCoreType, runPython, tfjsWasmFeatures, type Tfjs } from "./lib/peers.js";
import { measure, type Measurement } from "./lib/timing.js";
import { formatNumber, printTable } from "./lib/table.js";

interface Cell { gflops: number; seconds: number; runs: number; maxRelError?: number }
/** `unavailable`: not installed or not loadable (a peer's normal state); `failed`: zendl broke mid-run. */
interface Column {
  name: string; cells: Map<string, Cell>; note?: string; unavailable?: string; failed?: string[];
}

const MEASURE = { warmup: 2, minRuns: 3, maxRuns: 20, budgetSeconds: 0.5 };
const QUICK = process.argv.includes("--quick");
const SHAPES = QUICK ? GEMM_SHAPES.filter((s) => TARGET_LABELS.has(s.label)) : GEMM_SHAPES;
const TOLERANCE = 1e-4;

/** Deterministic standard-normal-ish data (sum of uniforms), shared by zendl and tfjs. */
function randomData(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0 || 1;
  const uniform = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < count; i++) out[i] = uniform() + uniform() + uniform() - 1.5;
  return out;
}

interface Operands { a: Float32Array; b: Float32Array; sa: [number, number]; sb: [number, number] }

function operands(s: GemmShape): Operands {
  const { a: sa, b: sb } = storedShapes(s);
  return { a: randomData(sa[0] * sa[1], s.m + 1), b: randomData(sb[0] * sb[1], s.n + 2), sa, sb };
}

const cell = (s: GemmShape, m: Measurement, maxRelError: number): Cell =>
  ({ gflops: (2 * s.m * s.n * s.k) / m.seconds / 1e9, seconds: m.seconds, runs: m.runs, maxRelError });


function runZendl(name: string, backend: string, threads: number | null, small: boolean): Column {
  const column: Column = { name, cells: new Map() };
  const unavailable = useBackend(backend);
  if (unavailable) return { ...column, unavailable };
  if (threads !== null) setNumThreads?.(threads);
  for (const s of SHAPES) {
    if (small && !s.small) continue;
    const { a, b, sa, sb } = operands(s);
    const storedA = zd.tensor(a, { shape: sa }), storedB = zd.tensor(b, { shape: sb });
    const lhs = s.op === "TN" ? storedA.transpose(0, 1) : storedA;
    const rhs = s.op === "NT" ? storedB.transpose(0, 1) : storedB;
    try {
      const product = zd.matmul(lhs, rhs);
      const maxRelError = spotCheck(s, a, b, product.dataSync());
      product.dispose();
      const m = measure(() => zd.matmul(lhs, rhs).dispose(), MEASURE);
      column.cells.set(s.label, cell(s, m, maxRelError));
    } catch (error) {
      // Report it and keep measuring the other shapes; the benchmark exits non-zero at the end.
      (column.failed ??= []).push(`${s.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
    storedA.dispose();
    storedB.dispose();
  }
  return column;
}

async function runTfjs(backend: "wasm" | "cpu", small: boolean): Promise<Column> {
  const column: Column = { name: `tfjs-${backend}`, cells: new Map() };
  const loaded = await loadTfjs(backend);
  if (!loaded.available) return { ...column, unavailable: loaded.reason };
  const tf: Tfjs = loaded.value;
  if (backend === "wasm") column.note = `tfjs-wasm: ${tfjsWasmFeatures(tf)}`;
  for (const s of GEMM_SHAPES) {
    if (small && !s.small) continue;
    const { a, b, sa, sb } = operands(s);
    const ta = tf.tensor2d(a, sa), tb = tf.tensor2d(b, sb);
    // The same transposed operands as the other columns: matMul's transpose flags, as tfjs's own
    // matMul gradient uses them.
    const product = (): ReturnType<Tfjs["matMul"]> => tf.matMul(ta, tb, s.op === "TN", s.op === "NT");
    const first = product();
    const maxRelError = spotCheck(s, a, b, first.dataSync());
    first.dispose();
    const m = measure(() => { const c = product(); c.dataSync(); c.dispose(); }, MEASURE);
    column.cells.set(s.label, cell(s, m, maxRelError));
    ta.dispose();
    tb.dispose();
  }
  return column;
}

function runNumpy(threads: number): Column {
  const column: Column = { name: `numpy ${threads}T`, cells: new Map() };
  const n = String(threads);
  const shapes = JSON.stringify(SHAPES.map(({ label, m, n: cols, k, op }) =>
    ({ label, m, n: cols, k, op })));
  // In this command only: where the environment forces OpenBLAS's core type (say Haswell) and L2 size, it
  // runs AVX2 kernels on an AVX-512 machine; the peer should run its best (see openblasCoreType).
  const out = runPython<Cell & { label: string; numpy: string; kernel: string }>("gemm.py", [shapes],
    { OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n });
  if (!out.available) return { ...column, unavailable: out.reason };
  for (const row of out.value) column.cells.set(row.label, row);
  column.note = `${column.name}: numpy ${out.value[0]?.numpy ?? "?"} (${out.value[0]?.kernel ?? "?"}), ` +
    `OPENBLAS_NUM_THREADS=${n}, ${openblasCoreType().note}, OPENBLAS_L2_SIZE unset`;
  return column;
}

async function main(): Promise<number> {
  const started = performance.now();
  console.log(`GEMM benchmark: GFLOPS = 2*M*N*K / median seconds (warm-up ${MEASURE.warmup}, ` +
    `>= ${MEASURE.minRuns} timed runs)`);
  console.log(machineLine());
  const zendlColumns: Column[] = [];
  if (setNumThreads) {
    const native = zd.backendInfo().native;
    for (const threads of [1, 2]) {
      const column = runZendl(`zendl native ${threads}T`, "native", threads, false);
      if (column.unavailable) column.unavailable = native.reason ?? column.unavailable;
      else column.note = `zendl native: ${native.isa} kernels`;
      zendlColumns.push(column);
    }
    zendlColumns.push(runZendl("zendl wasm 1T", "wasm", 1, false));
    zendlColumns.push(runZendl("zendl wasm 2T", "wasm", 2, false));
  } else {
    const column = runZendl("zendl wasm", "wasm", null, false);
    column.note = "zendl: no setNumThreads in this build; the wasm column uses its default thread count";
    zendlColumns.push(column);
  }
  if (!QUICK) zendlColumns.push(runZendl("zendl js", "js", null, true));
  useBackend("wasm");
  const peers = QUICK ? [] : [await runTfjs("wasm", false), await runTfjs("cpu", true)];
  const columns = [...zendlColumns, runNumpy(1), runNumpy(2), ...peers];
  const fastest = (name: string): Column | undefined =>
    zendlColumns.find((c) => c.name === name && !c.unavailable && c.cells.size > 0);
  const ours = fastest("zendl native 2T") ?? fastest("zendl wasm 2T") ?? zendlColumns[0];
  const ours1 = fastest("zendl native 1T") ?? fastest("zendl wasm 1T") ?? zendlColumns[0];
  const numpy1 = columns.find((c) => c.name === "numpy 1T") as Column;
  const numpy2 = columns.find((c) => c.name === "numpy 2T") as Column;
  const ratioName = `${ours.name.replace("zendl ", "")}/numpy 2T`;
  const ratio1Name = `${ours1.name.replace("zendl ", "")}/numpy 1T`;
  const rows = SHAPES.map((s) => {
    const mine = ours.cells.get(s.label)?.gflops, theirs = numpy2.cells.get(s.label)?.gflops;
    const mine1 = ours1.cells.get(s.label)?.gflops, theirs1 = numpy1.cells.get(s.label)?.gflops;
    const cells = columns.map((c) => {
      const cell = c.cells.get(s.label);
      if (c.failed?.some((f) => f.startsWith(`${s.label}:`))) return "FAIL";
      if (!cell) return c.unavailable ? "n/a" : "-";
      return formatNumber(cell.gflops) + ((cell.maxRelError ?? 0) > TOLERANCE ? " WRONG" : "");
    });
    const mark = TARGET_LABELS.has(s.label) ? "" : "*";
    const ratio = mine && theirs ? (mine / theirs).toFixed(2) + mark : "n/a";
    const ratio1 = mine1 && theirs1 ? (mine1 / theirs1).toFixed(2) + mark : "n/a";
    return [s.label, ...cells, ratio1, ratio];
  });
  const header = ["shape MxNxK", ...columns.map((c) => c.name), ratio1Name, ratioName];
  printTable("GEMM GFLOPS (higher is better)", header, rows);
  console.log("  - : not run for this implementation (too slow at that size); * : outside the target set");
  const targets = SHAPES.filter((s) => TARGET_LABELS.has(s.label)).map((s) => {
    const mine = ours.cells.get(s.label)?.gflops, theirs = numpy2.cells.get(s.label)?.gflops;
    return mine && theirs ? mine / theirs : NaN;
  });
  const worst = Math.min(...targets);
  console.log(`target: ${ratioName} >= 0.9 at 512^3 and up and the backprop shapes: ` +
    (Number.isFinite(worst) ? `worst ${worst.toFixed(2)} -> ${worst >= 0.9 ? "met" : "NOT met"}` : "n/a"));
  for (const c of columns) {
    if (c.unavailable) console.log(`  ${c.name}: not available (${c.unavailable})`);
    else if (c.note) console.log(`  ${c.note}`);
    for (const failure of c.failed ?? []) console.log(`  ${c.name} FAILED at ${failure}`);
    const wrong = [...c.cells].filter(([, cell]) => (cell.maxRelError ?? 0) > TOLERANCE);
    for (const [label, cell] of wrong) {
      console.log(`  ${c.name} ${label}: WRONG result, relative error ${cell.maxRelError?.toExponential(2)}`);
    }
  }
  const file = writeResult("gemm", {
    unit: "GFLOPS", method: { ...MEASURE, statistic: "median" }, shapes: SHAPES,
    columns: columns.map((c) => ({ name: c.name, unavailable: c.unavailable, note: c.note, failed: c.failed,
      cells: Object.fromEntries(c.cells) })),
    seconds: (performance.now() - started) / 1000,
  });
  console.log(`wrote ${file} (${((performance.now() - started) / 1000).toFixed(0)} s; ${loadLine()})`);
  const wrong = zendlColumns.some((c) => [...c.cells.values()].some((x) => (x.maxRelError ?? 0) > TOLERANCE));
  return zendlColumns.some((c) => c.failed) || wrong ? 1 : 0;
}

process.exit(await main());
