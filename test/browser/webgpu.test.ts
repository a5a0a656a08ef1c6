// The WebGPU backend in Chromium (--enable-unsafe-webgpu; with no GPU here the adapter is SwiftShader):
// the browser bundle opens it, computes with asynchronous reads, refuses a synchronous read with an
// error naming the asynchronous form, and trains a small classifier with a loop that reads the loss
// back only every 25 steps.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { BrowserContext } from "playwright-core";
import { serveStatic, type StaticServer } from "../../examples/browser/server.js";
import { join } from "node:path";
import { ROOT, bundlePage } from "../../examples/browser/bundle.js";
import { evaluateInPage, launchChromium } from "../helpers/chromium.js";
import type * as Zendl from "../../src/index.js";

let browser: BrowserContext;
let server: StaticServer;

// the page suite bundled apart from browser.test.ts's copy: the two files may run at the same time
const SUITE = join(ROOT, "dist/browser-webgpu-www");

before(async () => {
  await bundlePage(join(ROOT, "dist/test/browser/page/suite.js"), SUITE,
    [join(ROOT, "dist/test/browser/page/train-worker.js")]);
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
  const result = await evaluateInPage(browser, `${server.url}package.json`, async (): Promise<PageResult> => {
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
  }, undefined);
  console.log(JSON.stringify({ adapter: result.adapter, losses: result.losses, accuracy: result.accuracy }));
  assert.equal(result.backend, "webgpu");
  assert.deepEqual(result.product, [[5, 11], [11, 25]]);
  assert.match(result.syncError, /cannot be read synchronously.*await t\.data\(\)/);
  assert.ok(result.losses[result.losses.length - 1] < result.losses[0] / 2, `losses ${result.losses}`);
  assert.ok(result.accuracy >= 0.95, `accuracy ${result.accuracy}`);
});

interface DigitsResult {
  accuracy: number; history: Record<string, number[]>; batchLosses: number; labelsRead: number;
  computedReadError: string; evaluated: Record<string, number>; clfAccuracy: number; clfIterations: number;
}

test("Chromium: the digits MLP trains to >= 0.96 on webgpu (fitAsync, validation, metrics)", async () => {
  const page = `${server.url}package.json`;
  const result = await evaluateInPage(browser, page, async (): Promise<DigitsResult> => {
    const bundle = "/dist/browser/zendl.js";
    const zd = (await import(bundle)) as typeof Zendl;
    await zd.setBackend("webgpu");
    const { x, y } = await zd.data.fetchDigits("/data/digits.csv.gz");
    const [xTrain, xTest, yTrain, yTest] = zd.data.trainTestSplit(x, y, { testSize: 0.25, seed: 0 });
    // labels came from the host, so their rows can be checked (and read) synchronously; a computed
    // integer tensor cannot be
    const labelsRead = yTrain.dataSync().length;
    let computedReadError = "";
    try { xTrain.argmax(1).dataSync(); } catch (e) { computedReadError = (e as Error).message; }
    const scaler = await new zd.data.StandardScaler().fitAsync(xTrain);
    zd.manualSeed(0);
    const { nn, optim } = zd;
    const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
    let batchLosses = 0;
    const history = await zd.fitAsync(model, scaler.transform(xTrain), yTrain, {
      loss: nn.functional.crossEntropy, optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }),
      epochs: 8, batchSize: 128, seed: 0, verbose: 0, metrics: ["accuracy"],
      validationData: [scaler.transform(xTest), yTest],
      onEvent: (e) => { if (e.type === "batchEnd" && Number.isFinite(e.loss)) batchLosses++; },
    });
    const evaluated = await zd.evaluateAsync(model, scaler.transform(xTest), yTest,
      { loss: nn.functional.crossEntropy, metrics: ["accuracy"] });
    const predicted = zd.noGrad(() => model.forward(scaler.transform(xTest)).argmax(1));
    const accuracy = (await predicted.eq(yTest).float().mean().data())[0];
    // the scikit-learn-style estimator too: fitAsync reads its losses in batches, predict reads nothing
    const clf = await new zd.models.MLPClassifier({ hiddenLayerSizes: [64], maxIter: 12, randomState: 0 })
      .fitAsync(xTrain.div(16), yTrain);
    const clfAccuracy = (await clf.predict(xTest.div(16)).eq(yTest).float().mean().data())[0];
    return { accuracy, history: history.history, batchLosses, labelsRead, computedReadError, evaluated,
      clfAccuracy, clfIterations: clf.nIter };
  }, undefined);
  console.log(JSON.stringify({ accuracy: result.accuracy, valAccuracy: result.history.valAccuracy,
    clfAccuracy: result.clfAccuracy }));
  assert.equal(result.labelsRead, 1347);
  assert.match(result.computedReadError, /cannot be read synchronously.*await t\.data\(\)/);
  assert.equal(result.batchLosses, 8 * 11, "every step's loss reached its batchEnd event");
  const { loss, valAccuracy } = result.history;
  assert.ok(loss[loss.length - 1] < loss[0] / 4, `loss ${loss}`);
  assert.ok(result.accuracy >= 0.96, `test accuracy ${result.accuracy}`);
  assert.ok(Math.abs(valAccuracy[valAccuracy.length - 1] - result.accuracy) < 1e-6, "valAccuracy = accuracy");
  assert.ok(Math.abs(result.evaluated.accuracy - result.accuracy) < 1e-6, "evaluateAsync's accuracy");
  assert.equal(result.clfIterations, 12);
  assert.ok(result.clfAccuracy >= 0.85, `MLPClassifier accuracy ${result.clfAccuracy}`);
});

interface FixtureRun { backend: string; cases: number; failures: string[] }

/** Runs the page suite's `runner` (a global it defines) with the fixtures' URL. */
async function fixturesOnWebGpu(runner: string): Promise<FixtureRun> {
  const result = await evaluateInPage(browser, `${server.url}dist/browser-webgpu-www/index.html`,
    (name) => (globalThis as unknown as Record<string, (url: string) => Promise<FixtureRun>>)[name](
      "/test/fixtures/"), runner, runner);
  console.log(JSON.stringify({ runner, backend: result.backend, cases: result.cases,
    failures: result.failures.length }));
  assert.equal(result.backend, "webgpu");
  return result;
}

test("Chromium: the op table's PyTorch fixtures on webgpu (float32, 10x the CPU tolerance)", async () => {
  const result = await fixturesOnWebGpu("runOpTableOnWebGpu");
  assert.ok(result.cases > 50, `ran ${result.cases} fixture cases`);
  assert.deepEqual(result.failures, []);
});

test("Chromium: the conv and pool layers' PyTorch fixtures on webgpu (float32, 10x tolerance)", async () => {
  const result = await fixturesOnWebGpu("runLayerFixturesOnWebGpu");
  assert.equal(result.cases, 37 + 29, "every conv and pool case ran");
  assert.deepEqual(result.failures, []);
});
