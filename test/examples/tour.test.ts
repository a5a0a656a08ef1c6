import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const example = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "tour.js");

test("the README tour runs as written", () => {
  const cwd = mkdtempSync(join(tmpdir(), "zendl-tour-"));
  const out = execFileSync(process.execPath, [example], { cwd, encoding: "utf8" });
  assert.match(out, /\[ \[ 2, 4 \], \[ 6, 8 \] \]/);
  const restored = Number(/restored accuracy ([\d.]+)/.exec(out)?.[1]);
  const validation = Number(/validation accuracy ([\d.]+)/.exec(out)?.[1]);
  assert.ok(validation > 0.9, out);
  assert.ok(Math.abs(restored - validation) < 1e-9, out);
});
