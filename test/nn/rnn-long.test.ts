// Long sequences: 1,000 recurrent steps stay finite with clipping, and training still learns.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";

test("1,000-step sequences: gradients stay finite with clipping, and training lowers the loss", () => {
  zd.manualSeed(0);
  const lstm = new nn.LSTM(3, 8), head = new nn.Linear(8, 1);
  const params = [...lstm.parameters(), ...head.parameters()];
  const opt = new zd.optim.Adam(params, { lr: 0.01 });
  const x = zd.randn([1000, 2, 3], { seed: 1 });
  // the target at each step is the first input feature of 3 steps before: it needs memory
  const target = zd.concat([zd.zeros([3, 2, 1]), x.slice(0, 0, 997).slice(2, 0, 1)], 0);
  const losses: number[] = [];
  for (let step = 0; step < 8; step++) {
    opt.zeroGrad();
    const [out] = lstm.forward(x);
    const loss = nn.functional.mseLoss(head.forward(out), target);
    loss.backward();
    const norm = nn.utils.clipGradNorm(params, 1, { errorIfNonfinite: true });
    assert.ok(Number.isFinite(norm), `gradient norm ${norm} at step ${step}`);
    for (const p of params) assert.ok(p.grad!.abs().max().item() < Infinity);
    opt.step();
    losses.push(loss.item());
  }
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.ok(losses[7] < losses[0], `loss went from ${losses[0]} to ${losses[7]}`);
  // an RNN with relu on a long sequence explodes without clipping; the clipped norm stays at maxNorm
  const rnn = new nn.RNN(3, 8, { nonlinearity: "relu" });
  zd.noGrad(() => rnn.cellWeights(0).weightHh.assign(zd.eye(8).mul(1.02)));
  rnn.forward(x)[0].sum().backward();
  nn.utils.clipGradNorm(rnn.parameters(), 1);
  const clipped = Math.sqrt(rnn.parameters().reduce((s, p) => s + p.grad!.square().sum().item(), 0));
  assert.ok(Math.abs(clipped - 1) < 1e-3, `clipped norm ${clipped}`);
});
