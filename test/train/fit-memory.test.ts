import assert from "node:assert/strict";
import { test } from "node:test";
import * as zd from "../../src/index.js";

const { nn, optim } = zd;

/** A model that keeps a tensor made during forward on itself, as a stateful layer would. */
class Remembering extends nn.Module {
  fc = new nn.Linear(4, 3);
  last: zd.Tensor | null = null;
  history: zd.Tensor[] = [];
  forward(x: zd.Tensor): zd.Tensor {
    const out = this.fc.forward(x);
    this.last = out.detach();
    if (this.history.length < 3) this.history.push(out.detach().sum());
    return out;
  }
}

test("fit frees each step's tensors but spares what the model stored on itself", () => {
  const model = new Remembering();
  const x = zd.randn([40, 4], { seed: 1 }), y = zd.randint(0, 3, [40], { seed: 2 });
  zd.fit(model, x, y, {
    loss: nn.functional.crossEntropy, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
    epochs: 2, batchSize: 8, verbose: 0,
  });
  assert.ok(model.last !== null && !model.last.isDisposed);
  assert.deepEqual(model.last.shape, [8, 3]);
  assert.ok(Number.isFinite(model.last.sum().item()));
  assert.ok(model.history.every((t) => !t.isDisposed && Number.isFinite(t.item())));
  for (const p of model.parameters()) assert.ok(!p.isDisposed && p.grad !== null && !p.grad.isDisposed);
});

test("backward disposes the tensors it made, all but the leaves' gradients", () => {
  const w = zd.randn([5, 5], { seed: 3 }).requiresGrad_();
  const b = zd.randn([5], { seed: 4 }).requiresGrad_();
  const x = zd.randn([7, 5], { seed: 5 });
  const loss = x.matmul(w).add(b).tanh().mul(x).softmax(-1).sum();
  const before = zd.memory().numTensors;
  loss.backward();
  // the two new .grad tensors, and nothing else left alive by the sweep (a collection during it could
  // only lower the count)
  const added = zd.memory().numTensors - before;
  assert.ok(added <= 2, `backward left ${added} tensors alive, expected the 2 gradients`);
  assert.ok(w.grad !== null && b.grad !== null);
  assert.ok(Number.isFinite(w.grad.sum().item()) && Number.isFinite(b.grad.sum().item()));
});

test("keepReachable keeps tensors in fields, arrays and maps inside a tidy, and nothing else", () => {
  const holder = { a: null as zd.Tensor | null, list: [] as zd.Tensor[], map: new Map<string, zd.Tensor>() };
  let loose: zd.Tensor | null = null;
  zd.tidy(() => {
    holder.a = zd.ones([2]);
    holder.list.push(zd.zeros([3]));
    holder.map.set("k", zd.full([1], 7));
    loose = zd.ones([4]);
    zd.keepReachable(holder);
  });
  assert.ok(!holder.a!.isDisposed && !holder.list[0].isDisposed && !holder.map.get("k")!.isDisposed);
  assert.equal(holder.map.get("k")!.item(), 7);
  assert.ok(loose !== null && (loose as zd.Tensor).isDisposed);
});
