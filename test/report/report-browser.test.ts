// The report.html of short MLP, GAN and char-LSTM runs, opened in headless Chromium: no console errors,
// no network requests, every chart drawn, the confusion matrix covering the whole test set.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { PNG } from "pngjs";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../helpers/chromium.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = join(root, "src", "cli", "main.js");
const work = mkdtempSync(join(tmpdir(), "zendl-report-"));
let browser: BrowserContext;

function zendl(...args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, `zendl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Pixels of a chart that are clearly coloured (the data), not white, grey or black (frame, axes, text). */
function colouredPixels(png: Buffer): { coloured: number; inked: number } {
  const image = PNG.sync.read(png);
  let coloured = 0, inked = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
    if (r + g + b < 600) inked++;
  }
  return { coloured, inked };
}

interface Opened { page: Page; consoleErrors: string[]; requests: string[] }

async function open(dir: string): Promise<Opened> {
  const page = await browser.newPage();
  const consoleErrors: string[] = [], requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  page.on("request", (r) => { if (!/^(file|data):/.test(r.url())) requests.push(r.url()); });
  const file = pathToFileURL(join(dir, "report.html")).href;
  await page.goto(file, { waitUntil: "load" });
  return { page, consoleErrors, requests };
}

/** Every `.chart` is drawn: data in colour (a bar chart of zeros shows at least its labels). */
async function checkCharts(page: Page, expected: string[]): Promise<void> {
  const charts = await page.$$(".chart");
  const names: string[] = [];
  for (const chart of charts) {
    const name = (await chart.getAttribute("data-chart")) ?? "?";
    names.push(name);
    const { coloured, inked } = colouredPixels(await chart.screenshot());
    if (name === "coverage") assert.ok(inked > 200, `${name}: blank (${inked} inked pixels)`);
    else assert.ok(coloured > 100, `${name}: no data drawn (${coloured} coloured pixels)`);
  }
  for (const name of expected) {
    assert.ok(names.includes(name), `chart ${name} missing; have ${names.join(", ")}`);
  }
}

function checkClean(opened: Opened): void {
  assert.deepEqual(opened.consoleErrors, [], "console errors");
  assert.deepEqual(opened.requests, [], "network requests");
}

test("MLP run: metrics.jsonl, report.html with curves, the confusion matrix of 450 digits", async () => {
  const dir = join(work, "mlp");
  zendl("train", "mlp", "--dataset", "digits", "--epochs", "3", "--out", dir);
  const lines = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.type), ["run", "epoch", "epoch", "epoch", "end"]);
  assert.deepEqual(lines.slice(1, 4).map((l) => l.epoch), [1, 2, 3]);
  for (const l of lines.slice(1, 4)) {
    assert.ok(l.losses.loss > 0 && l.losses.valLoss > 0 && l.metrics.valAccuracy > 0, JSON.stringify(l));
    assert.ok(l.samplesPerSecond > 0 && l.wallSeconds > 0 && l.lr === 0.01);
  }
  assert.equal(lines[4].result.epochs, 3);
  const { page, ...rest } = await open(dir);
  checkClean({ page, ...rest });
  await checkCharts(page, ["loss", "accuracy", "learning-rate", "throughput", "confusion"]);
  const counts = await page.$$eval(".cm-cell",
    (cells) => cells.map((c) => Number(c.getAttribute("data-count"))));
  assert.equal(counts.length, 100);
  assert.equal(counts.reduce((a, b) => a + b, 0), 450);
  assert.ok(await page.$$eval(".mistake svg", (s) => s.length) > 0, "the mistakes are shown as pictures");
  await page.close();

  // rebuilt from the folder alone: the same page
  const first = readFileSync(join(dir, "report.html"), "utf8");
  rmSync(join(dir, "report.html"));
  assert.match(zendl("report", dir), /wrote .*report\.html/);
  assert.equal(readFileSync(join(dir, "report.html"), "utf8"), first);
});

test("GAN run: loss and discriminator charts, the honest coverage, sample grids by epoch", async () => {
  const dir = join(work, "gan");
  zendl("train", "gan", "--dataset", "digits", "--epochs", "2", "--latent", "8", "--hidden", "32,64",
    "--out", dir);
  const opened = await open(dir);
  checkClean(opened);
  const { page } = opened;
  await checkCharts(page, ["loss", "discriminator-output", "coverage"]);
  const grids = await page.$$eval(".sample-grid img",
    (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
  assert.deepEqual(grids.length, 2);
  assert.ok(grids.every((w) => w > 0), "sample grids decode");
  const coverage = await page.textContent("#coverage");
  const end = JSON.parse(readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").at(-1)!).result;
  assert.ok(coverage!.includes(`${end.classesCoveredConfidently} of 10 classes`), coverage!);
  assert.ok(coverage!.includes("confidence ≥ 0.9"));
  await page.close();
});

test("char-LSTM run: bits-per-character chart and a text sample", async () => {
  const dir = join(work, "lstm");
  const text = join(work, "text.txt");
  const gz = readFileSync(join(root, "..", "data", "tinyshakespeare.txt.gz"));
  const corpus = gunzipSync(gz).toString("utf8");
  writeFileSync(text, corpus.slice(0, 6000));
  zendl("train", "char-lstm", "--dataset", text, "--epochs", "2", "--hidden", "32", "--seq-length", "16",
    "--batch-size", "16", "--out", dir);
  const opened = await open(dir);
  checkClean(opened);
  await checkCharts(opened.page, ["loss", "bits-per-character", "throughput"]);
  const sample = await opened.page.textContent(".text-sample");
  assert.ok(sample !== null && sample.length >= 100, `text sample: ${sample}`);
  assert.match((await opened.page.textContent("#text"))!, /\d\.\d+ bits per character/);
  await opened.page.close();
});
