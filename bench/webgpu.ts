// bench/webgpu: GEMM GFLOPS (256³ up to 4096³, each size within a time budget) and MLP and CNN training
// samples/s (784-256-10 and zd.models.cnn, Adam, batch 128, random data of Fashion-MNIST's shape) on the
// WebGPU backend, with the wasm backend on the same work in the same process. Without a GPU it re-runs
// itself on Chromium's SwiftShader, an emulation on the CPU: those figures are labelled "emulated: not a
// speed figure". Usage: node dist/bench/webgpu.js [--max 4096] [--budget 20]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as zd from "../src/index.js";
import { machineLine, writeResult } from "./lib/env.js";

const SWIFTSHADER = "/usr/lib/chromium/vk_swiftshader_icd.json";
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const maxSize = option("--max", 4096), budget = option("--budget", 20);

try {
  await zd.setBackend("webgpu");
} catch (error) {
  if (process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER)) throw error;
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: "inherit",
    env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER, LD_LIBRARY_PATH: "/usr/lib/chromium" } });
  process.exit(child.status ?? 1);
}
const adapter = (zd.tensor([0]).backend as zd.Backend & { adapter: { description: string } }).adapter;
const emulated = /swiftshader|llvmpipe|lavapipe/i.test(adapter.description);
const label = emulated ? " (emulated: not a speed figure)" : "";
console.log(machineLine());
console.log(`adapter: ${adapter.description}${label}`);

/** Median seconds of `run` (which ends with a read, so the GPU has finished) within the budget. */
function time(run: () => void, seconds: number): number {
  run();
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (times.length < 3 || (performance.now() < end && times.length < 15)) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) / 1000);
    if (performance.now() > end && times.length >= 1) break;
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const gemm: Record<string, unknown>[] = [];
console.log("\nGEMM GFLOPS (2·n³ / median time)\nsize    webgpu    wasm    ratio");
for (let n = 256; n <= maxSize; n *= 2) {
  const row: Record<string, number> = { n };
  for (const backend of ["webgpu", "wasm"]) {
    await zd.setBackend(backend);
    const a = zd.randn([n, n], { seed: 1 }), b = zd.randn([n, n], { seed: 2 });
    const seconds = time(() => a.matmul(b).slice(0, 0, 1).slice(1, 0, 1).item(), budget / 4);
    row[backend] = (2 * n ** 3) / seconds / 1e9;
  }
  gemm.push(row);
  console.log(`${String(n).padEnd(6)} ${row.webgpu.toFixed(2).padStart(8)} ` +
    `${row.wasm.toFixed(2).padStart(7)} ` +
    `${(row.webgpu / row.wasm).toFixed(2).padStart(7)}x`);
}

/**
 * Training samples/s of `build` on each backend: Adam 1e-3, batch 128, random data of Fashion-MNIST's
 * shape; `block` steps per timed run and one read of the last loss at its end, as a loop that reads
 * back every few steps does (a read after every step would time the GPU's round trip instead).
 */
async function training(title: string, build: () => zd.nn.Module, inputShape: number[],
  block: number): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  console.log(`\n${title} training, Adam 1e-3, batch 128, ${block} steps a read: samples/s`);
  for (const backend of ["webgpu", "wasm"]) {
    await zd.setBackend(backend);
    const { nn, optim } = zd;
    zd.manualSeed(0);
    const model = build();
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = zd.rand([128, ...inputShape], { seed: 3 }), y = zd.randint(0, 10, [128], { seed: 4 });
    const steps = (): void => {
      let loss: zd.Tensor | null = null;
      for (let i = 0; i < block; i++) {
        optimizer.zeroGrad();
        loss = nn.functional.crossEntropy(model.call(x), y);
        loss.backward();
        optimizer.step();
      }
      loss?.item();
    };
    result[backend] = (128 * block) / time(steps, budget / 2);
    console.log(`${backend.padEnd(8)} ${result[backend].toFixed(0).padStart(8)}`);
  }
  console.log(`ratio webgpu/wasm ${(result.webgpu / result.wasm).toFixed(2)}x${label}`);
  return result;
}

const { nn, models } = zd;
const mlp = await training("MLP 784-256-10",
  () => new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)), [784], 10);
const cnn = await training("CNN conv32-pool-conv64-pool-fc128 (zd.models.cnn)", () => models.cnn(),
  [1, 28, 28], 2);
console.log(`results: ${writeResult("webgpu", { adapter, emulated, gemm, mlp, cnn })}`);
