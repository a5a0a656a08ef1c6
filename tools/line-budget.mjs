#!/usr/bin/env node
// Keeps the core small (DESIGN.md): src/core must stay within its line budget, and no source file
// should grow past the per-file limit. Counts non-blank lines.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const CORE_BUDGET = 3000;
const FILE_LIMIT = 400;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}
const lines = (path) => readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "").length;

const problems = [];
const core = files("src/core").reduce((sum, f) => sum + lines(f), 0);
if (core > CORE_BUDGET) problems.push(`src/core has ${core} non-blank lines, budget ${CORE_BUDGET}`);
for (const f of files("src")) {
  const n = lines(f);
  if (n > FILE_LIMIT) problems.push(`${relative(".", f)} has ${n} non-blank lines, limit ${FILE_LIMIT}`);
}
if (problems.length) {
  console.error(`line budget exceeded:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`line budget: src/core ${core}/${CORE_BUDGET} lines`);
