// npm run bench:browser: zendl in Chromium against TensorFlow.js (wasm, 1 and 2 threads; webgl where
// headless Chromium has a context) and jax-js (wasm, 1 and 2 threads) on GEMM 256³..2048³ and
// Fashion-MNIST MLP training, plus zendl in Node (wasm backend) on the same work; one table with the
// ratios, JSON into bench/results/. `--smoke` runs 256³ and a few steps only (checks the harness).
// `--best`: the table shows each figure from its fastest call or step instead of the median (the JSON has
// both): on a shared, overloaded machine, the fastest call is what the code does when it has a core.
import { copyFileSync, cpSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { bundlePage } from "../../examples/browser/bundle.js";
import { serveStatic } from "../../examples/browser/server.js";
import { launchChromium } from "../../test/helpers/chromium.js";
import * as zd from "../../src/index.js";
import { machineLine, repoRoot, writeResult } from "../lib/env.js";
import { formatNumber, printTable, ratio } from "../lib/table.js";
import type { PageOptions, PageResult, PageRow } from "./page.js";
import { zendlGemm, zendlMlp } from "./work.js";

const smoke = process.argv.includes("--smoke"), bestCalls = process.argv.includes("--best");
const options: PageOptions = {
  sizes: smoke ? [256] : [256, 512, 1024, 2048], threads: [1, 2], mlpSteps: smoke ? 5 : 60,
  dataUrl: "./data/fashion-mnist-subset/", budgetSeconds: smoke ? 0.2 : 1,
};

/**
 * The pages: peers fix their thread counts at start, so one page per count. jax-js sizes its worker pool
 * from navigator.hardwareConcurrency, which the one-thread page overrides before any script runs.
 */
const PAGES = [{ peerThreads: 1, zendl: false }, { peerThreads: 2, zendl: true }];

async function inBrowser(): Promise<PageResult[]> {
  const root = repoRoot(), out = join(root, "dist/bench/browser/www");
  await bundlePage(join(root, "dist/bench/browser/page.js"), out);
  mkdirSync(join(out, "tfjs"), { recursive: true });
  for (const variant of ["", "-simd", "-threaded-simd"]) {
    const file = `tfjs-backend-wasm${variant}.wasm`;
    const from = join(root, "node_modules/@tensorflow/tfjs-backend-wasm/dist", file);
    copyFileSync(from, join(out, "tfjs", file));
  }
  const subset = "data/fashion-mnist-subset";
  cpSync(join(root, subset), join(out, subset), { recursive: true });
  const server = await serveStatic({ root: out });
  const browser = await launchChromium();
  const results: PageResult[] = [];
  try {
    for (const { peerThreads, zendl } of PAGES) {
      const page = await browser.newPage();
      await page.addInitScript((n) => Object.defineProperty(Navigator.prototype, "hardwareConcurrency",
        { get: () => n, configurable: true }), peerThreads);
      await page.goto(`${server.url}index.html?peerThreads=${peerThreads}&zendl=${zendl ? 1 : 0}`);
      await page.waitForFunction(() => "runBench" in globalThis);
      results.push(await page.evaluate((o) => (globalThis as unknown as
        { runBench(o: PageOptions): Promise<PageResult> }).runBench(o), options));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}

/** zendl in Node on the wasm backend (not the native addon): what the page runs, without the browser. */
function inNode(): PageRow[] {
  zd.setBackend("wasm");
  if (zd.getBackend() !== "wasm") throw new Error(`bench:browser: the Node side runs ${zd.getBackend()}`);
  const rows: PageRow[] = [];
  for (const n of options.sizes) {
    for (const t of options.threads) {
      rows.push({ library: "zendl-node", work: `gemm ${n}^3`, threads: t,
        ...zendlGemm(zd, n, t, options.budgetSeconds), unit: "GFLOPS" });
    }
  }
  // the page's data: the shipped subset, pixels scaled to [0, 1] (the loader's default)
  const { xTrain: x, yTrain } = zd.data.loadFashionMnist({ subset: true, split: "train", flatten: true });
  for (const t of options.threads) {
    rows.push({ library: "zendl-node", work: "mlp train", threads: t,
      ...zendlMlp(zd, x, yTrain, options.mlpSteps, t), unit: "samples/s" });
  }
  return rows;
}

console.log(machineLine());
const loadBefore = loadavg();
const pages = await inBrowser();
const rows = [...pages.flatMap((p) => p.rows), ...inNode()];
const notes = pages.flatMap((p) => p.notes);
const stat = bestCalls ? "best" : "value";
const value = (library: string, work: string, threads: number): number | undefined =>
  rows.find((r) => r.library === library && r.work === work && r.threads === threads)?.[stat];
const best = (...values: (number | undefined)[]): number | undefined =>
  values.some((v) => v !== undefined) ? Math.max(...values.map((v) => v ?? 0)) : undefined;
const works = [...new Set(rows.map((r) => r.work))];
printTable("zendl in Chromium vs TensorFlow.js and jax-js (same page), and zendl in Node (wasm backend); " +
  (bestCalls ? "fastest call or step" : "median call, or all timed steps"), [
  "work", "zendl 1T", "zendl 2T", "tfjs-wasm 1T", "tfjs-wasm 2T", "jax-js 1T", "jax-js 2T", "tfjs-webgl",
  "node 1T", "node 2T", "1T/peer 1T", "2T/peer 1T", "2T/peer", "page/node 1T", "page/node 2T",
], works.map((w) => {
  const [z1, z2, t1, t2, j1, j2, gl, n1, n2] = [value("zendl", w, 1), value("zendl", w, 2),
    value("tfjs-wasm", w, 1), value("tfjs-wasm", w, 2), value("jax-js-wasm", w, 1),
    value("jax-js-wasm", w, 2),
    value("tfjs-webgl", w, 0), value("zendl-node", w, 1), value("zendl-node", w, 2)];
  const peer1 = best(t1, j1), peer = best(t1, t2, j1, j2, gl);
  return [w, ...[z1, z2, t1, t2, j1, j2, gl, n1, n2].map((v) => formatNumber(v)), ratio(z1, peer1),
    ratio(z2, peer1), ratio(z2, peer), ratio(z1, n1), ratio(z2, n2)];
}));
console.log("units: GFLOPS for gemm, training samples/s for mlp train (784-256-10, Adam 1e-3, batch 128).\n" +
  "peer 1T: the faster of tfjs-wasm and jax-js on one thread; peer: the fastest peer figure of any kind. " +
  `crossOriginIsolated: ${pages.map((p) => p.crossOriginIsolated).join(", ")}`);
for (const note of notes) console.log(`note: ${note}`);
const loadAfter = loadavg();
console.log(`load average (1, 5, 15 min): before ${loadBefore.map((l) => l.toFixed(2)).join(", ")}; ` +
  `after ${loadAfter.map((l) => l.toFixed(2)).join(", ")}`);
if (!smoke) {
  console.log(`results: ${writeResult("browser", { options, table: bestCalls ? "best" : "median", rows, notes,
    loadBefore, loadAfter })}`);
}
