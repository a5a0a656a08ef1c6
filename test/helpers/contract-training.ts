// The contract test's training checks, shared by test/backend/contract.test.ts (required-only backend) and
// test/webgpu/cases/contract.cases.ts (WebGPU): train from one seed on two backends and compare the
// parameters, and the digits MLP epoch both run.
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { assertClose } from "./allclose.js";
import { onBackend } from "./on-backend.js";

/** The model's parameters (as float32 tensors on the reference backend) after `train` ran on `backend`. */
export function trainedOn(backend: string, train: () => zd.nn.Module): Map<string, zd.Tensor> {
  return onBackend(backend, () => {
    zd.manualSeed(0);
    const model = train();
    return new Map(Object.entries(model.stateDict()).map(([k, v]) => [k, v.to("js").to("float32")]));
  });
}

export function assertSameParameters(a: Map<string, zd.Tensor>, b: Map<string, zd.Tensor>,
  tolerance: { rtol: number; atol: number }): void {
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [name, t] of a) assertClose(t, b.get(name) as zd.Tensor, { ...tolerance, label: name });
}

/** One epoch of a 64-64-10 MLP (Adam 1e-3, batch 64) on the digits, on the active backend. */
export function digitsEpoch(x: zd.Tensor, y: zd.Tensor): zd.nn.Module {
  const xs = x.to(zd.getBackend()).div(16), ys = y.to(zd.getBackend());
  const { Linear, ReLU, Sequential } = zd.nn;
  const model = new Sequential(new Linear(64, 64), new ReLU(), new Linear(64, 10));
  const optimizer = new zd.optim.Adam(model.parameters(), { lr: 1e-3 });
  const history = zd.fit(model, xs, ys, { loss: zd.nn.functional.crossEntropy, optimizer, epochs: 1,
    batchSize: 64, seed: 0, verbose: 0 });
  assert.ok(Number.isFinite(history.history.loss[0]));
  return model;
}

/** The PyTorch layer-fixture test files the contract runs on a backend (each runs on the default one). */
export async function importLayerFixtureTests(): Promise<void> {
  await import("../nn/conv.test.js");
  await import("../nn/pool.test.js");
  await import("../nn/norm.test.js");
  await import("../nn/rnn.test.js");
  await import("../nn/rnn-cells.test.js");
  await import("../models/generative-pytorch.test.js");
  await import("../optim/optimizers.test.js");
}
