#!/usr/bin/env node
// Shows how V8 compiled the GEMM microkernels (x64 only): runs them until TurboFan has them, prints
// each one's hot loop (the block that ends in the backward jump) and counts its stack accesses.
// A spill in that loop costs 40-60% (a per-row `if (add)` after the loop once made V8 hoist the six
// A loads and spill four accumulators: 16 instead of 25-40 GFLOPS on one Zen 3 thread).
// Usage: node tools/wasm-gemm-code.mjs [dist/kernels/zendl-relaxed.wasm] [--print]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

const args = process.argv.slice(2);
const file = args.find((a) => a.endsWith(".wasm")) ?? "dist/kernels/zendl-relaxed.wasm";
const KERNELS = ["gemm_micro_6x8", "gemm_micro_5x8"];

if (process.env.WASM_GEMM_CODE_CHILD) {
  // the child: compile, run the kernel until it tiers up (V8 prints the code as it compiles)
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const module = new WebAssembly.Module(readFileSync(file));
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const base = (kernels.heap_base() + 63) & ~63;
  for (let i = 0; i < 3000; i++) {
    kernels[process.env.WASM_GEMM_CODE_CHILD](256, base, base + 8192, base + 65536, 32, i & 1);
  }
  process.exit(0);
}

for (const name of KERNELS) {
  let text;
  try {
    text = execFileSync(process.execPath, ["--print-wasm-code", "--experimental-wasm-relaxed-simd",
      new URL(import.meta.url).pathname, file], { env: { ...process.env, WASM_GEMM_CODE_CHILD: name },
      encoding: "utf8", maxBuffer: 64 << 20 });
  } catch (error) {
    console.log(`${name}: could not get V8's code (${error instanceof Error ? error.message : error})`);
    continue;
  }
  const turbofan = text.split("--- WebAssembly code ---").find((c) => c.includes("compiler: TurboFan") &&
    (c.match(/vfmadd|mulps/g) ?? []).length >= 10);
  if (!turbofan) {
    console.log(`${name}: no optimized code printed (is this V8 built with a disassembler, on x64?)`);
    continue;
  }
  const lines = turbofan.split("\n").map((l) => l.replace(/^0x[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+/, ""));
  // the hot loop: from the first multiply-add back to the last label before it, to the backward jump
  const first = lines.findIndex((l) => /vfmadd|mulps/.test(l));
  let end = first;
  while (end < lines.length && !/^j(l|b|c|nz|ne|a)\s/.test(lines[end].trim())) end++;
  let start = first;
  while (start > 0 && !/nop|jmp/.test(lines[start - 1])) start--;
  const loop = lines.slice(start, end + 1);
  const stack = loop.filter((l) => /\[rbp[+-]/.test(l)).length;
  const fma = loop.filter((l) => /vfmadd|mulps/.test(l)).length;
  console.log(`${name}: hot loop ${loop.length} instructions, ${fma} multiply(-add)s, ` +
    `${stack} stack accesses (spills)`);
  if (args.includes("--print")) console.log(loop.map((l) => `    ${l.trim()}`).join("\n"));
}
