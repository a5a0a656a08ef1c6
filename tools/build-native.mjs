#!/usr/bin/env node
// Compiles native/*.c into dist/native/zendl.node, a Node-API addon (headers from the node-api-headers
// package: no node-gyp, nothing downloaded). Each x86-64 kernel variant is its own object with its own
// -m flags, picked at load by CPU feature detection, so the file runs on any x86-64 (never
// -march=native). This step never fails the build: without a compiler, or when compiling fails, it
// prints one line, and dist/native/status.json keeps the reason that zd.backendInfo() reports.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `--out DIR` builds elsewhere (the tests build into a temporary folder)
const outFlag = process.argv.indexOf("--out");
const out = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(root, "dist", "native");
const objects = join(out, "obj");
const target = join(out, "zendl.node");

function finish(built, reason) {
  writeFileSync(join(out, "status.json"), JSON.stringify({
    built, reason, platform: process.platform, arch: process.arch, abi: process.versions.modules,
  }) + "\n");
  console.log(built ? `native: ${reason}` : `native: not built (${reason}); the wasm backend stays the default`);
}

function findCompiler() {
  const candidates = process.env.CC ? [process.env.CC] : ["cc", "gcc", "clang"];
  return candidates.find((cc) => spawnSync(cc, ["--version"], { stdio: "ignore" }).status === 0);
}

function build() {
  mkdirSync(objects, { recursive: true });
  rmSync(target, { force: true });
  if (process.env.ZENDL_NATIVE === "0") return finish(false, "ZENDL_NATIVE=0 at build time");
  if (process.platform === "win32") return finish(false, "native kernels are not built on Windows yet");
  const cc = findCompiler();
  if (!cc) return finish(false, "no C compiler found (cc, gcc, clang; or set CC)");
  let include;
  try {
    include = join(dirname(createRequire(import.meta.url).resolve("node-api-headers/package.json")), "include");
  } catch {
    return finish(false, "the node-api-headers package is not installed");
  }
  const common = ["-O2", "-fPIC", "-ffp-contract=fast", "-fno-strict-aliasing", "-I", include, "-c"];
  const x86 = process.arch === "x64";
  // the element-wise kernels: -O3 to vectorize, no contraction so each operation rounds as in wasm
  const ops = ["-O3", "-ffp-contract=off", "-fno-math-errno"];
  const units = [
    ["zendl.c", []], ["binding-ops.c", []], ["conv.c", []], ["pool.c", []], ["gemm-portable.c", []], ["ops-portable.c", ops],
    ...(x86 ? [["gemm-avx2.c", ["-mavx2", "-mfma"]], ["gemm-avx512emu.c", ["-mavx2", "-mfma"]],
      ["gemm-avx512.c", ["-mavx512f", "-mavx2", "-mfma"]], ["ops-avx2.c", [...ops, "-mavx2", "-mfma"]],
      ["ops-avx512.c", [...ops, "-mavx512f", "-mavx2", "-mfma"]]] : []),
  ];
  const built = [];
  for (const [file, flags] of units) {
    const object = join(objects, file.replace(/\.c$/, ".o"));
    const run = spawnSync(cc, [...common, ...flags, join(root, "native", file), "-o", object],
      { encoding: "utf8" });
    if (run.status !== 0) return finish(false, `${cc} failed on native/${file}: ${firstLine(run)}`);
    built.push(object);
  }
  const link = ["-shared", "-pthread", ...built, "-o", target];
  if (process.platform === "darwin") link.unshift("-undefined", "dynamic_lookup");
  const run = spawnSync(cc, link, { encoding: "utf8" });
  if (run.status !== 0) return finish(false, `${cc} failed to link: ${firstLine(run)}`);
  return finish(true, `built dist/native/zendl.node with ${cc} (${x86 ? "avx512, avx2, " : ""}portable)`);
}

function firstLine(run) {
  return (run.stderr || run.error?.message || "").split("\n").find((l) => /error/i.test(l))?.trim() ??
    (run.stderr || "").split("\n")[0].trim();
}

try {
  build();
} catch (error) {
  try { finish(false, `build step crashed: ${error instanceof Error ? error.message : String(error)}`); }
  catch { console.log("native: not built (could not write dist/native); the wasm backend stays the default"); }
}
