import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { zendl } from "./cli-helpers.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "zendl-cli-rel-"));
const oneLine = (r: { stderr: string }): void => assert.equal(r.stderr.trim().split("\n").length, 1,
  r.stderr);

test("--out is checked before any work: a file, or a folder that cannot be made, is exit 2 in one line",
  () => {
  const file = join(tmp(), "taken");
  writeFileSync(file, "x");
  for (const [out, message] of [[file, /--out .*taken is a file, not a folder/],
    [join(file, "sub"), /--out .*taken\/sub cannot be created \(ENOTDIR\)/]] as const) {
    const r = zendl("train", "mlp", "--dataset", "digits", "--epochs", "50", "--out", out);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /epoch/, "nothing was trained");
    oneLine(r);
  }
});

test("one --out, two runs: the second refuses while the first lives; a dead run's lock is taken over", () => {
  const out = tmp();
  writeFileSync(join(out, ".zendl.lock"), `${process.pid}\n`);
  const busy = zendl("train", "mlp", "--dataset", "digits", "--epochs", "1", "--out", out);
  assert.equal(busy.status, 2);
  assert.match(busy.stderr, new RegExp(`in use by another zendl run \\(process ${process.pid}\\)`));
  oneLine(busy);
  const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
  writeFileSync(join(out, ".zendl.lock"), `${dead}\n`);
  const r = zendl("train", "mlp", "--dataset", "digits", "--epochs", "1", "--out", out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(mlp on digits, 1 epoch, /, "one epoch, not \"1 epochs\"");
});

test("predict refuses NaN and infinite features with the row and column, unless --allow-nan", async () => {
  const out = tmp();
  assert.equal(zendl("train", "mlp", "--dataset", "digits", "--epochs", "2", "--out", out).status, 0);
  const model = join(out, "model.safetensors");
  const row = Array(64).fill(1);
  for (const [cell, shown] of [["NaN", "NaN"], ["1e400", "Infinity"]]) {
    const csv = join(out, "rows.csv");
    const bad = [...row];
    bad[4] = cell;
    writeFileSync(csv, `${row.join(",")}\n${bad.join(",")}\n`);
    const r = zendl("predict", model, csv);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`rows\\.csv: row 2, column 5 is ${shown}; .*--allow-nan`));
    oneLine(r);
    const allowed = zendl("predict", model, csv, "--allow-nan", "--json");
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.equal((JSON.parse(allowed.stdout) as number[]).length, 2);
  }
});

test("model-file metadata is validated field by field; language models point to sample", async () => {
  const dir = tmp();
  const path = join(dir, "model.safetensors");
  const base = { "cli.dataset": "digits", "cli.split": JSON.stringify({ testSize: 0.25, seed: 0 }),
    "cli.scaler": JSON.stringify({ type: "StandardScaler", withMean: true, withStd: true, mean: [0, 0],
      scale: [1, 1] }), "cli.classes": "[0,1]" };
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ ...base, "cli.classes": "{\"a\":1}" },
      /model\.safetensors: metadata field cli\.classes must be a list/],
    [{ ...base, "cli.classes": "[0,1" }, /metadata field cli\.classes is not valid JSON/],
    [{ ...base, "cli.split": "{\"testSize\":2,\"seed\":0}" },
      /metadata field cli\.split needs testSize in \(0, 1\)/],
    [{ ...base, "cli.scaler": "{\"type\":\"StandardScaler\",\"mean\":[0],\"scale\":[0]}" },
      /metadata field cli\.scaler has a scale that is not a positive number/],
    [{ "cli.input": "text", "cli.model": "char-lstm", "cli.dataset": "x" },
      /is a language model \(char-lstm\).*zendl sample/],
  ];
  for (const [i, [metadata, message]] of cases.entries()) {
    await zd.save(new zd.nn.Linear(2, 2), path, { metadata });
    for (const args of i === 0 ? [["evaluate", path], ["predict", path, path]] : [["evaluate", path]]) {
      const r = zendl(...args);
      assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, message);
      oneLine(r);
    }
  }
});

test("evaluate accepts fashion-mnist for a model of its shipped subset (same images, same classes)",
  async () => {
  const path = join(tmp(), "model.safetensors");
  await zd.save(zd.models.lenet5({ numClasses: 10 }), path, { metadata: { "cli.input": "images",
    "cli.model": "lenet5", "cli.dataset": "fashion-mnist-subset",
      "cli.classes": JSON.stringify([...Array(10).keys()]),
    "cli.normalize": JSON.stringify({ mean: [0.286], std: [0.353] }) } });
  const r = zendl("evaluate", path, "--dataset", "fashion-mnist");
  assert.doesNotMatch(r.stderr, /was trained on/);
  const digits = zendl("evaluate", path, "--dataset", "digits");
  assert.equal(digits.status, 2);
  assert.match(digits.stderr, /was trained on "fashion-mnist-subset", not "digits"/);
});

test("paper cuts: --version, bare zendl, per-model help and flags of other models", () => {
  const version = zendl("--version");
  assert.equal(version.status, 0);
  const pkg = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8")) as { version: string };
  assert.equal(version.stdout.trim(), pkg.version);
  const bare = zendl();
  assert.equal(bare.status, 0);
  assert.match(bare.stdout, /Usage: zendl/);
  assert.match(bare.stdout, /train/);

  const mlpHelp = zendl("train", "mlp", "--help");
  assert.equal(mlpHelp.status, 0);
  assert.match(mlpHelp.stdout, /--hidden/);
  assert.match(mlpHelp.stdout, /--checkpoint-every/);
  assert.doesNotMatch(mlpHelp.stdout, /--latent|--noise|--seq-length|--persistent/);
  const ganHelp = zendl("train", "gan", "--help");
  assert.match(ganHelp.stdout, /--latent/);
  assert.doesNotMatch(ganHelp.stdout, /--checkpoint-every|--noise|--hidden-nope/);

  for (const [args, message] of [
    [["train", "mlp", "--dataset", "digits", "--latent", "3"],
      /--latent does not apply to mlp \(it is for .*gan/],
    [["train", "perceptron", "--dataset", "digits", "--batch-size", "3"],
      /--batch-size does not apply to perceptron/],
    [["train", "gan", "--dataset", "digits", "--resume", "x"], /--resume does not apply to gan/],
    [["train", "mlp", "--dataset", "digits", "--checkpoint-every", "often"], /--checkpoint-every must be/],
    [["train", "mlp", "--dataset", "digits", "--checkpoint-every", "2"], /--checkpoint-every needs --out/],
  ] as const) {
    const r = zendl(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    oneLine(r);
  }
});
