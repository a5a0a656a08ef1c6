import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { checkpointsIn, killDuringRun, leftovers, outcome, zendl } from "./cli-helpers.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "zendl-kill-"));

/** Trains once uninterrupted, then kills a second run after `kills` checkpoints and resumes it until done. */
async function killAndResume(args: string[], kills: number[]): Promise<void> {
  const reference = tmp();
  const r = zendl(...args, "--out", reference);
  assert.equal(r.status, 0, r.stderr);
  const out = join(tmp(), "run");
  let first = true, landed = 0;
  for (const delay of kills) {
    const runArgs = first ? [...args, "--out", out] : [...args, "--resume", out];
    const { killed } = await killDuringRun(runArgs, out, 1, delay);
    if (killed) landed++;
    first = false;
  }
  assert.ok(landed >= 1, "at least one kill landed during training");
  assert.ok(checkpointsIn(out).length >= 1);
  const resumed = zendl(...args, "--resume", out);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(outcome(out), outcome(reference), "resumed run differs from the uninterrupted one");
  assert.deepEqual(leftovers(out), []);
}

test("mlp: killed with SIGKILL mid-run, resumed, ends bit-identical; no temporary or lock file left",
  async () => {
  await killAndResume(["train", "mlp", "--dataset", "digits", "--epochs", "6", "--seed", "3",
    "--checkpoint-every", "3steps"], [0, 60]);
});

test("char-lstm: killed mid-epoch, resumed with its carried state, ends bit-identical", async () => {
  const text = join(tmp(), "corpus.txt");
  writeFileSync(text,
    "to be or not to be, that is the question; whether 'tis nobler in the mind\n".repeat(60));
  await killAndResume(["train", "char-lstm", "--dataset", text, "--epochs", "2", "--hidden", "32",
    "--seq-length", "16", "--batch-size", "8", "--checkpoint-every", "4steps"], [30]);
});

test("--resume refuses other flags than the interrupted run's, and a folder without a run", () => {
  const out = join(tmp(), "run");
  const args = ["train", "mlp", "--dataset", "digits", "--epochs", "2", "--checkpoint-every", "5steps"];
  assert.equal(zendl(...args, "--out", out).status, 0);
  const other = zendl("train", "mlp", "--dataset", "digits", "--epochs", "3", "--resume", out);
  assert.equal(other.status, 2);
  assert.match(other.stderr, /--epochs was 2 in the interrupted run, now 3/);
  const none = zendl(...args, "--resume", tmp());
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no zendl run there/);
});
