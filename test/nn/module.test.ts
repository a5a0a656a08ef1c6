import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";

class Block extends nn.Module {
  fc = new nn.Linear(3, 3);
  forward(x: zd.Tensor): zd.Tensor { return this.fc.forward(x).relu(); }
}

/** Own parameter declared between children, an array of modules, a buffer and a nested child. */
class Net extends nn.Module {
  encoder = new nn.Linear(4, 3);
  scale = new nn.Parameter(zd.ones([3]));
  blocks = [new Block(), new Block()];
  head = new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh());
  notAModule = 7;
  cache: zd.Tensor = zd.zeros([2]);
  constructor() {
    super();
    this.registerBuffer("running_mean", zd.zeros([3]));
    this.registerBuffer("scratch", zd.zeros([3]), { persistent: false });
  }
  forward(x: zd.Tensor): zd.Tensor {
    let h = this.encoder.forward(x).mul(this.scale);
    for (const b of this.blocks) h = b.forward(h);
    return this.head.forward(h);
  }
}

const names = (m: nn.Module): string[] => [...m.namedParameters()].map(([n]) => n);

test("parameters are found on fields, arrays and nested modules, own ones first (PyTorch order)", () => {
  const net = new Net();
  assert.deepEqual(names(net), [
    "scale", "encoder.weight", "encoder.bias", "blocks.0.fc.weight", "blocks.0.fc.bias",
    "blocks.1.fc.weight", "blocks.1.fc.bias", "head.0.weight", "head.0.bias",
  ]);
  assert.equal(net.parameters().length, 9);
  assert.ok(net.parameters().every((p) => p instanceof nn.Parameter && p.requiresGrad && p.isLeaf));
  assert.equal(net.numParameters(), 3 + 4 * 3 + 3 + 2 * (9 + 3) + 3 * 2 + 2);
  assert.deepEqual([...net.namedChildren()].map(([n]) => n), ["encoder", "blocks.0", "blocks.1", "head"]);
  assert.deepEqual([...net.namedModules()].map(([n]) => n),
    ["", "encoder", "blocks.0", "blocks.0.fc", "blocks.1", "blocks.1.fc", "head", "head.0", "head.1"]);
  assert.equal([...net.modules()].length, 9);
  assert.equal([...net.children()].length, 4);
});

test("buffers are in the state dict (persistent only) but are not parameters", () => {
  const net = new Net();
  assert.deepEqual([...net.namedBuffers()].map(([n]) => n), ["running_mean", "scratch"]);
  assert.equal(net.buffers().length, 2);
  const keys = [...net.stateDict().keys()];
  assert.deepEqual(keys, [
    "scale", "running_mean", "encoder.weight", "encoder.bias", "blocks.0.fc.weight", "blocks.0.fc.bias",
    "blocks.1.fc.weight", "blocks.1.fc.bias", "head.0.weight", "head.0.bias",
  ]);
  assert.ok(!keys.includes("cache") && !keys.includes("scratch"));
});

test("registerParameter, registerModule and their name checks", () => {
  class Custom extends nn.Module {
    constructor() {
      super();
      this.registerParameter("alpha", new nn.Parameter(zd.zeros([2])));
      this.registerParameter("unused", null);
      this.registerModule("inner", new nn.Linear(2, 2, { bias: false }));
    }
    forward(x: zd.Tensor): zd.Tensor { return x; }
  }
  const c = new Custom();
  assert.deepEqual(names(c), ["alpha", "inner.weight"]);
  const plain = zd.zeros([1]) as nn.Parameter;
  assert.throws(() => c.registerParameter("beta", plain), /must be a Parameter or null/);
  assert.throws(() => c.registerModule("a.b", new nn.ReLU()), /without "\."/);
  assert.throws(() => c.registerBuffer("forward", zd.zeros([1])), /would hide the Custom\.forward/);
  assert.throws(() => c.registerModule("training", new nn.ReLU()), /mode flag/);
});

test("a shared parameter is listed once but saved under each name", () => {
  const a = new nn.Linear(3, 3), b = new nn.Linear(3, 3);
  b.weight = a.weight;
  const seq = new nn.Sequential(a, b);
  assert.deepEqual(names(seq), ["0.weight", "0.bias", "1.bias"]);
  assert.deepEqual([...seq.stateDict().keys()], ["0.weight", "0.bias", "1.weight", "1.bias"]);
});

test("a module that contains itself is reported instead of looping", () => {
  const seq = new nn.Sequential(new nn.ReLU());
  seq.append(seq);
  assert.throws(() => seq.parameters(), /contains itself/);
});

test("train() and eval() propagate to every descendant", () => {
  const net = new Net();
  assert.ok([...net.modules()].every((m) => m.training));
  assert.equal(net.eval(), net);
  assert.ok([...net.modules()].every((m) => !m.training));
  net.train();
  assert.ok([...net.modules()].every((m) => m.training));
  net.head.train(false);
  assert.equal(net.training, true);
  assert.equal(net.head.at(1).training, false);
});

test("zeroGrad sets every gradient to null; call() is forward()", () => {
  const net = new Net();
  const x = zd.randn([5, 4], { seed: 1 });
  net.call(x).sum().backward();
  assert.ok(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
  assert.deepEqual(net.call(x).toArray(), net.forward(x).toArray());
});

test("apply visits children before their parent", () => {
  const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.ReLU()));
  const seen: string[] = [];
  seq.apply((m) => seen.push(m.constructor.name));
  assert.deepEqual(seen, ["Linear", "ReLU", "Sequential", "Sequential"]);
});

test("stateDict is detached and shares storage; loadStateDict copies in place", () => {
  const src = new Net(), dst = new Net();
  const sd = src.stateDict();
  const encoderWeight = sd.get("encoder.weight")!;
  assert.equal(encoderWeight.requiresGrad, false);
  assert.equal(encoderWeight instanceof nn.Parameter, false);
  src.encoder.weight.assign(3);
  assert.equal(encoderWeight.dataSync()[0], 3, "the state dict views the live weights");
  const before = dst.encoder.weight;
  const result = dst.loadStateDict(sd);
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  assert.equal(dst.encoder.weight, before, "the same Parameter object, so optimizers keep it");
  for (const [name, t] of dst.stateDict()) assert.deepEqual(t.toArray(), sd.get(name)!.toArray(), name);
  const x = zd.randn([2, 4], { seed: 3 });
  assert.deepEqual(dst.forward(x).toArray(), src.forward(x).toArray());
});

test("loadStateDict accepts a plain object and converts dtypes", () => {
  const lin = new nn.Linear(2, 1);
  lin.loadStateDict({ weight: zd.tensor([[1, 2]], { dtype: "float64" }), bias: zd.tensor([0.5]) });
  assert.equal(lin.weight.dtype, "float32");
  assert.deepEqual(lin.weight.toArray(), [[1, 2]]);
  assert.deepEqual(lin.bias!.toArray(), [0.5]);
});

function snapshot(m: nn.Module): string {
  return JSON.stringify([...m.stateDict()].map(([k, t]) => [k, Array.from(t.dataSync())]));
}

test("strict loading lists every missing and unexpected key and size mismatch, and writes nothing", () => {
  const model = new nn.Sequential(new nn.Linear(5, 4), new nn.ReLU(), new nn.Linear(4, 2));
  const before = snapshot(model);
  const sd = new Map<string, zd.Tensor>([
    ["0.weight", zd.zeros([3, 5])], ["0.bias", zd.zeros([4])], ["2.weight", zd.zeros([2, 4])],
    ["3.weight", zd.zeros([1])], ["extra", zd.zeros([1])],
  ]);
  assert.throws(() => model.loadStateDict(sd), (err: Error) => {
    assert.match(err.message, /^Error\(s\) in loading state dict for Sequential:/);
    assert.match(err.message, /Missing key\(s\) in state dict: "2\.bias"\./);
    assert.match(err.message, /Unexpected key\(s\) in state dict: "3\.weight", "extra"\./);
    const sizeMismatch = "size mismatch for 0.weight: copying a param with shape [3,5] from checkpoint, " +
      "the shape in current model is [4,5].";
    assert.ok(err.message.includes(sizeMismatch), err.message);
    return true;
  });
  assert.equal(snapshot(model), before, "nothing was written");
});

test("each strict error on its own", () => {
  const model = new nn.Linear(2, 2);
  const full = model.stateDict();
  const missing = new Map(full);
  missing.delete("bias");
  assert.throws(() => model.loadStateDict(missing), /Missing key\(s\) in state dict: "bias"\./);
  assert.throws(() => model.loadStateDict(new Map([...full, ["running_var", zd.zeros([2])]])),
    /Unexpected key\(s\) in state dict: "running_var"\./);
  assert.throws(() => model.loadStateDict(new Map([...full, ["bias", zd.zeros([3])]])),
    /size mismatch for bias: copying a param with shape \[3\] from checkpoint, the shape in .* \[2\]/);
  assert.throws(() => model.loadStateDict({ weight: zd.zeros([2, 2]), bias: 3 as unknown as zd.Tensor }),
    /value for bias is not a Tensor/);
});

test("non-strict loading skips missing and unexpected keys but still checks shapes", () => {
  const model = new nn.Linear(2, 2);
  const result = model.loadStateDict({ weight: zd.ones([2, 2]), other: zd.ones([1]) }, { strict: false });
  assert.deepEqual(result, { missingKeys: ["bias"], unexpectedKeys: ["other"] });
  assert.deepEqual(model.weight.toArray(), [[1, 1], [1, 1]]);
  assert.throws(() => model.loadStateDict({ weight: zd.ones([3, 2]) }, { strict: false }),
    /size mismatch for weight/);
});

test("toString prints the architecture as PyTorch does", () => {
  const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Dropout(0.1),
    new nn.Sequential(new nn.Linear(128, 10, { bias: false }), new nn.LogSoftmax(1)));
  assert.equal(model.toString(), [
    "Sequential(",
    "  (0): Linear(in_features=64, out_features=128, bias=true)",
    "  (1): ReLU()",
    "  (2): Dropout(p=0.1)",
    "  (3): Sequential(",
    "    (0): Linear(in_features=128, out_features=10, bias=false)",
    "    (1): LogSoftmax(dim=1)",
    "  )",
    ")",
  ].join("\n"));
  assert.equal(String(new nn.LeakyReLU(0.2)), "LeakyReLU(negative_slope=0.2)");
  assert.match(String(new nn.Parameter(zd.zeros([1]))), /^Parameter containing:\ntensor\(\[0\]/);
});

test("Parameter shares the tensor's storage and is a trainable leaf", () => {
  const t = zd.tensor([1, 2, 3]);
  const p = new nn.Parameter(t);
  t.assign(5);
  assert.deepEqual(p.toArray(), [5, 5, 5]);
  assert.ok(p.requiresGrad && p.isLeaf);
  assert.equal(new nn.Parameter(zd.zeros([2]), false).requiresGrad, false);
  const computed = zd.ones([2], { requiresGrad: true }).mul(2);
  assert.ok(new nn.Parameter(computed).isLeaf, "a parameter made from a computed tensor starts a new graph");
  assert.throws(() => new nn.Parameter(zd.arange(3)), /only floating-point tensors/);
  assert.throws(() => new nn.Parameter([1, 2] as unknown as zd.Tensor), /expected a Tensor/);
});

test("Sequential and ModuleList: append, length, at, iteration", () => {
  const seq = new nn.Sequential(new nn.Linear(2, 3));
  seq.append(new nn.ReLU());
  assert.equal(seq.length, 2);
  assert.ok(seq.at(-1) instanceof nn.ReLU);
  assert.deepEqual([...seq].map((m) => m.constructor.name), ["Linear", "ReLU"]);
  assert.throws(() => seq.at(2), /Sequential: index 2 is out of range for 2 module\(s\)/);
  const notAModule = 3 as unknown as nn.Module;
  assert.throws(() => new nn.Sequential(new nn.ReLU(), notAModule), /argument 1 must be a Module/);

  const list = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
  list.append(new nn.Linear(2, 1));
  assert.equal(list.length, 3);
  assert.equal(list.at(2).outFeatures, 1);
  assert.deepEqual(names(list), ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]);
  assert.throws(() => list.forward(), /ModuleList: has no forward/);
  class Holder extends nn.Module {
    layers = list;
    forward(x: zd.Tensor): zd.Tensor { for (const l of this.layers) x = l.forward(x); return x; }
  }
  const h = new Holder();
  assert.equal(names(h)[0], "layers.0.weight");
  assert.deepEqual(h.forward(zd.ones([1, 2])).shape, [1, 1]);
});

test("modules may take several inputs and return other types", () => {
  class Bilinear extends nn.Module<[zd.Tensor, zd.Tensor], { sum: zd.Tensor; count: number }> {
    weight = new nn.Parameter(zd.ones([2, 2]));
    forward(a: zd.Tensor, b: zd.Tensor): { sum: zd.Tensor; count: number } {
      return { sum: a.matmul(this.weight).mul(b).sum(), count: 2 };
    }
  }
  class Outer extends nn.Module {
    pair = new Bilinear();
    forward(x: zd.Tensor): zd.Tensor { return this.pair.call(x, x).sum; }
  }
  const outer = new Outer();
  assert.equal(outer.forward(zd.ones([1, 2])).item(), 4);
  assert.deepEqual(names(outer), ["pair.weight"]);
  const children: nn.AnyModule[] = outer.children();
  assert.ok(children[0] instanceof Bilinear);
});
