/**
 * Finds and loads the native kernels (dist/native/zendl.node, built by tools/build-native.mjs) in Node.
 * No static Node import: Node's modules come from `process.getBuiltinModule` at run time, so a browser
 * bundle that reaches this file gets "not Node" and the wasm backend, and never a Node built-in.
 */

/** The addon's functions (native/zendl.c). */
export interface NativeAddon {
  /** desc: [threads, m, n, k, rsA, csA, rsB, csB, accumulate, count, then byte offsets of A, B, C each]. */
  gemm(heap: Uint8Array, desc: Float64Array): void;
  /** "auto" or an instruction set name; returns the one in use, or throws why it cannot be. */
  selectIsa(name: string): string;
  /** Instruction sets compiled in that this CPU runs. */
  isas(): string[];
}

export type NativeLoad =
  | { addon: NativeAddon; isa: string; reason: null }
  | { addon: null; isa: null; reason: string };

interface BuildStatus { built: boolean; reason: string; platform: string; arch: string }

let loaded: NativeLoad | null = null;

function failed(reason: string): NativeLoad {
  return { addon: null, isa: null, reason };
}

function load(): NativeLoad {
  if (typeof process === "undefined" || !process.versions?.node) return failed("not running in Node");
  if (process.env.ZENDL_NATIVE === "0") return failed("disabled by ZENDL_NATIVE=0");
  if (typeof process.getBuiltinModule !== "function") {
    return failed("this Node lacks process.getBuiltinModule (Node 20.16 or later has it)");
  }
  const fs = process.getBuiltinModule("node:fs");
  const { createRequire } = process.getBuiltinModule("node:module");
  const { fileURLToPath } = process.getBuiltinModule("node:url");
  const dir = new URL("../../native/", import.meta.url);
  let status: BuildStatus;
  try {
    status = JSON.parse(fs.readFileSync(fileURLToPath(new URL("status.json", dir)), "utf8")) as BuildStatus;
  } catch {
    return failed("native kernels not built (npm run build builds them when a C compiler is found)");
  }
  if (!status.built) return failed(status.reason);
  if (status.platform !== process.platform || status.arch !== process.arch) {
    return failed(`native kernels were built for ${status.platform}-${status.arch}, ` +
      `this is ${process.platform}-${process.arch}`);
  }
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(fileURLToPath(new URL("zendl.node", dir))) as NativeAddon;
  } catch (error) {
    return failed(`could not load dist/native/zendl.node: ${error instanceof Error ? error.message : error}`);
  }
  const wanted = process.env.ZENDL_NATIVE_ISA || "auto";
  try {
    return { addon, isa: addon.selectIsa(wanted), reason: null };
  } catch (error) {
    return failed(`ZENDL_NATIVE_ISA=${wanted}: ${error instanceof Error ? error.message : error}`);
  }
}

/** The addon with its instruction set chosen (once per process), or why there is none. */
export function loadNativeAddon(): NativeLoad {
  return (loaded ??= load());
}
