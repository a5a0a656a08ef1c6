// The built addon, loaded directly (whatever ZENDL_NATIVE says, so its kernels are tested in both suite
// runs), or null where the build found no compiler: then the tests check that wasm is the default.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { NativeAddon } from "../../src/node/native-addon.js";

const dir = new URL("../../native/", import.meta.url);

export function builtAddon(): NativeAddon | null {
  const status = JSON.parse(readFileSync(new URL("status.json", dir), "utf8")) as { built: boolean };
  if (!status.built) return null;
  return createRequire(import.meta.url)(new URL("zendl.node", dir).pathname) as NativeAddon;
}
