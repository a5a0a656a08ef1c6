// The PyTorch export, checked with PyTorch itself: each exported model.py with its weights gives
// zendl's outputs (eval mode), and train_ddp.py trains under torchrun on 2 processes (gloo) and writes
// weights that zd.load reads back. Needs /usr/bin/python3 with torch (.ci/run installs python3-torch).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as zd from "../../../src/node/index.js";
import { FAMILY_CASES, LAYER_CASES } from "../export-cases.js";
import { flatOutputs } from "../onnx/check-export.js";
import { assertNear } from "../onnx/run-onnx.js";

const PYTHON = "/usr/bin/python3";
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const hasTorch = spawnSync(PYTHON, ["-c", "import torch"]).status === 0;
// Without torch the check cannot run: that is a failure in CI (which installs it), a skip elsewhere.
const skip = !hasTorch && !process.env.CI
  ? "needs /usr/bin/python3 with torch (apt-get install python3-torch)" : false;

function asOrt(t: zd.Tensor): { dims: readonly number[]; data: Float32Array } {
  return { dims: t.shape, data: Float32Array.from(t.dataSync()) };
}

test("PyTorch runs every exported layer kind and model family with zendl's outputs (1e-5)", { skip },
  async () => {
  assert.ok(hasTorch, "/usr/bin/python3 cannot import torch");
  const base = mkdtempSync(join(tmpdir(), "zendl-torch-"));
  const cases = [...LAYER_CASES, ...FAMILY_CASES];
  const expected: zd.Tensor[][] = [];
  const dirs: string[] = [];
  for (const [i, c] of cases.entries()) {
    zd.manualSeed(i);
    const model = c.model();
    const dir = join(base, String(i));
    await zd.savePyTorch(model, dir, { inputShape: c.inputShape });
    model.eval();
    const x = c.vocabulary === undefined ? zd.randn([3, ...c.inputShape], { seed: i })
      : zd.randint(0, c.vocabulary, [3, ...c.inputShape], { seed: i, dtype: "int32" });
    expected.push(flatOutputs(zd.noGrad(() => model.forward(x))));
    await zd.save(new Map([["x", x]]), join(dir, "inputs.safetensors"));
    dirs.push(dir);
  }
  // The char-LSTM takes its carried state too: inputs "s0" (h0) and "s1" (c0).
  zd.manualSeed(99);
  const charLstm = new zd.models.CharLSTM({ vocabSize: 20, embeddingDim: 6, hiddenSize: 10, numLayers: 2 });
  charLstm.eval();
  const ids = zd.randint(0, 20, [3, 7], { seed: 5, dtype: "int32" });
  const h0 = zd.randn([2, 3, 10], { seed: 6 }), c0 = zd.randn([2, 3, 10], { seed: 7 });
  const charDir = join(base, "char-lstm");
  await zd.savePyTorch(charLstm, charDir);
  await zd.save(new Map([["x", ids], ["s0", h0], ["s1", c0]]), join(charDir, "inputs.safetensors"));
  expected.push(flatOutputs(zd.noGrad(() => charLstm.forward(ids, [h0, c0]))));
  cases.push({ label: "char-LSTM with a carried state", inputShape: [7], model: () => charLstm });
  dirs.push(charDir);
  // train_ddp.py's step for every task (classification, regression, reconstruction, language model, GAN,
  // RBM): the model families and the char-LSTM, 2 steps each on one process; torchrun runs 2 in the CLI test.
  const trained = dirs.slice(LAYER_CASES.length);
  const script = join(root, "test", "io", "pytorch", "run-exports.py");
  // one thread (PyTorch's 2-thread runs crawl on these 2-core VMs when other work shares the cores) and
  // gloo on the loopback interface, for train_ddp.py's one-process group
  const run = spawnSync(PYTHON, [script, ...dirs, "--train", ...trained],
    { encoding: "utf8", timeout: 150_000, killSignal: "SIGKILL",
      env: { ...process.env, OMP_NUM_THREADS: "1", GLOO_SOCKET_IFNAME: "lo" } });
  assert.equal(run.status, 0, run.stderr);
  for (const [i, c] of cases.entries()) {
    const outputs = await zd.loadStateDict(join(dirs[i], "outputs.safetensors"));
    assert.equal(outputs.size, expected[i].length, `${c.label}: number of outputs`);
    expected[i].forEach((e, k) => {
      assertNear(`${c.label} output ${k}`, asOrt(outputs.get(`out${k}`)!) as never, e, c.rtol ?? 1e-5);
    });
  }
  for (const dir of trained) {
    // The result loads in zendl (architecture kept in its metadata), with the same names, trained.
    const before = (await zd.load(join(dir, "model.safetensors"))).stateDict();
    const after = (await zd.load(join(dir, "model-trained.safetensors"))).stateDict();
    assert.deepEqual([...after.keys()], [...before.keys()], dir);
    const moved = [...before].some(([k, t]) => t.sub(after.get(k)!).abs().max().item() > 1e-7);
    assert.ok(moved, `${dir}: trained`);
  }
});
