import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const example = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "generative.js");

test("the generative example runs, writes its PNGs and shows what it claims", () => {
  const cwd = mkdtempSync(join(tmpdir(), "zendl-generative-"));
  try {
    const out = execFileSync(process.execPath, [example], { cwd, encoding: "utf8" });
    const [mse, untrained] = (/reconstruction MSE ([\d.]+) \(untrained ([\d.]+)\)/.exec(out) ?? []).slice(1)
      .map(Number);
    assert.ok(mse < 0.2 * untrained, out);
    const top = Number(/mean top-class probability ([\d.]+)/.exec(out)?.[1]);
    const classes = Number(/(\d+) of 10 classes/.exec(out)?.[1]);
    // The bar set for the GAN: over 1,000 samples a mean top-class probability >= 0.8, all 10 digits.
    assert.ok(top >= 0.8 && classes === 10, out);
    assert.match(out, /the reloaded generator repeats its samples: true/);
    const files = ["reconstructions.png", "samples-epoch-10.png", "samples-epoch-40.png", "gan.safetensors"];
    for (const file of files) {
      assert.ok(existsSync(join(cwd, file)), `${file} missing`);
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
