// The benchmark page: zendl, TensorFlow.js (wasm backend, XNNPACK; webgl where a context exists) and
// jax-js (wasm device) on the same GEMMs and the same MLP training, in one Chromium page.
// Query: ?peerThreads=N: TensorFlow.js and jax-js fix their thread counts when they start (jax-js from
// navigator.hardwareConcurrency, which the runner sets per page); &zendl=1 also measures zendl (1 and 2
// threads: it changes its thread count at run time) and tfjs-webgl.
import * as tf from "@tensorflow/tfjs";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as zd from "../../src/index.js";
import { jaxGemm, jaxMlp, jaxReady } from "./jax.js";
import { tfjsGemm, tfjsMlp, webglRenderer } from "./tfjs.js";
import { zendlGemm, zendlMlp } from "./work.js";

export interface PageOptions {
  sizes: number[]; threads: number[]; mlpSteps: number; dataUrl: string; budgetSeconds: number;
}
/** One figure: `value` from the median call (GEMM) or all timed steps (training), `best` from the fastest. */
export interface PageRow {
  library: string; work: string; threads: number; value: number; best: number; unit: string;
}
export interface PageResult { rows: PageRow[]; notes: string[]; crossOriginIsolated: boolean }

async function images(url: string): Promise<{ x: Float32Array; y: Int32Array }> {
  const read = async (name: string): Promise<zd.data.IdxArray> =>
    zd.data.parseIdx(await zd.data.fetchBytes(`${url}${name}-ubyte.gz`), name);
  const [pixels, labels] = await Promise.all([read("train-images-idx3"), read("train-labels-idx1")]);
  return { x: Float32Array.from(pixels.data, (v) => v / 255), y: Int32Array.from(labels.data) };
}

const gemm = (n: number): string => `gemm ${n}^3`;
const MLP = "mlp train";

async function runZendl(o: PageOptions, x: Float32Array, y: Int32Array, rows: PageRow[]): Promise<void> {
  await zd.ready();
  for (const n of o.sizes) {
    for (const t of o.threads) {
      rows.push({ library: "zendl", work: gemm(n), threads: t, ...zendlGemm(zd, n, t, o.budgetSeconds),
        unit: "GFLOPS" });
    }
  }
  const xt = zd.tensor(x, { shape: [y.length, 784] }), yt = zd.tensor(y, { dtype: "int32" });
  for (const t of o.threads) {
    rows.push({ library: "zendl", work: MLP, threads: t, ...zendlMlp(zd, xt, yt, o.mlpSteps, t),
      unit: "samples/s" });
  }
}

// SwiftShader (headless Chromium's WebGL here) renders on the CPU at about 0.6 GFLOPS: a 1024³ product
// takes seconds, so webgl runs the small sizes and fewer training steps.
const WEBGL_MAX_SIZE = 512, WEBGL_STEPS = 15;

async function runTfjs(o: PageOptions, backend: "wasm" | "webgl", threads: number, x: Float32Array,
  y: Int32Array, rows: PageRow[]): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} did not start`);
  const library = `tfjs-${backend}`, webgl = backend === "webgl";
  for (const n of o.sizes.filter((size) => !webgl || size <= WEBGL_MAX_SIZE)) {
    rows.push({ library, work: gemm(n), threads, ...tfjsGemm(n, o.budgetSeconds), unit: "GFLOPS" });
  }
  const steps = webgl ? Math.min(WEBGL_STEPS, o.mlpSteps) : o.mlpSteps;
  rows.push({ library, work: MLP, threads, ...tfjsMlp(x, y, steps), unit: "samples/s" });
}

async function runJax(o: PageOptions, threads: number, x: Float32Array, y: Int32Array,
  rows: PageRow[]): Promise<void> {
  await jaxReady();
  for (const n of o.sizes) {
    rows.push({ library: "jax-js-wasm", work: gemm(n), threads, ...(await jaxGemm(n, o.budgetSeconds)),
      unit: "GFLOPS" });
  }
  rows.push({ library: "jax-js-wasm", work: MLP, threads, ...(await jaxMlp(x, y, o.mlpSteps)),
    unit: "samples/s" });
}

/** Runs this page's share of the work; a peer that fails is noted and the others still run. */
export async function runBench(o: PageOptions): Promise<PageResult> {
  const query = new URLSearchParams(location.search);
  const peerThreads = Number(query.get("peerThreads") ?? 1), withZendl = query.get("zendl") === "1";
  const rows: PageRow[] = [], notes: string[] = [];
  const attempt = async (name: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      notes.push(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const { x, y } = await images(o.dataUrl);
  if (withZendl) await attempt("zendl", () => runZendl(o, x, y, rows));
  setWasmPaths("./tfjs/");
  setThreadsCount(peerThreads);
  await attempt("tfjs-wasm", () => runTfjs(o, "wasm", peerThreads, x, y, rows));
  await attempt("jax-js-wasm", () => runJax(o, peerThreads, x, y, rows));
  if (withZendl) {
    const renderer = webglRenderer();
    if (renderer === null) notes.push("tfjs-webgl: no WebGL2 context in this headless Chromium");
    else {
      notes.push(`tfjs-webgl: WebGL2 renderer "${renderer}"; sizes up to ${WEBGL_MAX_SIZE}^3, ` +
        `${Math.min(WEBGL_STEPS, o.mlpSteps)} training steps`);
      await attempt("tfjs-webgl", () => runTfjs(o, "webgl", 0, x, y, rows));
    }
  }
  return { rows, notes, crossOriginIsolated };
}

(globalThis as unknown as { runBench: typeof runBench }).runBench = runBench;
