import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");

export function zendl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Checkpoint folders written so far under `out`. */
export function checkpointsIn(out: string): string[] {
  const dir = join(out, "checkpoints");
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^step-\d+$/.test(n)) : [];
}

/**
 * Starts `zendl ...args`, waits until it has written `minCheckpoints` checkpoints and `delayMs` more, and
 * kills it with SIGKILL (nothing of it can run after: no exit handler, no cleanup). Resolves with whether
 * the kill landed before the run finished on its own.
 */
export function killDuringRun(args: string[], out: string, minCheckpoints: number, delayMs: number):
  Promise<{ killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: "ignore" });
    let done = false;
    const timer = setInterval(() => {
      if (done || checkpointsIn(out).length < minCheckpoints) return;
      clearInterval(timer);
      setTimeout(() => { if (!done) child.kill("SIGKILL"); }, delayMs);
    }, 5);
    child.on("exit", (_code, signal) => {
      done = true;
      clearInterval(timer);
      resolve({ killed: signal === "SIGKILL" });
    });
  });
}

/** model.safetensors bytes and metrics.json without its timings: what must match after a resume. */
export function outcome(out: string): { model: string; metrics: Record<string, unknown> } {
  const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as Record<string, unknown>;
  for (const key of ["seconds", "tokensPerSecond"]) delete metrics[key];
  return { model: readFileSync(join(out, "model.safetensors")).toString("base64"), metrics };
}

/** Files a run must not leave: temporaries of writes, and its lock. */
export function leftovers(out: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name.endsWith(".tmp") || name === ".zendl.lock") found.push(join(dir, name));
      else if (!name.includes(".")) walk(join(dir, name));
    }
  };
  walk(out);
  return found;
}
