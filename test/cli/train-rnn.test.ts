import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");

function zendl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("train char-lstm on a text file: nats and bits per character each epoch; sample writes text", () => {
  const dir = mkdtempSync(join(tmpdir(), "zendl-char-"));
  const corpus = join(dir, "corpus.txt");
  writeFileSync(corpus, "ROMEO: we are such stuff as dreams are made on.\n".repeat(200));
  const r = zendl("train", "char-lstm", "--dataset", corpus, "--epochs", "2", "--hidden", "32",
    "--batch-size", "8", "--seq-length", "32", "--json", "--out", dir);
  assert.equal(r.status, 0, r.stderr);
  const line = /^epoch \d: train [\d.]+ nats\/char, validation [\d.]+ nats\/char = [\d.]+ bits\/char/;
  const epochLines = r.stderr.split("\n").filter((l) => line.test(l));
  assert.equal(epochLines.length, 2, r.stderr);
  const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, number | string>;
  assert.equal(result.model, "char-lstm");
  assert.equal(result.epochs, 2);
  assert.ok(Math.abs((result.valBitsPerChar as number) - (result.valLoss as number) / Math.LN2) < 1e-3);
  assert.ok(existsSync(join(dir, "model.safetensors")));
  const metrics = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) as { valLossCurve: number[] };
  assert.equal(metrics.valLossCurve.length, 2);

  const s = zendl("sample", join(dir, "model.safetensors"), "--length", "40", "--temperature", "0.8",
    "--prime", "ROMEO:", "--seed", "1");
  assert.equal(s.status, 0, s.stderr);
  assert.ok(s.stdout.startsWith("ROMEO:"));
  assert.equal([...s.stdout.trimEnd()].length <= 46, true);
  const bad = zendl("sample", join(dir, "model.safetensors"), "--prime", "JULIET");
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--prime: the character "J" is not in the model's vocabulary/);
});

test("train gru --dataset digits reads the images row by row", () => {
  const r = zendl("train", "gru", "--dataset", "digits", "--epochs", "3", "--json");
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { model: string; testAccuracy: number };
  assert.equal(result.model, "gru");
  assert.ok(result.testAccuracy > 0.7, `${result.testAccuracy}`);
  const bad = zendl("train", "char-lstm", "--dataset", "no-such-corpus");
  assert.equal(bad.status, 2);
  assert.match(bad.stderr,
    /char-lstm trains on "tinyshakespeare" or a text file; "no-such-corpus" is neither/);
});
