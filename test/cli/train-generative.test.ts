import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import pngjs from "pngjs";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");

function zendl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

function pngSize(path: string): [number, number] {
  const png = pngjs.PNG.sync.read(readFileSync(path));
  return [png.width, png.height];
}

test("train autoencoder writes the model, metrics and originals above reconstructions", () => {
  const out = mkdtempSync(join(tmpdir(), "zendl-ae-cli-"));
  try {
    const r = zendl("train", "autoencoder", "--dataset", "digits", "--epochs", "3", "--noise", "0.2",
      "--json", "--out", out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout,
      /^reconstruction MSE: 0\.\d{5} on the test images \(untrained 0\.\d{5}; autoencoder dense/);
    const result = lastJson(r.stdout);
    assert.equal(result.variant, "dense");
    assert.equal(result.epochs, 3);
    assert.ok((result.testMse as number) < (result.initialTestMse as number));
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { lossCurve: number[] };
    assert.equal(metrics.lossCurve.length, 3);
    // Three rows (originals, noisy inputs, reconstructions) of ten 8x8 digits drawn 4x, 2-pixel padding.
    assert.deepEqual(pngSize(join(out, "reconstructions.png")), [10 * 34 + 2, 3 * 34 + 2]);
    const evaluated = zendl("evaluate", join(out, "model.safetensors"));
    assert.equal(evaluated.status, 2);
    assert.match(evaluated.stderr, /holds an unsupervised model \(autoencoder\)/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("train gan writes a sample grid per epoch and judges 1,000 digits with a classifier", () => {
  const out = mkdtempSync(join(tmpdir(), "zendl-gan-cli-"));
  try {
    const r = zendl("train", "gan", "--dataset", "digits", "--epochs", "2", "--latent", "8", "--json",
      "--out", out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout,
      new RegExp("^\\d+ of 10 classes with confidence >= 0\\.9 \\(\\d+\\.\\d% of 1000 samples\\), " +
        "mean top-class probability 0\\.\\d{3}; D loss"));
    const result = lastJson(r.stdout);
    assert.equal(result.latentSize, 8);
    const counts = result.classCounts as number[];
    assert.equal(counts.reduce((a, b) => a + b, 0), 1000);
    assert.equal(result.classesCovered, counts.filter((c) => c > 0).length);
    const confident = result.confidentClassCounts as number[];
    assert.equal(result.classesCoveredConfidently, confident.filter((c) => c > 0).length);
    assert.ok(confident.every((c, i) => c <= counts[i]), "confident samples are a subset of each class's");
    assert.equal(result.confidentShare, confident.reduce((a, b) => a + b, 0) / 1000);
    assert.ok((result.classifierTestAccuracy as number) > 0.9, "the judge itself must be good");
    assert.equal(r.stderr.split("\n").filter((l) => /^epoch \d\/2: D loss \d/.test(l)).length, 2);
    for (const epoch of [1, 2]) {
      assert.deepEqual(pngSize(join(out, `samples-epoch-${epoch}.png`)), [8 * 34 + 2, 8 * 34 + 2]);
    }
    assert.ok(!existsSync(join(out, "samples-epoch-3.png")));
    assert.ok(existsSync(join(out, "model.safetensors")));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("generative flags are checked in one line with exit code 2", () => {
  const cases: Array<[string[], RegExp]> = [
    [["autoencoder", "--variant", "dcgan"], /--variant must be one of dense, conv, got "dcgan"/],
    [["gan", "--variant", "conv"], /--variant must be one of mlp, dcgan, got "conv"/],
    [["gan", "--variant", "vae"], /--variant must be one of mlp, dcgan, got "vae"/],
    [["autoencoder", "--noise", "-1"], /--noise must be a number >= 0, got "-1"/],
    [["gan", "--latent", "0"], /--latent must be an integer >= 1, got "0"/],
    [["gan", "--optimizer", "sgd"], /--optimizer does not apply to gan/],
  ];
  for (const [[model, ...rest], message] of cases) {
    const args = ["train", model, "--dataset", "digits", ...rest];
    const r = zendl(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line expected: ${r.stderr}`);
  }
});
