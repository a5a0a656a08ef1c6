// tools/build-native.mjs never fails the build: without a compiler, or when compiling fails, it exits 0,
// prints one line, and status.json keeps the reason the loader reports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const script = new URL("../../../tools/build-native.mjs", import.meta.url).pathname;

function build(env: Record<string, string>): { stdout: string; status: { built: boolean; reason: string } } {
  const out = mkdtempSync(join(tmpdir(), "zendl-native-"));
  try {
    const run = spawnSync(process.execPath, [script, "--out", out], { encoding: "utf8",
      env: { ...process.env, ZENDL_NATIVE: "", ...env } });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(existsSync(join(out, "zendl.node")), false);
    return { stdout: run.stdout, status: JSON.parse(readFileSync(join(out, "status.json"), "utf8")) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test("no C compiler: one line, exit 0, and the reason kept", () => {
  const { stdout, status } = build({ CC: "/nonexistent/cc" });
  assert.equal(stdout.trim().split("\n").length, 1);
  assert.match(stdout, /^native: not built \(no C compiler found .*\); the wasm backend stays the default/);
  assert.deepEqual([status.built, /no C compiler/.test(status.reason)], [false, true]);
});

test("a compiler that fails: one line, exit 0, naming the file and the error", () => {
  const dir = mkdtempSync(join(tmpdir(), "zendl-cc-"));
  const cc = join(dir, "cc");
  // answers --version like a compiler, then rejects every file
  writeFileSync(cc, '#!/bin/sh\n[ "$1" = --version ] && exit 0\necho "x.c:1: error: boom" >&2\nexit 1\n');
  chmodSync(cc, 0o755);
  try {
    const { stdout, status } = build({ CC: cc });
    assert.equal(stdout.trim().split("\n").length, 1);
    assert.match(stdout, /^native: not built \(.*cc failed on native\/zendl\.c: x\.c:1: error: boom\)/);
    assert.equal(status.built, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
