// The demo page (examples/browser, npm run demo) trains the digits MLP for one epoch in Chromium and
// draws its chart: a screenshot of the chart canvas must show the loss and accuracy lines.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import pngjs from "pngjs";
import type { BrowserContext } from "playwright-core";
import { startDemo } from "../../examples/browser/serve.js";
import type { StaticServer } from "../../examples/browser/server.js";
import { launchChromium } from "../helpers/chromium.js";

let browser: BrowserContext;
let server: StaticServer;

before(async () => {
  server = await startDemo(0);
  browser = await launchChromium({ args: ["--enable-unsafe-webgpu"] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Pixels of the screenshot within 40 (per channel) of `rgb`. */
function countColor(png: Buffer, rgb: [number, number, number]): number {
  const { data } = pngjs.PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - rgb[0]) < 40 && Math.abs(data[i + 1] - rgb[1]) < 40 &&
      Math.abs(data[i + 2] - rgb[2]) < 40) n++;
  }
  return n;
}

for (const backend of ["wasm", "webgpu"]) {
  test(`the demo trains the digits MLP for one epoch on ${backend} and draws its chart and confusion matrix`,
    () => demoRun(backend, "digits"));
}
// LeNet-5, one epoch of the Fashion-MNIST subset (63 steps of 32) on the GPU: 13 s on SwiftShader
test("the demo trains LeNet-5 for one epoch on webgpu: the loss falls below chance", () =>
  demoRun("webgpu", "fashion"));

async function demoRun(backend: string, job: "digits" | "fashion"): Promise<void> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}?epochs=1&autorun=${job}${backend === "webgpu" ? "&backend=webgpu" : ""}`);
  await page.waitForFunction((name) => (document.body.dataset.done ?? "").includes(name), job,
    { timeout: 240_000 });
  const badge = await page.locator("#status").textContent();
  const status = await page.locator(`#${job}-status`).textContent();
  const chart = await page.locator(`#${job}-chart`).screenshot();
  const confusion = await page.locator(`#${job}-confusion`).screenshot();
  await page.close();
  assert.deepEqual(errors, []);
  assert.match(badge ?? "", new RegExp(`^backend ${backend} `));
  const epoch = /epoch 1\/1: loss ([\d.]+), test accuracy [\d.]+%/.exec(status ?? "");
  assert.ok(epoch, `status: ${status}`);
  // ten classes: a model that learned nothing sits at ln 10 = 2.303
  assert.ok(Number(epoch[1]) < 2.0, `the epoch's mean loss ${epoch[1]}`);
  // the loss line is #dc2626 and the test-accuracy line #2563eb; a blank chart has neither
  console.log(JSON.stringify({ demo: status, backend, lossPixels: countColor(chart, [0xdc, 0x26, 0x26]),
    accuracyPixels: countColor(chart, [0x25, 0x63, 0xeb]) }));
  assert.ok(countColor(chart, [0xdc, 0x26, 0x26]) > 300, "the loss line is drawn (the legend has 100)");
  assert.ok(countColor(chart, [0x25, 0x63, 0xeb]) > 300, "the accuracy line is drawn (the legend has 100)");
  assert.ok(countColor(confusion, [0x25, 0x63, 0xeb]) > 500, "the confusion matrix has its diagonal");
}
