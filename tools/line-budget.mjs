#!/usr/bin/env node
// Keeps the code small and readable (DESIGN.md "Style"): src/core stays within its line budget, no
// file under src/ grows past the per-file limit (non-blank lines), and no line in src/, kernels/ or
// test/ is longer than 110 characters.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const CORE_BUDGET = 3000;
const FILE_LIMIT = 300;
const LINE_LIMIT = 110;
const MAX_LISTED = 40;

// Files allowed over FILE_LIMIT, each up to its count when listed (so it cannot grow further), and
// why. Split the file, then drop its entry.
const OVER_FILE_LIMIT = new Map([]);

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}
const text = (path) => readFileSync(path, "utf8").split("\n");
const lines = (path) => text(path).filter((l) => l.trim() !== "").length;

const problems = [];
const core = files("src/core").reduce((sum, f) => sum + lines(f), 0);
if (core > CORE_BUDGET) problems.push(`src/core has ${core} non-blank lines, budget ${CORE_BUDGET}`);
for (const f of files("src")) {
  const n = lines(f);
  const limit = OVER_FILE_LIMIT.get(f) ?? FILE_LIMIT;
  if (n > limit) problems.push(`${f} has ${n} non-blank lines, limit ${limit}`);
}

const longLines = [];
for (const f of ["src", "kernels", "test"].flatMap(files)) {
  text(f).forEach((line, i) => {
    const n = [...line].length; // code points, so a "≤" counts as one character
    if (n > LINE_LIMIT) longLines.push(`${f}:${i + 1} (${n} chars)`);
  });
}
if (longLines.length) {
  problems.push(`${longLines.length} lines over ${LINE_LIMIT} characters:`);
  problems.push(...longLines.slice(0, MAX_LISTED).map((l) => `  ${l}`));
  if (longLines.length > MAX_LISTED) problems.push(`  ... and ${longLines.length - MAX_LISTED} more`);
}

if (problems.length) {
  console.error(`line budget exceeded:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`line budget: src/core ${core}/${CORE_BUDGET} lines, no line over ${LINE_LIMIT} characters`);
