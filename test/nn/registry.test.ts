import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";

test("every built-in layer round-trips through its config", () => {
  const model = new nn.Sequential(
    new nn.Flatten(), new nn.Linear(12, 8, { bias: false }), new nn.LeakyReLU(0.2), new nn.Dropout(0.3),
    new nn.Linear(8, 8, { dtype: "float64" }), new nn.GELU({ approximate: "tanh" }), new nn.ELU(0.5),
    new nn.SiLU(), new nn.Softplus({ beta: 2, threshold: 10 }), new nn.Sigmoid(), new nn.Tanh(),
    new nn.ReLU(), new nn.Identity(),
    new nn.ModuleList([new nn.Linear(2, 2)]), new nn.Softmax(0), new nn.LogSoftmax(1),
  );
  const config = model.getConfig()!;
  const rebuilt = nn.buildModule(JSON.parse(JSON.stringify(config)) as nn.ModuleConfig);
  assert.equal(rebuilt.toString(), model.toString());
  assert.deepEqual(rebuilt.getConfig(), config);
  assert.deepEqual([...rebuilt.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]),
    [...model.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]));
});

class Scaled extends nn.Module {
  constructor(readonly factor: number) { super(); }
  forward(x: zd.Tensor): zd.Tensor { return x.mul(this.factor); }
  override getConfig(): nn.ModuleConfig { return { type: "Scaled", args: { factor: this.factor } }; }
}

test("user classes can be registered; unknown types and bad configs are explained", () => {
  assert.throws(() => nn.buildModule({ type: "Scaled" }),
    /unknown module type "Scaled" at config; register it with nn\.registerModule\("Scaled", factory\)/);
  nn.registerModule("Scaled", (args) => new Scaled(args.factor as number));
  assert.throws(() => nn.registerModule("Scaled", () => new Scaled(1)), /already registered/);
  nn.registerModule("Scaled", (args) => new Scaled(args.factor as number), { override: true });
  assert.ok(nn.registeredModuleTypes().includes("Scaled"));
  const seq = nn.buildModule({ type: "Sequential", children: [{ type: "Scaled", args: { factor: 3 } }] });
  assert.deepEqual((seq as nn.Sequential).forward(zd.tensor([1, 2])).toArray(), [3, 6]);

  assert.throws(() => nn.buildModule({ type: "Linear", args: { inFeatures: "4", outFeatures: 2 } }),
    /cannot build config \("Linear"\): Linear: inFeatures must be a positive integer, got "4"/);
  const reluWithChild = { type: "ReLU", children: [{ type: "ReLU" }] };
  assert.throws(() => nn.buildModule({ type: "Sequential", children: [reluWithChild] }),
    /config\.children\[0\] \("ReLU"\): ReLU takes no children/);
  const untyped = { type: "Sequential", children: [{ kind: "ReLU" }] } as unknown as nn.ModuleConfig;
  assert.throws(() => nn.buildModule(untyped),
    /config\.children\[0\] must be an object with a string "type"/);
  let deep: nn.ModuleConfig = { type: "ReLU" };
  for (let i = 0; i < 200; i++) deep = { type: "Sequential", children: [deep] };
  assert.throws(() => nn.buildModule(deep), /nested more than 100 levels/);
  assert.throws(() => nn.buildModule({ type: "__proto__" }), /unknown module type "__proto__"/);
});

test("a container with an unregistered child has no config", () => {
  class Custom extends nn.Module { forward(x: zd.Tensor): zd.Tensor { return x; } }
  assert.equal(new Custom().getConfig(), null);
  assert.equal(new nn.Sequential(new nn.ReLU(), new Custom()).getConfig(), null);
});
