// The thread pool: settings, start-up, and that idle workers never keep the process alive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { getNumThreads, setNumThreads } from "../../src/backend/wasm/threads.js";

const registry = new URL("../../src/backend/registry.js", import.meta.url).href;
const threads = new URL("../../src/backend/wasm/threads.js", import.meta.url).href;
const index = new URL("../../src/index.js", import.meta.url).href;

test("getNumThreads defaults to os.availableParallelism()", () => {
  assert.equal(getNumThreads(), availableParallelism());
});

test("setNumThreads takes positive integers only", () => {
  const initial = getNumThreads();
  for (const bad of [0, -1, 1.5, NaN, Infinity]) {
    assert.throws(() => setNumThreads(bad), /setNumThreads: expected a positive integer/);
  }
  setNumThreads(3);
  assert.equal(getNumThreads(), 3);
  setNumThreads(initial);
});

/** Runs a module in a child process; returns its stdout and how long it took to exit after its code ended. */
function child(source: string, args: string[] = []): { stdout: string; exitMs: number } {
  const code = `${source}\nconsole.log("END " + Date.now());`;
  const result = spawnSync(process.execPath, [...args, "--input-type=module", "-e", code], {
    encoding: "utf8", timeout: 20000,
  });
  if (/bad option/.test(result.stderr)) return { stdout: "unsupported flag", exitMs: 0 };
  assert.equal(result.status, 0, result.stderr);
  const end = Number(/END (\d+)/.exec(result.stdout)?.[1]);
  return { stdout: result.stdout, exitMs: Date.now() - end };
}

test("a process that trained with worker threads exits at once", () => {
  const { stdout, exitMs } = child(`
    import * as zd from ${JSON.stringify(index)};
    import { backendByName } from ${JSON.stringify(registry)};
    import { setNumThreads } from ${JSON.stringify(threads)};
    setNumThreads(2);
    await backendByName("wasm").pool.ready();
    const x = zd.randn([128, 784]), w = zd.randn([784, 256], { requiresGrad: true });
    for (let i = 0; i < 5; i++) x.matmul(w).sum().backward();
    console.log("pool " + backendByName("wasm").pool.size);`);
  assert.match(stdout, /pool 2/);
  assert.ok(exitMs < 1000, `exited ${exitMs} ms after its code ended`);
});

test("a process exits at once even while its workers are still starting", () => {
  const { exitMs } = child(`
    import * as zd from ${JSON.stringify(index)};
    const x = zd.randn([64, 64]);
    x.matmul(x).sum();`);
  assert.ok(exitMs < 1000, `exited ${exitMs} ms after its code ended`);
});

test("without SharedArrayBuffer everything runs on one thread, without an error", (t) => {
  const { stdout } = child(`
    import * as zd from ${JSON.stringify(index)};
    import { getNumThreads, setNumThreads } from ${JSON.stringify(threads)};
    setNumThreads(4);
    const x = zd.ones([300, 300]);
    console.log("threads " + getNumThreads() + " sum " + x.matmul(x).sum().toArray());`,
  ["--no-harmony-sharedarraybuffer"]);
  if (stdout === "unsupported flag") return t.skip("this Node has no --no-harmony-sharedarraybuffer");
  assert.match(stdout, /threads 1 sum 27000000/);
});
