#!/usr/bin/env node
// Kill-and-resume soak test of `zendl train` (run `npm run build` first): trains the MLP on digits with
// checkpoints, kills it with SIGKILL at random moments, resumes it with --resume until it finishes, and
// compares the final model.safetensors and metrics.json with an uninterrupted run of the same seed.
// Usage: node tools/soak.mjs [--kills 200] [--minutes 15] [--model mlp]
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "src", "cli", "main.js");
const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
};
const targetKills = Number(arg("kills", 200));
const deadline = Date.now() + Number(arg("minutes", 15)) * 60_000;
const model = arg("model", "mlp");
const recipes = {
  mlp: ["--dataset", "digits", "--epochs", "6", "--checkpoint-every", "2steps"],
  "char-lstm": ["--dataset", join(root, "README.md"), "--epochs", "1", "--hidden", "32", "--seq-length", "16",
    "--batch-size", "8", "--checkpoint-every", "3steps"],
  cnn: ["--dataset", "fashion-mnist-subset", "--epochs", "1", "--batch-size", "200", "--checkpoint-every",
    "1steps"],
};
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
if (!recipes[model]) throw new Error(`--model must be one of ${Object.keys(recipes).join(", ")}`);

let rng = 12345;
const random = () => ((rng = (Math.imul(rng, 1103515245) + 12345) >>> 0) / 2 ** 32);

function outcome(out) {
  const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
  delete metrics.seconds;
  delete metrics.tokensPerSecond;
  return readFileSync(join(out, "model.safetensors")).toString("base64") + JSON.stringify(metrics);
}

function leftovers(dir) {
  const found = [];
  for (const name of readdirSync(dir, { recursive: true })) {
    if (String(name).endsWith(".tmp") || String(name).endsWith(".zendl.lock")) found.push(join(dir, String(name)));
  }
  return found;
}

function hasCheckpoint(out) {
  const dir = join(out, "checkpoints");
  return existsSync(dir) && readdirSync(dir).some((n) => /^step-\d+$/.test(n));
}

/** Runs the CLI, killing it after `killAfterMs` (null: never); resolves to "killed" or the exit code. */
function runOnce(args, killAfterMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => { stderr += d; });
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve(signal === "SIGKILL" ? { result: "killed" } : { result: code, stderr });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "zendl-soak-"));
const counts = { kills: 0, resumes: 0, restarts: 0, runs: 0, identical: 0, different: 0, failures: 0,
  leftBehind: 0 };
const started = Date.now();
const baselines = new Map();
for (let run = 0; counts.kills < targetKills && Date.now() < deadline; run++) {
  const seed = String(run % 2);
  const args = ["train", model, ...recipes[model], "--seed", seed];
  if (!baselines.has(seed)) {
    const out = join(work, `baseline-${seed}`);
    const r = spawnSync(process.execPath, [cli, ...args, "--out", out], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr}`);
    baselines.set(seed, { out: outcome(out), ms: 0 });
    const t0 = Date.now();
    spawnSync(process.execPath, [cli, ...args, "--out", join(work, `timing-${seed}`)]);
    baselines.get(seed).ms = Date.now() - t0;
  }
  const { out: expected, ms } = baselines.get(seed);
  const out = join(work, `run-${run}`);
  let first = true;
  for (;;) {
    const resuming = !first && hasCheckpoint(out);
    if (!first && !resuming) counts.restarts++;
    if (resuming) counts.resumes++;
    // a random moment of the run, past the start-up (loading the data) that takes about a third of it
    const moment = (0.3 + 0.75 * random()) * ms;
    const kill = counts.kills < targetKills && Date.now() < deadline && random() < 0.9 ? moment : null;
    const r = await runOnce([...args, ...(resuming ? ["--resume", out] : ["--out", out])], kill);
    first = false;
    if (r.result === "killed") { counts.kills++; continue; }
    if (r.result !== 0) {
      counts.failures++;
      process.stderr.write(`run ${run}: exit ${r.result}: ${r.stderr.trim().split("\n").at(-1)}\n`);
    }
    break;
  }
  counts.runs++;
  if (existsSync(join(out, "model.safetensors")) && outcome(out) === expected) counts.identical++;
  else counts.different++;
  const left = leftovers(out);
  counts.leftBehind += left.length;
  for (const file of left) process.stderr.write(`left behind: ${file}\n`);
  if (run % 10 === 0) process.stderr.write(`${JSON.stringify(counts)}\n`);
  rmSync(out, { recursive: true, force: true });
}
const report = { model, ...counts, minutes: Number(((Date.now() - started) / 60_000).toFixed(2)) };
process.stdout.write(`${JSON.stringify(report)}\n`);
rmSync(work, { recursive: true, force: true });
process.exitCode = counts.different === 0 && counts.failures === 0 && counts.leftBehind === 0 &&
  counts.kills >= targetKills ? 0 : 1;
