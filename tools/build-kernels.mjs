#!/usr/bin/env node
// Compiles the AssemblyScript kernels to WebAssembly: one binary with relaxed SIMD (fused multiply-add)
// and one with plain SIMD128, both with shared, imported memory so worker threads run the same code
// on the same heap. The loader picks the relaxed one when the engine validates it.
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `--out DIR` builds elsewhere (a private build while someone else edits the kernels)
const outFlag = process.argv.indexOf("--out");
const out = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(root, "dist", "kernels");
mkdirSync(out, { recursive: true });
const asc = join(dirname(createRequire(import.meta.url).resolve("assemblyscript/package.json")), "bin", "asc.js");
const common = [
  join(root, "kernels", "assembly", "index.ts"), "-O3", "--runtime", "stub", "--noAssert", "--use", "abort=",
  "--enable", "simd", "--enable", "threads", "--importMemory", "--sharedMemory",
  "--initialMemory", "16", "--maximumMemory", "65536",
];
const variants = [
  { file: "zendl-relaxed.wasm", flags: ["--enable", "relaxed-simd"] },
  { file: "zendl-simd.wasm", flags: [] },
];
for (const v of variants) {
  const target = join(out, v.file);
  execFileSync(process.execPath, [asc, ...common, ...v.flags, "-o", target], { stdio: "inherit" });
  console.log(`kernels: ${v.file} (${statSync(target).size} bytes)`);
}
