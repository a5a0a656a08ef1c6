// Runs the WebGPU test cases (test/webgpu/cases/*.cases.js) in child processes whose environment points
// Vulkan at Chromium's SwiftShader (a CPU implementation: no GPU is needed, and none of these machines
// has one). The variables must be set before the process starts, which is why the cases run in a child;
// the user never sets them for the tests. Debian's chromium package provides the driver (.ci/run
// installs it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
const here = dirname(fileURLToPath(import.meta.url));
const cases = readdirSync(join(here, "cases")).filter((f) => f.endsWith(".cases.js")).sort();

test("SwiftShader's Vulkan driver is installed (Debian's chromium package)", () => {
  assert.ok(existsSync(SWIFTSHADER_ICD), `${SWIFTSHADER_ICD} is missing: apt-get install chromium`);
});

test("the WebGPU cases are there", () => {
  assert.ok(cases.length >= 3, `found ${cases.join(", ")}`);
});

test("no adapter: setBackend('webgpu') rejects saying why and what to try; the CPU backend stays", () => {
  const script = `import * as zd from ${JSON.stringify(join(here, "../../src/index.js"))};
    try { await zd.setBackend("webgpu"); console.log("opened"); }
    catch (error) { console.log(zd.getBackend() + "|" + error.message); }`;
  const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: "/nonexistent/no-driver.json" };
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script],
    { env, encoding: "utf8", timeout: 60_000 });
  const [backend, message] = child.stdout.trim().split("\n").at(-1)?.split("|") ?? [];
  assert.match(message ?? "", /no WebGPU adapter \(requestAdapter\(\) returned null\).*VK_ICD_FILENAMES/,
    child.stdout + child.stderr);
  assert.notEqual(backend, "webgpu");
});

test("process.exit() while the GPU still has work queued exits cleanly (no fatal error from Dawn)", () => {
  const script = `import * as zd from ${JSON.stringify(join(here, "../../src/index.js"))};
    await zd.setBackend("webgpu");
    const model = zd.models.lenet5(), optimizer = new zd.optim.SGD(model.parameters(), { lr: 0.01 });
    const x = zd.rand([32, 1, 28, 28], { seed: 1 }), y = zd.randint(0, 10, [32], { seed: 2 });
    for (let i = 0; i < 3; i++) {
      optimizer.zeroGrad();
      zd.nn.functional.crossEntropy(model.call(x), y).backward();
      optimizer.step();
    }
    process.exit(0);`;  // without the wait in webgpu-executor.ts this crashed 4 times in 4
  const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD,
    LD_LIBRARY_PATH: "/usr/lib/chromium" };
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script],
    { env, encoding: "utf8", timeout: 120_000 });
  assert.equal(child.status, 0, child.stdout + child.stderr);
  assert.doesNotMatch(child.stderr, /FATAL/);
});

for (const file of cases) {
  test(`webgpu (SwiftShader): ${file}`, { timeout: 300_000 }, () => {
    const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD,
      LD_LIBRARY_PATH: "/usr/lib/chromium", ZENDL_WEBGPU_CHILD: "1" };
    delete env.NODE_TEST_CONTEXT;   // the child is a test run of its own, reporting to this one's stdout
    const child = spawnSync(process.execPath, ["--test", "--test-reporter=dot", join(here, "cases", file)],
      { env, encoding: "utf8", timeout: 290_000 });
    assert.equal(child.status, 0, `${file} failed:\n${child.stdout}\n${child.stderr}`);
  });
}
