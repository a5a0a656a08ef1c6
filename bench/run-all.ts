/**
 * `npm run bench`: every benchmark in sequence, each in its own process (no shared JIT, heap, worker
 * threads or tfjs state between them), one table each, results in bench/results/.
 *   node dist/bench/run-all.js [name ...]
 *     names: gemm mlp-fashion digits-mlp overhead char-lstm cnn (default: all)
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineLine } from "./lib/env.js";

const BENCHMARKS = ["gemm", "mlp-fashion", "digits-mlp", "overhead", "char-lstm", "cnn"];
const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHMARKS.includes(name));
if (unknown.length > 0) {
  console.error(`run-all: unknown benchmark ${unknown.join(", ")}; known: ${BENCHMARKS.join(", ")}`);
  process.exit(2);
}
const started = performance.now();
console.log(`zendl benchmarks — ${machineLine()}`);
const failed: string[] = [];
for (const name of wanted.length > 0 ? wanted : BENCHMARKS) {
  console.log(`\n=== ${name} ${"=".repeat(Math.max(0, 60 - name.length))}`);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [join(here, `${name}.js`)], { stdio: "inherit" });
  if (run.status !== 0) failed.push(`${name} (${run.signal ?? `exit ${run.status}`})`);
  console.log(`=== ${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
console.log(`\nall benchmarks: ${((performance.now() - started) / 1000).toFixed(0)} s` +
  (failed.length > 0 ? `; FAILED: ${failed.join(", ")}` : ""));
process.exit(failed.length > 0 ? 1 : 0);
