import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";

const { nn } = zd;

test("summary lists layers with output shapes and parameter counts", () => {
  const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const summary = model.summary([2, 64]);
  assert.deepEqual(summary.rows.map((r) => [r.name, r.type, r.outputShapes, r.parameters]), [
    ["", "Sequential", [[2, 10]], 64 * 128 + 128 + 128 * 10 + 10],
    ["0", "Linear", [[2, 128]], 64 * 128 + 128],
    ["1", "ReLU", [[2, 128]], 0],
    ["2", "Linear", [[2, 10]], 128 * 10 + 10],
  ]);
  assert.equal(summary.totalParameters, 9610);
  assert.equal(summary.trainableParameters, 9610);
  assert.equal(summary.parameterBytes, 9610 * 4);
  const text = String(summary);
  assert.match(text, /Total params: 9,610/);
  assert.match(text, /0 \(Linear\)\s+\[2, ?128\]\s+8,320/);
  for (const m of model.modules()) assert.ok(!Object.hasOwn(m, "forward"), "the shape hooks are removed");
});

test("summary runs in eval mode without touching running statistics, then restores the mode", () => {
  const norm = new nn.BatchNorm1d(3);
  const model = new nn.Sequential(new nn.Linear(2, 3), norm);
  model.parameters()[0].requiresGrad = false;
  const before = norm.buffers().map((b) => Array.from(b.dataSync()));
  const summary = model.summary([4, 2]);
  assert.deepEqual(norm.buffers().map((b) => Array.from(b.dataSync())), before);
  assert.equal(model.training, true);
  assert.equal(summary.nonTrainableParameters, 6);
  assert.ok(summary.bufferBytes > 0);
  assert.equal(model.summary().rows[1].outputShapes, null);
  assert.throws(() => model.summary([0, 2]), /inputShape must be a non-empty array of positive integers/);
});
