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

test("train prints test accuracy, a JSON last line, plain progress lines, and writes --out", () => {
  const out = mkdtempSync(join(tmpdir(), "zendl-cli-"));
  const r = zendl("train", "mlp", "--dataset", "digits", "--epochs", "5", "--seed", "1",
    "--json", "--out", out);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  const result = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(result).sort(),
    ["dataset", "epochs", "model", "seconds", "testAccuracy", "trainLoss"]);
  assert.equal(result.model, "mlp");
  assert.equal(result.epochs, 5);
  assert.ok((result.testAccuracy as number) > 0.8);
  assert.match(lines[0], /^test accuracy: 0\.\d{4}/);
  assert.equal(r.stderr.split("\n").filter((l) => /^epoch \d+\/5 loss=/.test(l)).length, 5);
  assert.ok(existsSync(join(out, "model.safetensors")));
  const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { lossCurve: number[] };
  assert.equal(metrics.lossCurve.length, 5);

  const evaluated = zendl("evaluate", join(out, "model.safetensors"), "--json");
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const ev = JSON.parse(evaluated.stdout.trim().split("\n").at(-1)!) as
    { testAccuracy: number; samples: number };
  assert.equal(ev.samples, 450);
  assert.ok(Math.abs(ev.testAccuracy - (result.testAccuracy as number)) < 1e-9);

  const csv = join(out, "rows.csv");
  writeFileSync(csv, `${Array(64).fill(0).join(",")}\n${Array(64).fill(8).join(",")}\n`);
  const predicted = zendl("predict", join(out, "model.safetensors"), csv, "--json");
  assert.equal(predicted.status, 0, predicted.stderr);
  const labels = JSON.parse(predicted.stdout) as number[];
  assert.equal(labels.length, 2);
  assert.ok(labels.every((l) => Number.isInteger(l) && l >= 0 && l <= 9));
});

test("usage errors print one line and exit with code 2", () => {
  const cases: Array<[string[], RegExp]> = [
    [["train", "resnet9000", "--dataset", "digits"], /unknown model "resnet9000"; available: mlp/],
    [["train", "mlp", "--dataset", "imagenet"], /unknown dataset "imagenet"; available: digits/],
    [["train", "mlp", "--dataset", "digits", "--epochs", "abc"],
      /--epochs must be an integer >= 1, got "abc"/],
    [["train", "mlp", "--dataset", "digits", "--lr", "-1"], /--lr must be a positive number/],
    [["train", "mlp", "--dataset", "digits", "--optimizer", "lion"], /--optimizer must be one of sgd, adam/],
    [["train", "mlp"], /required option '--dataset <name>' not specified/],
    [["train", "mlp", "--dataset", "digits", "--bogus"], /unknown option '--bogus'/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["evaluate", "/nonexistent/model.safetensors"], /cannot read model file/],
  ];
  for (const [args, message] of cases) {
    const r = zendl(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line expected: ${r.stderr}`);
  }
});

test("--help works on every command", () => {
  for (const args of [["--help"], ["train", "--help"], ["evaluate", "--help"], ["predict", "--help"]]) {
    const r = zendl(...args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage: zendl/);
  }
});
