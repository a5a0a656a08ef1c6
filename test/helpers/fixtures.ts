// Loader for the PyTorch reference fixtures in test/fixtures/ (see
// test/fixtures/README.md for the schema; regenerate them with
// `/usr/bin/python3 tools/make-fixtures.py`).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface FixtureArray {
  shape: number[];
  dtype: string;
  data: number[];
}

export type FixtureValue =
  | FixtureArray
  | number
  | string
  | boolean
  | null
  | FixtureValue[]
  | { [k: string]: FixtureValue };

interface FixtureFile {
  generator: string;
  torch: string;
  cases: Record<string, Record<string, FixtureValue>>;
}

let fixturesDir: string | undefined;

/** Walks up from this module (source or dist/ build) to the directory holding package.json. */
function findFixturesDir(): string {
  if (fixturesDir !== undefined) return fixturesDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) {
      fixturesDir = join(dir, "test", "fixtures");
      return fixturesDir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error("fixtures: no package.json found above " + fileURLToPath(import.meta.url));
    }
    dir = parent;
  }
}

/** Absolute path of test/fixtures/<name> (name includes its extension, if any). */
export function fixturePath(name: string): string {
  return join(findFixturesDir(), name);
}

const cache = new Map<string, Record<string, Record<string, FixtureValue>>>();

/** Loads test/fixtures/<name>.json and returns its `cases` object. */
export function loadFixture(name: string): Record<string, Record<string, FixtureValue>> {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const file = fixturePath(name.endsWith(".json") ? name : name + ".json");
  const doc = JSON.parse(readFileSync(file, "utf8")) as FixtureFile;
  if (doc === null || typeof doc !== "object" || typeof doc.cases !== "object" || doc.cases === null) {
    throw new Error(`fixtures: ${file} has no "cases" object`);
  }
  cache.set(name, doc.cases);
  return doc.cases;
}

/** True when v is an array value `{ shape, dtype, data }`. */
export function isArray(v: FixtureValue): v is FixtureArray {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Array.isArray((v as { shape?: unknown }).shape) &&
    typeof (v as { dtype?: unknown }).dtype === "string" &&
    Array.isArray((v as { data?: unknown }).data)
  );
}

/** Returns case[field] as an array value, throwing a descriptive error otherwise. */
export function getArray(c: Record<string, FixtureValue>, field: string): FixtureArray {
  const v = c[field];
  if (v === undefined || !isArray(v)) throw new Error(`fixtures: field "${field}" is not an array value`);
  return v;
}
