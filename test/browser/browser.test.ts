// zendl in a real browser: Debian's Chromium (playwright-core) loads the bundled page suite from a
// loopback server with and without COOP/COEP and checks what test/browser/page/suite.ts measures.
// Prints one JSON line per page run: backend, threads, crossOriginIsolated, testAccuracy, ...
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { serveStatic, type StaticServer } from "../../examples/browser/server.js";
import { evaluateInPage, launchChromium } from "../helpers/chromium.js";
import { ROOT, bundlePage } from "../../examples/browser/bundle.js";
import type { SuiteOptions, SuiteResult } from "./page/suite.js";
import type { WorkerTrainResult } from "./page/train-worker.js";

// outside dist/test: node --test runs every .js file below a test/ folder, a bundle included
const OUT = join(ROOT, "dist/browser-test-www");
let browser: BrowserContext;
let isolated: StaticServer, plain: StaticServer;
const results = new Map<string, SuiteResult>();

before(async () => {
  await bundlePage(join(ROOT, "dist/test/browser/page/suite.js"), OUT,
    [join(ROOT, "dist/test/browser/page/train-worker.js")]);
  [isolated, plain] = await Promise.all([
    serveStatic({ root: ROOT }), serveStatic({ root: ROOT, isolated: false }),
  ]);
  // exact JS heap figures for the memory loop, after a collection the page may ask for
  browser = await launchChromium({ args: ["--enable-precise-memory-info", "--js-flags=--expose-gc"] });
});

after(async () => {
  await browser?.close();
  await Promise.all([isolated?.close(), plain?.close()]);
});

/** Opens the test page on `server`, runs `fn` in it and checks that nothing threw uncaught. */
function inPage<T, A>(server: StaticServer, fn: (arg: A) => Promise<T>, arg: A): Promise<T> {
  return evaluateInPage(browser, `${server.url}dist/browser-test-www/index.html`, fn, arg, "runSuite");
}

function runPage(server: StaticServer, options: Partial<SuiteOptions>): Promise<SuiteResult> {
  const full: SuiteOptions = { fixturesUrl: "/test/fixtures/", digitsUrl: "/data/digits.csv.gz",
    memorySteps: 5000, ...options };
  return inPage(server, (o) =>
    (globalThis as unknown as { runSuite(o: SuiteOptions): Promise<SuiteResult> }).runSuite(o), full);
}

function report(label: string, r: SuiteResult): void {
  console.log(JSON.stringify({ page: label, backend: r.backend, threads: r.threads,
    crossOriginIsolated: r.crossOriginIsolated, testAccuracy: r.testAccuracy, trainSeconds: r.trainSeconds,
    longestFrameGapMs: Math.round(r.longestFrameGapMs), steadyFrameGapMs: Math.round(r.steadyFrameGapMs),
    longestStepMs: Math.round(r.longestStepMs),
    opCases: r.opTable.cases, opFailures: r.opTable.failures.length, memory: r.memory,
    yieldingMemory: r.yieldingMemory }));
}

function checkRun(r: SuiteResult): void {
  assert.match(r.readyError ?? "", /await zd\.ready\(\)/, "a tensor before ready() names the fix");
  assert.equal(r.backend, "wasm");
  assert.ok(r.opTable.cases > 50, `op table ran ${r.opTable.cases} fixture cases`);
  assert.deepEqual(r.opTable.failures, []);
  assert.ok(r.testAccuracy >= 0.96, `digits MLP test accuracy ${r.testAccuracy} >= 0.96`);
  assert.ok(r.roundTrip.bytes > 0 && r.roundTrip.fromBlob);
  assert.equal(r.roundTrip.maxDifference, 0, "the loaded model computes the same outputs");
  // a synchronous loop without dispose, tidy or await: from 40% of the steps to the end nothing grows
  // (kept, the 3,000 steps' tensors would be about 78,000 and 140 MiB)
  if (r.memory.steps > 0) {
    const m = r.memory;
    assert.ok(m.heapBytesEnd <= m.heapBytesEarly + 4 * 2 ** 20,
      `wasm heap ${m.heapBytesEnd} at the end, ${m.heapBytesEarly} at 40% of the steps`);
    assert.ok(m.liveBytesEnd <= 96 * 2 ** 20, `live tensor bytes ${m.liveBytesEnd} <= 96 MiB`);
    assert.ok(m.jsHeapEnd === null || m.jsHeapEarly === null || m.jsHeapEnd <= m.jsHeapEarly + 16 * 2 ** 20,
      `JS heap ${m.jsHeapEnd} at the end, ${m.jsHeapEarly} at 40% of the steps`);
    // awaiting now and then lets the finalizers run: kept, the 2,000 steps' tensors would be about
    // 52,000 and 90 MiB (the synchronous loop keeps about 26 tensors and 46 KiB a step)
    const y = r.yieldingMemory;
    assert.ok(y.liveTensorsEnd < 10_000, `${y.liveTensorsEnd} live tensors after ${y.steps} yielding steps`);
    assert.ok(y.liveBytesEnd < 32 * 2 ** 20, `${y.liveBytesEnd} live bytes after ${y.steps} yielding steps`);
  }
}

test("page served with COOP/COEP: crossOriginIsolated, 2 threads, kernels beside the bundle", async () => {
  const r = await runPage(isolated, {});
  results.set("isolated", r);
  report("isolated", r);
  checkRun(r);
  assert.equal(r.crossOriginIsolated, true);
  assert.equal(r.threads, 2);
});

test("page served without the headers: one thread, kernels from a URL given to ready()", async () => {
  // the memory loop runs in the isolated page only: it measures the same thing, and costs seconds
  const r = await runPage(plain, { kernels: "/dist/kernels/", memorySteps: 0 });
  results.set("plain", r);
  report("plain", r);
  checkRun(r);
  assert.equal(r.crossOriginIsolated, false);
  assert.equal(r.threads, 1);
});

test("one thread and two give the same results", () => {
  const a = results.get("isolated"), b = results.get("plain");
  assert.ok(a && b, "both page runs finished");
  a.matmulSample.forEach((v, i) => assert.ok(Math.abs(v - b.matmulSample[i]) <= 1e-4 * (1 + Math.abs(v)),
    `matmul element ${i}: ${v} vs ${b.matmulSample[i]}`));
  assert.equal(a.testAccuracy, b.testAccuracy);
});

test("training inside a Web Worker, with its own nested kernel workers", async () => {
  const r = await inPage(isolated, (url) =>
    (globalThis as unknown as { trainInWorker(u: string): Promise<WorkerTrainResult> }).trainInWorker(url),
  "/data/digits.csv.gz");
  console.log(JSON.stringify({ page: "worker", ...r }));
  assert.equal(r.threads, 2);
  assert.ok(r.testAccuracy >= 0.95, `accuracy ${r.testAccuracy}`);
});

test("the prebuilt bundle works from a plain <script type=module> import", async () => {
  const r = await inPage(isolated, async () => {
    const zd = await import("/dist/browser/zendl.js" as string) as typeof import("../../src/index.js");
    await zd.ready();
    const product = zd.tensor([[1, 2], [3, 4]]).matmul(zd.tensor([[5], [6]]));
    return { values: product.toArray(), backend: zd.getBackend(), threads: zd.getNumThreads() };
  }, null);
  assert.deepEqual(r, { values: [[17], [39]], backend: "wasm", threads: 2 });
});
