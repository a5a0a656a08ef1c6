import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");

function zendl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

function isPng(path: string): boolean {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return readFileSync(path).subarray(0, 8).equals(signature);
}

/** `zendl evaluate` on a written model reproduces the test accuracy the training run reported. */
function assertEvaluates(modelPath: string, testAccuracy: number): void {
  const r = zendl("evaluate", modelPath, "--json");
  assert.equal(r.status, 0, r.stderr);
  const evaluated = lastJson(r.stdout);
  assert.equal(evaluated.samples, 450);
  assert.ok(Math.abs((evaluated.testAccuracy as number) - testAccuracy) < 1e-9, `${modelPath}: ${r.stdout}`);
}

test("zendl train perceptron and rbf on digits: accuracy, --out files, and evaluate agrees", () => {
  const out = mkdtempSync(join(tmpdir(), "zendl-classic-"));
  const perceptron = zendl("train", "perceptron", "--dataset", "digits", "--epochs", "20", "--json",
    "--out", join(out, "perceptron"));
  assert.equal(perceptron.status, 0, perceptron.stderr);
  assert.match(perceptron.stdout,
    /^test accuracy: 0\.\d{4} \(perceptron on digits, .*\), not converged after 20 epochs/);
  const p = lastJson(perceptron.stdout);
  assert.equal(p.converged, false);
  assert.ok((p.testAccuracy as number) > 0.88, perceptron.stdout);
  assert.match(perceptron.stderr, /not converged: \d+ of 10 one-vs-rest problems/);
  const pMetrics = JSON.parse(readFileSync(join(out, "perceptron", "metrics.json"), "utf8")) as
    { mistakesPerEpoch: number[] };
  assert.equal(pMetrics.mistakesPerEpoch.length, 20);
  assertEvaluates(join(out, "perceptron", "model.safetensors"), p.testAccuracy as number);

  const rbf = zendl("train", "rbf", "--dataset", "digits", "--hidden", "60", "--json",
    "--out", join(out, "rbf"));
  assert.equal(rbf.status, 0, rbf.stderr);
  const r = lastJson(rbf.stdout);
  assert.equal(r.centers, 60);
  assert.ok((r.testAccuracy as number) > 0.93, rbf.stdout);
  assert.ok(isPng(join(out, "rbf", "centers.png")));
  assertEvaluates(join(out, "rbf", "model.safetensors"), r.testAccuracy as number);
});

test("zendl train rbm and dbn on digits: monitoring figures, filter images, DBN beside its baseline", () => {
  const out = mkdtempSync(join(tmpdir(), "zendl-rbm-"));
  const rbm = zendl("train", "rbm", "--dataset", "digits", "--epochs", "2", "--hidden", "16", "--persistent",
    "--json", "--out", join(out, "rbm"));
  assert.equal(rbm.status, 0, rbm.stderr);
  assert.match(rbm.stdout,
    /^reconstruction error: 0\.\d{4}, pseudo-log-likelihood: -\d+\.\d\d \(rbm on the digits/);
  const r = lastJson(rbm.stdout);
  assert.equal(r.method, "PCD-1");
  assert.ok((r.reconstructionError as number) < 0.1 && (r.pseudoLogLikelihood as number) < 0);
  const epochLine = /^\[BernoulliRBM\] epoch \d: reconstruction error/;
  const epochLines = rbm.stderr.split("\n").filter((l) => epochLine.test(l));
  assert.equal(epochLines.length, 2);
  for (const file of ["filters.png", "samples.png"]) assert.ok(isPng(join(out, "rbm", file)), file);
  const metricsText = readFileSync(join(out, "rbm", "metrics.json"), "utf8");
  const metrics = JSON.parse(metricsText) as { history: unknown[] };
  const history = metrics.history;
  assert.equal(history.length, 2);
  const refused = zendl("evaluate", join(out, "rbm", "model.safetensors"));
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /holds an unsupervised model \(rbm\): it has no classes to predict/);

  const dbn = zendl("train", "dbn", "--dataset", "digits", "--hidden", "32", "--pretrain-epochs", "1",
    "--epochs", "4", "--json", "--out", join(out, "dbn"));
  assert.equal(dbn.status, 0, dbn.stderr);
  assert.match(dbn.stdout,
    /^test accuracy: 0\.\d{4} with pre-training, 0\.\d{4} without \(dbn on digits, 1 \+ 4 epochs/);
  const d = lastJson(dbn.stdout);
  assert.ok((d.testAccuracy as number) > 0.85 && (d.baselineTestAccuracy as number) > 0.8, dbn.stdout);
  assert.ok(isPng(join(out, "dbn", "filters.png")));
  assert.ok(existsSync(join(out, "dbn", "model-no-pretrain.safetensors")));
  assertEvaluates(join(out, "dbn", "model.safetensors"), d.testAccuracy as number);
  assertEvaluates(join(out, "dbn", "model-no-pretrain.safetensors"), d.baselineTestAccuracy as number);
});
