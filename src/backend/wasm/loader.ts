import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

export type KernelVariant = "relaxed" | "simd";

export interface LoadedKernels {
  module: WebAssembly.Module;
  variant: KernelVariant;
}

/** The compiled kernels sit in dist/kernels, three levels above this file's dist/src/backend/wasm. */
function kernelPath(file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "kernels", file);
    if (existsSync(candidate)) return candidate;
    const inDist = join(dir, "dist", "kernels", file);
    if (existsSync(inDist)) return inDist;
    dir = dirname(dir);
  }
  throw new Error(`wasm backend: kernel binary ${file} not found; run "npm run build"`);
}

let relaxedFlagSet = false;

/**
 * Compiles the kernels synchronously (Node allows it for any size), preferring the relaxed-SIMD
 * binary. Node 20's V8 accepts relaxed SIMD only behind a flag that NODE_OPTIONS refuses, so it is
 * set here at run time, before compiling; newer engines validate it without the flag.
 */
export function loadKernels(prefer: KernelVariant = "relaxed"): LoadedKernels {
  if (prefer === "relaxed") {
    const bytes = readFileSync(kernelPath("zendl-relaxed.wasm"));
    if (!WebAssembly.validate(bytes) && !relaxedFlagSet) {
      setFlagsFromString("--experimental-wasm-relaxed-simd");
      relaxedFlagSet = true;
    }
    if (WebAssembly.validate(bytes)) return { module: new WebAssembly.Module(bytes), variant: "relaxed" };
  }
  const bytes = readFileSync(kernelPath("zendl-simd.wasm"));
  if (!WebAssembly.validate(bytes)) throw new Error("wasm backend: this engine cannot run WebAssembly SIMD");
  return { module: new WebAssembly.Module(bytes), variant: "simd" };
}
