// The WebGPU backend in Chromium (--enable-unsafe-webgpu; with no GPU here the adapter is SwiftShader):
// the browser bundle opens it, computes with asynchronous reads, refuses a synchronous read with an
// error naming the asynchronous form, and trains a small classifier with a loop that reads the loss
// back only every 25 steps.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { BrowserContext } from "playwright-core";
import { serveStatic, type StaticServer } from "../../examples/browser/server.js";
import { ROOT } from "../../examples/browser/bundle.js";
import { launchChromium } from "../helpers/chromium.js";
import type * as Zendl from "../../src/index.js";

let browser: BrowserContext;
let server: StaticServer;

before(async () => {
  server = await serveStatic({ root: ROOT });
  browser = await launchChromium({ args: ["--enable-unsafe-webgpu"] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface PageResult {
  backend: string; adapter: string; product: unknown; syncError: string; losses: number[]; accuracy: number;
}

test("Chromium: await setBackend('webgpu'), async reads, the sync-read error, a training loop", async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}package.json`);
  const result = await page.evaluate(async (): Promise<PageResult> => {
    const bundle = "/dist/browser/zendl.js";
    const zd = (await import(bundle)) as typeof Zendl;
    await zd.setBackend("webgpu");
    const adapter = (zd.tensor([0]).backend as unknown as { adapter: { description: string } }).adapter;
    const a = zd.tensor([[1, 2], [3, 4]]);
    const product = await a.matmul(a.T).toArrayAsync();
    let syncError = "";
    try { a.dataSync(); } catch (e) { syncError = (e as Error).message; }
    // two Gaussian blobs, labels by the side of a line; targets one-hot (no op here reads synchronously)
    let seed = 1;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 256, xs: number[] = [], labels: number[] = [], onehot: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = random() * 4 - 2, v = random() * 4 - 2, label = u + 0.5 * v > 0 ? 1 : 0;
      xs.push(u, v); labels.push(label); onehot.push(1 - label, label);
    }
    const x = zd.tensor(xs, { shape: [n, 2] }), y = zd.tensor(onehot, { shape: [n, 2] });
    zd.manualSeed(0);
    const model = new zd.nn.Sequential(new zd.nn.Linear(2, 16), new zd.nn.Tanh(), new zd.nn.Linear(16, 2));
    const optimizer = new zd.optim.Adam(model.parameters(), { lr: 0.05 });
    const losses: number[] = [];
    for (let step = 0; step < 100; step++) {
      optimizer.zeroGrad();
      const loss = model.forward(x).sub(y).square().mean();
      loss.backward();
      optimizer.step();
      if (step % 25 === 0 || step === 99) losses.push((await loss.data())[0]);
    }
    const predicted = zd.noGrad(() => model.forward(x).argmax(1));
    const truth = zd.tensor(labels, { dtype: "int32" });
    const accuracy = (await predicted.eq(truth).float().mean().data())[0];
    return { backend: zd.getBackend(), adapter: adapter.description, product, syncError, losses, accuracy };
  });
  await page.close();
  console.log(JSON.stringify({ adapter: result.adapter, losses: result.losses, accuracy: result.accuracy }));
  assert.deepEqual(errors, [], "no uncaught errors in the page");
  assert.equal(result.backend, "webgpu");
  assert.deepEqual(result.product, [[5, 11], [11, 25]]);
  assert.match(result.syncError, /cannot be read synchronously.*await t\.data\(\)/);
  assert.ok(result.losses[result.losses.length - 1] < result.losses[0] / 2, `losses ${result.losses}`);
  assert.ok(result.accuracy >= 0.95, `accuracy ${result.accuracy}`);
});
