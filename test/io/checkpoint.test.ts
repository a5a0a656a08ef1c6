import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.js";
import { assertClose } from "../helpers/allclose.js";
import { fixturePath, getArray, loadFixture, type FixtureArray } from "../helpers/fixtures.js";

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), "zendl-checkpoint-"));
const fromFixture = (a: FixtureArray): zd.Tensor => zd.tensor(a.data, { shape: a.shape });

function makeModel(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Dropout(0.2), new nn.Linear(8, 3));
}

test("save then load rebuilds the architecture and gives the same outputs", async () => {
  const dir = await tempDir();
  const path = join(dir, "model.zendl");
  const model = makeModel();
  await zd.save(model, path, { metadata: { epoch: "3" } });
  const loaded = await zd.load<nn.Sequential>(path);
  assert.equal(loaded.toString(), model.toString());
  assert.ok(loaded.at(0) !== model.at(0));
  const x = zd.randn([5, 4], { seed: 9 });
  model.eval();
  loaded.eval();
  assert.deepEqual(loaded.forward(x).toArray(), model.forward(x).toArray());
  assert.deepEqual(await readdir(dir), ["model.zendl"], "no temp file is left behind");

  const { tensors, metadata } = decodeSafetensors(await readFile(path));
  assert.equal(metadata.format, "pt");
  assert.equal(metadata.epoch, "3");
  assert.deepEqual(JSON.parse(metadata["zendl.architecture"]), model.getConfig());
  assert.deepEqual(await zd.loadMetadata(path), metadata);
  assert.deepEqual([...tensors.keys()], ["0.weight", "0.bias", "3.weight", "3.bias"]);
  assert.deepEqual(tensors.get("0.weight")!.shape, [8, 4], "PyTorch layout: [out, in]");
  const bias = model.at(3).stateDict().get("bias")!;
  assert.deepEqual(Array.from(tensors.get("3.bias")!.data), Array.from(bias.dataSync()));
});

test("load and loadStateDict with { backend } put the tensors there; the active backend stays", async () => {
  const dir = await tempDir();
  const path = join(dir, "model.zendl");
  const model = makeModel().eval();
  await zd.save(model, path);
  const active = zd.getBackend();
  const other = active === "js" ? "wasm" : "js";
  const loaded = (await zd.load<nn.Sequential>(path, { backend: other })).eval();
  assert.equal(zd.getBackend(), active);
  for (const p of loaded.parameters()) assert.equal(p.backend.name, other);
  const x = zd.randn([5, 4], { seed: 9 });
  // the same weights; the two backends may round differently (fused multiply-adds)
  assertClose(loaded.forward(x.to(other)).to(active), model.forward(x), { rtol: 1e-5, atol: 1e-6 });
  const state = await zd.loadStateDict(path, { backend: other });
  for (const t of state.values()) assert.equal(t.backend.name, other);
  await assert.rejects(zd.load(path, { backend: "tpu" }), /unknown backend "tpu"/);
  assert.equal(zd.getBackend(), active);
});

test("the PyTorch-written state-dict fixture loads into the same zendl architecture", async () => {
  const c = loadFixture("state-dict").model;
  const path = fixturePath("state-dict.safetensors");
  const sd = await zd.loadStateDict(path);
  assert.deepEqual([...sd.keys()].sort(), [...(c.keys as string[])].sort());
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
  model.loadStateDict(sd);
  for (const key of c.keys as string[]) {
    const expected = getArray(c.state as Record<string, never>, key);
    assert.deepEqual(Array.from(model.stateDict().get(key)!.dataSync()), expected.data, key);
  }
  const output = model.forward(fromFixture(getArray(c, "input")));
  assertClose(output, getArray(c, "output"), { rtol: 1e-5, atol: 1e-5 });
  model.loadStateDict(zd.loadStateDictSync(path));

  await assert.rejects(zd.load(path), (err: Error) => {
    assert.match(err.message, /state-dict\.safetensors" does not record its architecture/);
    assert.match(err.message, /model\.loadStateDict\(await zd\.loadStateDict\(/);
    return true;
  });
});

test("a module without a config can be saved; load explains what to do instead", async () => {
  class Custom extends nn.Module {
    fc = new nn.Linear(2, 2);
    forward(x: zd.Tensor): zd.Tensor { return this.fc.forward(x); }
  }
  const dir = await tempDir();
  const path = join(dir, "custom.safetensors");
  const model = new Custom();
  await zd.save(model, path);
  await assert.rejects(zd.load(path), /does not record its architecture.*Build the model in code/s);
  const copy = new Custom();
  copy.loadStateDict(await zd.loadStateDict(path));
  assert.deepEqual(copy.fc.weight.toArray(), model.fc.weight.toArray());
});

test("truncated files and bad headers give errors that name the file", async () => {
  const dir = await tempDir();
  const good = join(dir, "good.safetensors");
  await zd.save(makeModel(), good);
  const bytes = await readFile(good);
  const truncated = join(dir, "truncated.safetensors");
  await writeFile(truncated, bytes.subarray(0, bytes.length - 10));
  await assert.rejects(zd.load(truncated),
    /Invalid safetensors file ".*truncated\.safetensors": tensor "3\.bias".*outside the data area/);
  await assert.rejects(zd.loadStateDict(truncated), /truncated\.safetensors/);

  const badHeader = join(dir, "bad-header.safetensors");
  const corrupt = Uint8Array.from(bytes);
  corrupt.set(new TextEncoder().encode("{not json"), 8);
  await writeFile(badHeader, corrupt);
  assert.throws(() => zd.loadSync(badHeader),
    /Invalid safetensors file ".*bad-header\.safetensors": header is not valid UTF-8 JSON/);

  await assert.rejects(zd.load(join(dir, "missing.zendl")), /load: cannot read ".*missing\.zendl": ENOENT/);

  const badArchitecture = join(dir, "bad-arch.safetensors");
  await zd.save(new Map([["0.weight", zd.zeros([2, 2])]]), badArchitecture);
  await assert.rejects(zd.load(badArchitecture), /does not record its architecture/);

  const mismatch = join(dir, "mismatch.zendl");
  await zd.save(makeModel(), mismatch);
  const { tensors, metadata } = decodeSafetensors(await readFile(mismatch));
  const config = JSON.parse(metadata["zendl.architecture"]) as nn.ModuleConfig;
  config.children![0].args!.outFeatures = 7;
  const sd = new Map([...tensors].map(([k, r]) => [k, zd.tensor(r.data, { shape: r.shape })]));
  const raw = new Map([...sd].map(([k, t]) => [k, { dtype: "float32" as const, shape: [...t.shape],
    data: t.dataSync() }]));
  const edited = { ...metadata, "zendl.architecture": JSON.stringify(config) };
  await writeFile(mismatch, encodeSafetensors(raw, edited));
  await assert.rejects(zd.load(mismatch),
    /mismatch\.zendl": the weights do not fit the recorded architecture: .*size mismatch for 0\.weight/s);
});

test("writes are atomic: a failed save leaves the previous file intact and no temp file", async () => {
  const dir = await tempDir();
  const path = join(dir, "model.zendl");
  await zd.save(makeModel(), path);
  const before = await readFile(path);
  const bad = new Map<string, zd.Tensor>([["w", 5 as unknown as zd.Tensor]]);
  await assert.rejects(zd.save(bad, path), /state dict entry "w" is not a Tensor/);
  await assert.rejects(zd.save(makeModel(), path, { metadata: { format: "x" } }),
    /metadata key "format" is reserved/);
  assert.deepEqual(await readFile(path), before);

  const occupied = join(dir, "occupied");
  await mkdir(join(occupied, "child"), { recursive: true });
  await assert.rejects(zd.save(makeModel(), occupied));
  assert.throws(() => zd.saveSync(makeModel(), occupied));
  assert.deepEqual((await readdir(dir)).sort(), ["model.zendl", "occupied"], "temp files are cleaned up");
});

test("saveSync and loadSync", async () => {
  const dir = await tempDir();
  const path = join(dir, "sync.zendl");
  const model = new nn.Sequential(new nn.Linear(3, 2, { dtype: "float64" }), new nn.Softmax(1));
  zd.saveSync(model, path);
  const loaded = zd.loadSync<nn.Sequential>(path);
  assert.equal(loaded.at(0).stateDict().get("weight")!.dtype, "float64");
  const x = zd.randn([2, 3], { dtype: "float64", seed: 2 });
  assert.deepEqual(loaded.forward(x).toArray(), model.forward(x).toArray());
});

test("int32 buffers round trip with the model", async () => {
  class WithCounter extends nn.Linear {
    constructor() {
      super(2, 2);
      this.registerBuffer("num_batches_tracked", zd.tensor([7], { dtype: "int32" }).reshape([]));
    }
  }
  const dir = await tempDir();
  const path = join(dir, "buffers.safetensors");
  await zd.save(new WithCounter(), path);
  const sd = await zd.loadStateDict(path);
  assert.equal(sd.get("num_batches_tracked")!.dtype, "int32");
  const fresh = new WithCounter();
  fresh.registerBuffer("num_batches_tracked", zd.tensor([0], { dtype: "int32" }).reshape([]));
  fresh.loadStateDict(sd);
  assert.equal(fresh.stateDict().get("num_batches_tracked")!.item(), 7);
});

/** The smallest optimizer that honours the OptimizerLike contract: it stores what it is given. */
class FakeOptimizer implements zd.OptimizerLike {
  constructor(public state: zd.OptimizerStateDict) {}
  stateDict(): zd.OptimizerStateDict { return this.state; }
  loadStateDict(sd: zd.OptimizerStateDict): void { this.state = sd; }
}

test("optimizer state round trips through ${path}.optim", async () => {
  const dir = await tempDir();
  const path = join(dir, "run.zendl");
  const model = makeModel();
  const saved = new FakeOptimizer({
    state: {
      0: { step: 3, exp_avg: zd.randn([8, 4], { seed: 1 }), exp_avg_sq: zd.rand([8, 4], { seed: 2 }) },
      3: { step: 3, momentum_buffer: zd.tensor([1, 2, 3]) },
    },
    paramGroups: [
      { params: [0, 1], lr: 1e-3, betas: [0.9, 0.999], amsgrad: false, maxNorm: Infinity },
      { params: [2, 3], lr: 0.01, name: "head" },
    ],
  });
  await zd.save(model, path, { optimizer: saved });
  assert.deepEqual((await readdir(dir)).sort(), ["run.zendl", "run.zendl.optim"]);
  const restored = new FakeOptimizer({ state: {}, paramGroups: [] });
  await zd.loadOptimizerState(path, restored);
  assert.deepEqual(restored.state.paramGroups, saved.state.paramGroups);
  assert.deepEqual(Object.keys(restored.state.state), ["0", "3"]);
  for (const index of [0, 3]) {
    const want = saved.state.state[index], got = restored.state.state[index];
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
    for (const [name, value] of Object.entries(want)) {
      if (typeof value === "number") assert.equal(got[name], value);
      else assert.deepEqual((got[name] as zd.Tensor).toArray(), value.toArray(), `${index}.${name}`);
    }
  }
  const { tensors } = decodeSafetensors(await readFile(`${path}.optim`));
  assert.deepEqual([...tensors.keys()].sort(),
    ["state.0.exp_avg", "state.0.exp_avg_sq", "state.3.momentum_buffer"]);

  const again = new FakeOptimizer({ state: {}, paramGroups: [] });
  zd.loadOptimizerStateSync(path, again);
  assert.deepEqual(again.state.paramGroups, saved.state.paramGroups);

  await assert.rejects(zd.loadOptimizerState(join(dir, "none.zendl"), again),
    /cannot read ".*none\.zendl\.optim"/);
  await zd.save(model, join(dir, "plain"));
  await writeFile(join(dir, "plain.optim"), await readFile(join(dir, "plain")));
  await assert.rejects(zd.loadOptimizerState(join(dir, "plain"), again),
    /plain\.optim": not an optimizer state file/);
  const tensorInGroup = new FakeOptimizer({ state: {}, paramGroups: [{ params: [0], lr: zd.tensor(0.1) }] });
  await assert.rejects(zd.save(model, join(dir, "bad"), { optimizer: tensorInGroup }),
    /paramGroups\[0\]\.lr is a Tensor/);
});
