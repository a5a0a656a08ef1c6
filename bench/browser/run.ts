// npm run bench:browser: zendl in Chromium against TensorFlow.js (wasm, 1 and 2 threads) on GEMM
// 256³..2048³ and Fashion-MNIST MLP training, plus zendl in Node on the same work; one table with the
// ratios, JSON into bench/results/. `--smoke` runs 256³ and a few steps only (checks the harness).
import { copyFileSync, cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { bundlePage } from "../../examples/browser/bundle.js";
import { serveStatic } from "../../examples/browser/server.js";
import { launchChromium } from "../../test/helpers/chromium.js";
import * as zd from "../../src/index.js";
import { machineLine, repoRoot, writeResult } from "../lib/env.js";
import { formatNumber, printTable, ratio } from "../lib/table.js";
import type { PageOptions, PageRow } from "./page.js";
import { zendlGemm, zendlMlp } from "./work.js";

const smoke = process.argv.includes("--smoke");
const options: PageOptions = {
  sizes: smoke ? [256] : [256, 512, 1024, 2048], threads: [1, 2], mlpSteps: smoke ? 5 : 100,
  dataUrl: "./data/fashion-mnist-subset/",
};

async function inBrowser(): Promise<PageRow[]> {
  const root = repoRoot(), out = join(root, "dist/bench/browser/www");
  await bundlePage(join(root, "dist/bench/browser/page.js"), out);
  mkdirSync(join(out, "tfjs"), { recursive: true });
  for (const variant of ["", "-simd", "-threaded-simd"]) {
    const file = `tfjs-backend-wasm${variant}.wasm`;
    copyFileSync(join(root, "node_modules/@tensorflow/tfjs-backend-wasm/dist", file), join(out, "tfjs", file));
  }
  cpSync(join(root, "data/fashion-mnist-subset"), join(out, "data/fashion-mnist-subset"), { recursive: true });
  const server = await serveStatic({ root: out });
  const browser = await launchChromium();
  const rows: PageRow[] = [];
  try {
    for (const tfjsThreads of [1, 2]) {
      const page = await browser.newPage();
      await page.goto(`${server.url}index.html?tfjsThreads=${tfjsThreads}`);
      await page.waitForFunction(() => "runBench" in globalThis);
      // zendl changes its thread count at run time: measure it in the first page only
      const pageOptions = { ...options, threads: tfjsThreads === 1 ? options.threads : [] };
      rows.push(...await page.evaluate((o) => (globalThis as unknown as
        { runBench(o: PageOptions): Promise<PageRow[]> }).runBench(o), pageOptions));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}

function inNode(): PageRow[] {
  const rows: PageRow[] = [];
  for (const n of options.sizes) {
    for (const t of options.threads) {
      rows.push({ library: "zendl-node", work: `gemm ${n}³`, threads: t, value: zendlGemm(zd, n, t),
        unit: "GFLOPS" });
    }
  }
  // the page's data: the shipped subset, pixels scaled to [0, 1] (the loader's default)
  const { xTrain: x, yTrain } = zd.data.loadFashionMnist({ subset: true, split: "train", flatten: true });
  for (const t of options.threads) {
    rows.push({ library: "zendl-node", work: "mlp train", threads: t,
      value: zendlMlp(zd, x, yTrain, options.mlpSteps, t), unit: "samples/s" });
  }
  return rows;
}

console.log(machineLine());
const rows = [...await inBrowser(), ...inNode()];
const value = (library: string, work: string, threads: number): number | undefined =>
  rows.find((r) => r.library === library && r.work === work && r.threads === threads)?.value;
const works = [...new Set(rows.map((r) => r.work))];
printTable("zendl in Chromium vs TensorFlow.js-wasm (same page) and zendl in Node", [
  "work", "zendl 1t", "zendl 2t", "tfjs 1t", "tfjs 2t", "node 1t", "node 2t", "1t vs tfjs", "2t vs best tfjs",
  "page/node 2t",
], works.map((w) => {
  const [z1, z2, t1, t2, n1, n2] = [value("zendl", w, 1), value("zendl", w, 2), value("tfjs-wasm", w, 1),
    value("tfjs-wasm", w, 2), value("zendl-node", w, 1), value("zendl-node", w, 2)];
  return [w, formatNumber(z1), formatNumber(z2), formatNumber(t1), formatNumber(t2), formatNumber(n1),
    formatNumber(n2), ratio(z1, t1), ratio(z2, Math.max(t1 ?? 0, t2 ?? 0)), ratio(z2, n2)];
}));
console.log("units: GFLOPS for gemm, training samples/s for mlp train (784-256-10, Adam, batch 128); " +
  "jax-js is not measured (not a dependency)");
if (!smoke) console.log(`results: ${writeResult("browser", { options, rows })}`);
