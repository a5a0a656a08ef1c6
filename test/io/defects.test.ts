import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { encodeSafetensors } from "../../src/io/safetensors.js";

const { nn, optim } = zd;
const dir = (): string => mkdtempSync(join(tmpdir(), "zendl-defects-"));

function stepOnce(model: zd.nn.Sequential, opt: zd.optim.Adam): void {
  opt.zeroGrad();
  model.call(zd.ones([2, 3])).sum().backward();
  opt.step();
}

test("a model and an optimizer file from two different saves are refused together", async () => {
  const d = dir();
  const model = new nn.Sequential(new nn.Linear(3, 2));
  const opt = new optim.Adam(model.parameters());
  stepOnce(model, opt);
  const first = join(d, "first.safetensors"), second = join(d, "second.safetensors");
  await zd.save(model, first, { optimizer: opt });
  stepOnce(model, opt);
  await zd.save(model, second, { optimizer: opt });
  // what a kill between the two renames leaves: the model of one save beside the optimizer of the next
  copyFileSync(`${second}.optim`, `${first}.optim`);
  const restored = await zd.load<zd.nn.Sequential>(first);
  const opt2 = new optim.Adam(restored.parameters());
  await assert.rejects(zd.loadOptimizerState(first, opt2), /come from different saves/);
  await zd.loadOptimizerState(second, opt2); // a matching pair still loads
});

test("temporary files of dead writers are removed at the next save; a live writer's are kept", async () => {
  const d = dir();
  const path = join(d, "m.safetensors");
  const child = spawnSync(process.execPath, ["-e", "0"]);
  const deadPid = child.pid!;
  const dead = `m.safetensors.${deadPid}.0123456789ab.tmp`;
  const live = `m.safetensors.${process.ppid}.0123456789ab.tmp`;
  const other = `other.safetensors.${deadPid}.0123456789ab.tmp`;
  for (const name of [dead, live, other]) writeFileSync(join(d, name), "partial");
  await zd.save(new nn.Linear(2, 2), path);
  const left = readdirSync(d);
  assert.ok(!left.includes(dead), "dead writer's temp removed");
  assert.ok(left.includes(live), "a live process's temp is kept");
  assert.ok(left.includes(other), "temps of other targets are not this save's business");
});

function writeFile(path: string, tensors: Map<string, { dtype: "float32" | "int32"; shape: number[];
  data: Float32Array | Int32Array }>, metadata: Record<string, string>, extra?: Uint8Array): void {
  const bytes = encodeSafetensors(tensors, metadata);
  const out = new Uint8Array(bytes.length + (extra?.length ?? 0));
  out.set(bytes);
  if (extra) out.set(extra, bytes.length);
  writeFileSync(path, out);
}

test("model files: integer data for a float parameter, trailing bytes and deep headers are refused",
  async () => {
  const d = dir();
  const model = new nn.Linear(2, 2);
  const good = join(d, "good.safetensors");
  await zd.save(model, good);
  const metadata = await zd.loadMetadata(good);
  const ints = join(d, "ints.safetensors");
  writeFile(ints, new Map([
    ["weight", { dtype: "int32", shape: [2, 2], data: new Int32Array([1, 2, 3, 4]) }],
    ["bias", { dtype: "float32", shape: [2], data: new Float32Array(2) }],
  ]), metadata);
  await assert.rejects(zd.load(ints), /dtype mismatch for weight: the checkpoint holds int32 data/);

  const trailing = join(d, "trailing.safetensors");
  writeFileSync(trailing, Buffer.concat([readFileSync(good), Buffer.from([1, 2, 3])]));
  await assert.rejects(zd.load(trailing), /trailing\.safetensors.*3 trailing bytes after the last tensor/);

  const deep = join(d, "deep.safetensors");
  const json = `{"a":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
  const header = Buffer.alloc(8);
  header.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(deep, Buffer.concat([header, Buffer.from(json)]));
  await assert.rejects(zd.load(deep), /deep\.safetensors.*nests deeper than 64 levels/);
});

test("memory() counts unreachable tensors apart from live ones", () => {
  const keep = zd.ones([4]);
  zd.memory();
  const base = zd.memory().numTensors;
  for (let i = 0; i < 3000; i++) zd.ones([4]).add(1).mul(2);
  const info = zd.memory();
  assert.equal(info.exact, true);
  assert.ok(info.numTensorsAwaitingCollection >= 1000, `awaiting: ${info.numTensorsAwaitingCollection}`);
  assert.ok(info.numTensors <= base + 5, `live ${info.numTensors} vs ${base} before the loop`);
  assert.equal(keep.size, 4);
  assert.equal(zd.memory({ collect: false }).exact, false);
});
