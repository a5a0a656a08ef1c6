/**
 * Finds and loads the native kernels (dist/native/zendl.node, built by tools/build-native.mjs) for the
 * Node platform (`platform.loadNativeKernels`); other platforms have none, and the wasm backend runs.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { NativeAddon, NativeLoad } from "../backend/native/addon.js";

export type { NativeAddon, NativeLoad };

interface BuildStatus { built: boolean; reason: string; platform: string; arch: string }

let loaded: NativeLoad | null = null;

function failed(reason: string): NativeLoad {
  return { addon: null, isa: null, reason };
}

function load(): NativeLoad {
  if (process.env.ZENDL_NATIVE === "0") return failed("disabled by ZENDL_NATIVE=0");
  const dir = new URL("../../native/", import.meta.url);
  let status: BuildStatus;
  try {
    status = JSON.parse(readFileSync(fileURLToPath(new URL("status.json", dir)), "utf8")) as BuildStatus;
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
