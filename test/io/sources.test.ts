// The byte sources shared by Node and browsers: save() to bytes, load() from bytes, Blob, Response and
// file URLs, the data sets from URLs, and the browser-only helpers' errors in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as zd from "../../src/index.js";
import { ROOT } from "../../examples/browser/bundle.js";

test("save without a path gives the bytes, and load reads bytes, Blob, Response and file URLs", async () => {
  zd.manualSeed(0);
  const model = new zd.nn.Sequential(new zd.nn.Linear(4, 3), new zd.nn.ReLU(), new zd.nn.Linear(3, 2));
  const bytes = await zd.save(model);
  assert.ok(bytes instanceof Uint8Array && bytes.length > 100);
  const x = zd.randn([5, 4]);
  const expected = zd.noGrad(() => model.call(x)).dataSync();
  const owned = bytes as Uint8Array<ArrayBuffer>;
  for (const source of [bytes, bytes.slice().buffer, new Blob([owned]), new Response(owned)]) {
    const restored = await zd.load(source);
    assert.deepEqual(zd.noGrad(() => restored.call(x)).dataSync(), expected);
  }
  const dict = await zd.loadStateDict(pathToFileURL(join(ROOT, "test/fixtures/state-dict.safetensors")));
  assert.ok(dict.size > 0);
  await assert.rejects(zd.save(model, { optimizer: new zd.optim.SGD(model.parameters(), { lr: 0.1 }) }),
    /options\.optimizer needs a path/);
  await assert.rejects(zd.load(42 as unknown as Uint8Array), /expected a path, URL, Uint8Array/);
  await assert.rejects(zd.load(new Response("nope", { status: 404 })), /load: cannot read .*HTTP 404/);
});

test("fetchDigits and fetchFashionMnist from URLs give what the file loaders give", async () => {
  const url = pathToFileURL(join(ROOT, "data/digits.csv.gz"));
  const fetched = await zd.data.fetchDigits(url, { nClass: 3 });
  const loaded = zd.data.loadDigits({ nClass: 3 });
  assert.deepEqual(fetched.x.dataSync(), loaded.x.dataSync());
  assert.deepEqual(fetched.y.dataSync(), loaded.y.dataSync());
  const base = pathToFileURL(join(ROOT, "data/fashion-mnist-subset/"));
  const remote = await zd.data.fetchFashionMnist(base, { split: "test", flatten: true });
  const local = zd.data.loadFashionMnist({ subset: true, split: "test", flatten: true });
  assert.deepEqual(remote.xTest.shape, [500, 784]);
  assert.deepEqual(remote.xTest.dataSync(), local.xTest.dataSync());
  assert.deepEqual(remote.yTest.dataSync(), local.yTest.dataSync());
  await assert.rejects(zd.data.fetchFashionMnist(base, { split: "all" as "both" }), /split must be/);
});

test("fetchBytes gunzips gzip data and leaves other bytes alone", async () => {
  const gz = await zd.data.fetchBytes(pathToFileURL(join(ROOT, "data/digits.csv.gz")));
  assert.match(new TextDecoder().decode(gz.subarray(0, 20)), /^[\d.,]+/);
  const plain = new Uint8Array([1, 2, 3]);
  assert.deepEqual(await zd.data.fetchBytes(plain), plain);
});

test("toImageData needs a browser and says so; fitAsync gives fit's results", async () => {
  assert.throws(() => zd.toImageData({ pixels: new Uint8Array(4), width: 2, height: 2, channels: 1 }),
    /ImageData exists only in browsers/);
  const run = async (asynchronous: boolean): Promise<number[]> => {
    zd.manualSeed(3);
    const model = new zd.nn.Sequential(new zd.nn.Linear(4, 8), new zd.nn.Tanh(), new zd.nn.Linear(8, 2));
    const x = zd.randn([64, 4]), y = zd.randint(0, 2, [64]);
    const options = { loss: zd.nn.functional.crossEntropy, epochs: 3, batchSize: 16, verbose: 0 as const,
      seed: 1,
      optimizer: new zd.optim.SGD(model.parameters(), { lr: 0.1 }) };
    const history = asynchronous ? await zd.fitAsync(model, x, y, { ...options, yieldEveryMs: 0 })
      : zd.fit(model, x, y, options);
    return history.history.loss;
  };
  assert.deepEqual(await run(true), await run(false));
  await assert.rejects(zd.fitAsync(new zd.nn.Linear(1, 1), zd.zeros([2, 1]), zd.zeros([2, 1]), {
    loss: zd.nn.functional.mseLoss, optimizer: { zeroGrad() {}, step() {} }, verbose: 0, yieldEveryMs: -1 }),
  /yieldEveryMs must be a number >= 0/);
});
