// `zendl export`: a model trained by the CLI, exported to ONNX (run by onnxruntime-node) and to PyTorch
// (trained further by train_ddp.py under torchrun on 2 gloo processes, then read back by zendl).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as zd from "../../src/index.js";
import { assertNear, runOnnx } from "../io/onnx/run-onnx.js";
import { readFile } from "node:fs/promises";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");
const hasTorch = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
const skipTorch = !hasTorch && !process.env.CI
  ? "needs /usr/bin/python3 with torch (apt-get install python3-torch)" : false;

function zendl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const out = mkdtempSync(join(tmpdir(), "zendl-export-"));
const modelFile = join(out, "model.safetensors");

test("a CLI-trained model exports to ONNX with the input shape from its file", async () => {
  const trained = zendl("train", "mlp", "--dataset", "digits", "--epochs", "1", "--hidden", "32",
    "--out", out);
  assert.equal(trained.status, 0, trained.stderr);
  const r = zendl("export", modelFile, "--format", "onnx", "--out", join(out, "model.onnx"));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*model\.onnx \(ONNX opset 17, Sequential\)/);
  const model = (await zd.load(modelFile)).eval();
  const bytes = await readFile(join(out, "model.onnx"));
  // What zendl train recorded travels in the file's metadata_props (the scaler the inputs need).
  assert.ok(bytes.includes("cli.scaler"), "the scaler is in the ONNX metadata");
  for (const batch of [1, 7]) {
    const x = zd.randn([batch, 64], { seed: batch });
    const got = (await runOnnx(bytes, { input: x })).output;
    assertNear(`mlp batch ${batch}`, got, zd.noGrad(() => model.forward(x)));
  }
});

test("export usage errors print one line and exit with code 2", () => {
  const cases: Array<[string[], RegExp]> = [
    [["export", modelFile, "--out", "x.onnx"], /required option '--format <name>' not specified/],
    [["export", modelFile, "--format", "tflite", "--out", "x"],
      /--format must be one of onnx, pytorch, got "tflite"/],
    [["export", modelFile, "--format", "onnx", "--out", "x", "--input-shape", "1,a"],
      /--input-shape must be comma-sep/],
    [["export", "/nonexistent/model.safetensors", "--format", "onnx", "--out", "x"],
      /cannot read model file/],
  ];
  for (const [args, message] of cases) {
    const r = zendl(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
});

test("the PyTorch export trains on with torchrun (2 processes, gloo) and zendl reads the result",
  { skip: skipTorch }, async () => {
    assert.ok(hasTorch, "/usr/bin/python3 cannot import torch");
    const dir = join(out, "torch");
    const r = zendl("export", modelFile, "--format", "pytorch", "--out", dir);
    assert.equal(r.status, 0, r.stderr);
    // The training rows, standardized as the model saw them, for --data.
    const { x, y } = zd.data.loadDigits();
    const scaled = new zd.data.StandardScaler().fit(x).transform(x.slice(0, 0, 256));
    await zd.save(new Map([["x", scaled], ["y", y.slice(0, 0, 256)]]), join(dir, "data.safetensors"));
    // --redirects/--tee 2 work around the Python 3.11 enum change that breaks torchrun 1.13's defaults.
    // Its output goes to a file, not a pipe: spawnSync waits until every holder of a pipe closes it, and a
    // worker lingering in its gloo teardown could hold one long after torchrun itself has exited.
    const logPath = join(dir, "torchrun.log");
    const torchrun = async (): Promise<ReturnType<typeof spawnSync>> => {
      const log = openSync(logPath, "w");
      // --standalone's rendezvous (c10d, one node), but on a port just found free instead of its fixed 29400
      const port = await freePort();
      // under timeout(1), which on expiry kills the whole process group: torchrun's workers too (a hung
      // worker once outlived a killed torchrun and spun on a core for the rest of the suite)
      const result = spawnSync("timeout", ["-k", "5", "60", "torchrun", "--nnodes", "1", "--rdzv_backend",
        "c10d", "--rdzv_endpoint", `127.0.0.1:${port}`, "--rdzv_id", `zendl-${process.pid}`,
        "--nproc_per_node", "2", "--redirects", "2", "--tee", "2", join(dir, "train_ddp.py"),
        "--data", join(dir, "data.safetensors"), "--steps", "3", "--batch-size", "32"],
      { stdio: ["ignore", log, log], env: { ...process.env, OMP_NUM_THREADS: "1", GLOO_SOCKET_IFNAME: "lo" },
        timeout: 80_000, killSignal: "SIGKILL" });
      closeSync(log);
      return result;
    };
    // It takes about 9 s. Inside the full suite it sometimes hangs after writing the trained file: one rank
    // spins in gloo's teardown after the other has left (PyTorch 1.13; a barrier before
    // destroy_process_group did not prevent it). One retry, said aloud, so a hang that repeats still fails.
    const timedOut = (r: ReturnType<typeof spawnSync>): boolean =>
      r.error !== undefined || r.status === 124 || r.status === 137;
    let run = await torchrun();
    if (timedOut(run)) {
      const hung = readFileSync(logPath, "utf8");
      console.log(`# torchrun hung (status ${String(run.status)}); its log:\n${hung}\n# retrying`);
      run = await torchrun();
    }
    const output = readFileSync(logPath, "utf8");
    assert.equal(run.error, undefined, `torchrun did not finish: ${String(run.error)}\n${output}`);
    assert.equal(run.status, 0, output);
    assert.match(output, /epoch 1: loss \d+\.\d+ \(3 steps, 2 processes\)/);
    const trainedFile = join(dir, "model-trained.safetensors");
    assert.ok(existsSync(trainedFile));
    const before = (await zd.load(modelFile)).stateDict(), after = (await zd.load(trainedFile)).stateDict();
    assert.deepEqual([...after.keys()], [...before.keys()]);
    const moved = [...before].some(([k, t]) => t.sub(after.get(k)!).abs().max().item() > 1e-6);
    assert.ok(moved, "three Adam steps changed the weights");
    // The metadata travels, so the CLI still knows how to evaluate the retrained model.
    const evaluated = zendl("evaluate", trainedFile, "--json");
    assert.equal(evaluated.status, 0, evaluated.stderr);
    assert.equal(JSON.parse(evaluated.stdout.trim().split("\n").at(-1)!).samples, 450);
  });

/** A loopback port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}
