// `zendl info`: the backend in use and the native kernels' instruction set, or the reason they are off.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { builtAddon } from "../backend/native-helpers.js";

const cli = new URL("../../src/cli/main.js", import.meta.url).pathname;

function info(env: Record<string, string>): { text: string; json: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [cli, "info", "--json"], {
    encoding: "utf8", env: { ...process.env, ZENDL_BACKEND: "", ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  return { text: lines.slice(0, -1).join("\n"), json: JSON.parse(lines.at(-1) as string) };
}

test("zendl info names the native kernels' instruction set, or why they are off", () => {
  const off = info({ ZENDL_NATIVE: "0" });
  assert.match(off.text, /^backend: wasm, \d+ thread\(s\)\n/);
  assert.match(off.text, /\nnative kernels: off \(disabled by ZENDL_NATIVE=0\)$/);
  assert.deepEqual(off.json.native, { isa: null, reason: "disabled by ZENDL_NATIVE=0" });
  if (builtAddon()) {
    const on = info({ ZENDL_NATIVE: "", ZENDL_NATIVE_ISA: "portable" });
    assert.match(on.text, /^backend: native, \d+ thread\(s\)\nnative kernels: portable$/);
  } else {
    assert.match(info({ ZENDL_NATIVE: "" }).text, /native kernels: off \(.+\)$/);
  }
});
