import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const example = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "classic-models.js");

test("the classic-models example runs and shows what it claims", () => {
  const out = execFileSync(process.execPath, [example], { encoding: "utf8" });
  assert.match(out, /perceptron AND: converged true/);
  assert.match(out, /perceptron XOR: converged false after 100 epochs/);
  const mse = Number(/rbf sin fit: test MSE ([\d.e+-]+)/.exec(out)?.[1]);
  assert.ok(mse < 1e-3, out);
  const errors = [...out.matchAll(/reconstruction error ([\d.]+)/g)].map((m) => Number(m[1]));
  assert.equal(errors.length, 5);
  assert.ok(errors[4] < errors[0], out);
});
