// `zendl summary`, `zendl evaluate`'s classification report and `zendl report`'s errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");
const out = mkdtempSync(join(tmpdir(), "zendl-report-cli-"));
after(() => rmSync(out, { recursive: true, force: true }));

function zendl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("summary, evaluate's classification report, and report's usage errors", () => {
  const trained = zendl("train", "mlp", "--dataset", "digits", "--epochs", "2", "--hidden", "32",
    "--out", out);
  assert.equal(trained.status, 0, trained.stderr);
  const model = join(out, "model.safetensors");

  const summary = zendl("summary", model);
  assert.equal(summary.status, 0, summary.stderr);
  assert.match(summary.stdout, /0 \(Linear\)\s+\[1, 32\]\s+2,080/);
  assert.match(summary.stdout, /2 \(Linear\)\s+\[1, 10\]\s+330/);
  assert.match(summary.stdout, /Total params: 2,410/);

  const human = zendl("evaluate", model);
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /precision\s+recall\s+f1-score\s+support/);
  assert.match(human.stdout, /weighted avg/);
  assert.match(human.stdout, /test accuracy: 0\.\d{4} \(450 samples, top-3 0\.\d{4}\)/);

  const json = zendl("evaluate", model, "--json");
  const r = JSON.parse(json.stdout.trim().split("\n").at(-1)!) as {
    testAccuracy: number; top3Accuracy: number;
    classificationReport: { confusion: number[][]; accuracy: number; perClass: Array<{ support: number }> } };
  const confusion = r.classificationReport.confusion;
  assert.equal(confusion.flat().reduce((a, b) => a + b, 0), 450);
  assert.equal(confusion.reduce((s, row, i) => s + row[i], 0) / 450, r.testAccuracy);
  assert.ok(r.top3Accuracy >= r.testAccuracy);
  assert.deepEqual(r.classificationReport.perClass.map((c) => c.support), confusion.map((row) =>
    row.reduce((a, b) => a + b, 0)));

  const missing = zendl("report", join(out, "nowhere"));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /report: .*nowhere is not a folder written by "zendl train --out"/);
});
