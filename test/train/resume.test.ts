import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as zd from "../../src/index.js";

const { nn, optim } = zd;

class Killed extends Error {}
/** Throws at a given global step, as a `kill -9` would stop the run there. */
const killAt = (step: number): zd.callbacks.Callback => ({
  onBatchEnd: (_e, context) => { if (context.globalStep === step) throw new Killed(`killed at ${step}`); },
});
const noop: zd.callbacks.Callback = {};

function data(): { x: zd.Tensor; y: zd.Tensor; xv: zd.Tensor; yv: zd.Tensor } {
  const x = zd.randn([150, 6], { seed: 3 });
  const y = x.sum(1).gt(0).to("int32");
  const xv = zd.randn([40, 6], { seed: 4 });
  return { x, y, xv, yv: xv.sum(1).gt(0).to("int32") };
}

interface RunOptions {
  dir?: string; callbacks?: zd.callbacks.Callback[]; resume?: boolean; initSeed?: number;
}

function run(options: RunOptions) {
  zd.manualSeed(options.initSeed ?? 1);
  const model = new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.Dropout(0.2),
    new nn.Linear(16, 2));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
  const { x, y, xv, yv } = data();
  const history = zd.fit(model, x, y, {
    loss: nn.functional.crossEntropy, optimizer, epochs: 4, batchSize: 32, seed: 0, metrics: ["accuracy"],
    validationData: [xv, yv], verbose: 0, callbacks: options.callbacks,
    resumeFrom: options.resume ? options.dir : undefined,
  });
  const bytes = [...model.stateDict().values()].map((t) => Array.from(t.dataSync()));
  return { history: history.history, epochs: history.epoch, bytes };
}

test("fit resumed from a checkpoint taken mid-epoch ends bit-identical to an uninterrupted run", () => {
  const reference = run({});
  for (const [every, kill] of [[3, 10], [5, 6], [5, 19], [1, 5]]) {
    const dir = mkdtempSync(join(tmpdir(), "zendl-resume-"));
    const checkpoints = join(dir, "checkpoints");
    const saver = () => new zd.callbacks.ModelCheckpoint({ dir: checkpoints, everySteps: every,
      keepLast: 2 });
    assert.throws(() => run({ dir: checkpoints, callbacks: [killAt(kill), saver()] }), Killed);
    assert.ok(readdirSync(checkpoints).length >= 1 && readdirSync(checkpoints).length <= 2);
    const resumed = run({ dir: checkpoints, callbacks: [noop, saver()], resume: true, initSeed: 99 });
    assert.deepEqual(resumed.bytes, reference.bytes, `every ${every}, killed at ${kill}: weights`);
    assert.deepEqual(resumed.history, reference.history, `every ${every}, killed at ${kill}: metrics`);
    assert.deepEqual(resumed.epochs, [1, 2, 3, 4]);
  }
});

test("a checkpoint that fails its checksum is passed over for the previous one", async () => {
  const { writeFileSync, readFileSync } = await import("node:fs");
  const reference = run({});
  const dir = mkdtempSync(join(tmpdir(), "zendl-resume-"));
  const saver = () => new zd.callbacks.ModelCheckpoint({ dir, everySteps: 4, keepLast: 3 });
  assert.throws(() => run({ dir, callbacks: [killAt(13), saver()] }), Killed);
  const newest = readdirSync(dir).sort().at(-1)!;
  const file = join(dir, newest, "model.safetensors");
  const bytes = readFileSync(file);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(file, bytes);
  assert.throws(() => run({ dir: join(dir, newest), callbacks: [noop, saver()], resume: true }),
    /model\.safetensors does not match its SHA-256 checksum/);
  const resumed = run({ dir, callbacks: [noop, saver()], resume: true });
  assert.deepEqual(resumed.bytes, reference.bytes);
});

test("resume refuses a different set of callbacks and an empty folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "zendl-resume-"));
  assert.throws(() => run({ dir, resume: true }), /no checkpoint in/);
  const saver = new zd.callbacks.ModelCheckpoint({ dir, everyEpochs: 1 });
  run({ dir, callbacks: [saver] });
  assert.ok(existsSync(saver.lastPath!));
  assert.throws(() => run({ dir, resume: true }), /pass the same callbacks in the same order/);
});

test("ModelCheckpoint keeps the last K and the best by the monitored value", () => {
  const dir = mkdtempSync(join(tmpdir(), "zendl-best-"));
  const saver = new zd.callbacks.ModelCheckpoint({ dir, monitor: "valAccuracy", keepLast: 1 });
  run({ dir, callbacks: [saver] });
  const names = readdirSync(dir).sort();
  assert.ok(names.includes(saver.lastPath!.split("/").at(-1)!));
  assert.ok(saver.bestPath === null || names.includes(saver.bestPath.split("/").at(-1)!));
  assert.ok(names.length <= 2);
  assert.throws(() => new zd.callbacks.ModelCheckpoint({ dir, saveBestOnly: true }),
    /saveBestOnly needs a monitor/);
});

test("the CNN on Fashion-MNIST images resumes bit-identical from a mid-epoch checkpoint", () => {
  const { xTrain, yTrain } = zd.data.loadFashionMnist({ subset: true });
  const x = xTrain.slice(0, 0, 192), y = yTrain.slice(0, 0, 192);
  const train = (dir: string | undefined, callbacks: zd.callbacks.Callback[], resume: boolean,
    seed: number) => {
    zd.manualSeed(seed);
    const model = zd.models.cnn({ numClasses: 10 });
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    zd.fit(model, x, y, { loss: nn.functional.crossEntropy, optimizer, epochs: 1, batchSize: 48, seed: 0,
      verbose: 0, callbacks, resumeFrom: resume ? dir : undefined });
    return [...model.stateDict().values()].map((t) => Array.from(t.dataSync()));
  };
  const reference = train(undefined, [], false, 0);
  const dir = mkdtempSync(join(tmpdir(), "zendl-cnn-"));
  const saver = () => new zd.callbacks.ModelCheckpoint({ dir, everySteps: 1 });
  assert.throws(() => train(dir, [killAt(3), saver()], false, 0), Killed);
  assert.deepEqual(train(dir, [noop, saver()], true, 5), reference);
});
