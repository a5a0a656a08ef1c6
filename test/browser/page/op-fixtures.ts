// The op table against the PyTorch fixtures, inside a page: the same entries and comparison rule as
// test/core/ops.test.ts (values and gradients, float32), reporting failures instead of asserting. On
// WebGPU (no float64 in WGSL) float64 fixtures run in float32 with ten times the tolerance, as
// test/webgpu/cases/ops.cases.ts does in Node, and every value is read asynchronously.
import * as zd from "../../../src/index.js";
import type { FixtureArray, FixtureValue } from "../../helpers/fixtures.js";
import { entryFor, NOT_IN_TABLE, type FixtureCase, type OpEntry } from "../../helpers/op-table.js";

/** A fixture field that must be an array value. */
export function array(c: FixtureCase, field: string): FixtureArray {
  const v = c[field] as FixtureArray | undefined;
  if (v === undefined || !Array.isArray(v.shape)) throw new Error(`field "${field}" is not an array value`);
  return v;
}

/** How a page runs the table: float64 fixtures as float32, and a tolerance factor (WebGPU: 10). */
export interface OpTableOptions { float64As?: "float32"; toleranceScale?: number }
let settings: OpTableOptions = {};

/** How the fixture checkers of this page run (checkOpTable sets it; layer-fixtures.ts too). */
export function useSettings(options: OpTableOptions): void { settings = options; }

export function toTensor(arr: FixtureArray, requiresGrad = false): zd.Tensor {
  const wide = settings.float64As ?? "float64";
  const dtype: zd.DType = arr.dtype === "float64" ? wide : arr.dtype === "float32" ? "float32" : "int32";
  return zd.tensor(arr.data, { shape: [...arr.shape], dtype, requiresGrad });
}

/** The first element off by more than atol + rtol * |expected| (NaN matches NaN), or null. */
export async function mismatch(actual: zd.Tensor, expected: FixtureArray, rtol: number,
  atol: number): Promise<string | null> {
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape}] vs [${expected.shape}]`;
  const a = await actual.data();
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = expected.data[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!Number.isFinite(y) || !Number.isFinite(x) ? x !== y : Math.abs(x - y) > atol + rtol * Math.abs(y)) {
      return `element ${i} is ${x}, expected ${y}`;
    }
  }
  return null;
}

async function runCase(entry: OpEntry, c: FixtureCase): Promise<string | null> {
  const { args, call } = (entry.fromFixture as NonNullable<OpEntry["fromFixture"]>)(c);
  const inputs = args.map((name) => toTensor(array(c, name), `grad_${name}` in c));
  const scale = settings.toleranceScale ?? 1;
  const rtol = scale * (entry.rtol ?? 1e-5), atol = scale * (entry.atol ?? 1e-6);
  const output = call(...inputs);
  const bad = await mismatch(output, array(c, "output"), rtol, atol);
  if (bad) return `output: ${bad}`;
  const gradFields = Object.keys(c).filter((k) => k.startsWith("grad_"));
  if (gradFields.length === 0) return null;
  if ("gradOutput" in c) output.backward(toTensor(array(c, "gradOutput")));
  else output.backward();
  for (const field of gradFields) {
    const grad = inputs[args.indexOf(field.slice("grad_".length))]?.grad;
    if (!grad) return `${field}: no gradient reached the input`;
    const wrong = await mismatch(grad, array(c, field), rtol, atol);
    if (wrong) return `${field}: ${wrong}`;
  }
  return null;
}

export interface OpTableResult { cases: number; failures: string[] }

/** Runs every fixture case of ops.json and activations.json fetched from `fixturesUrl`. */
export async function checkOpTable(fixturesUrl: string,
  options: OpTableOptions = {}): Promise<OpTableResult> {
  useSettings(options);
  const failures: string[] = [];
  let cases = 0;
  for (const file of ["ops", "activations"]) {
    const doc = await (await fetch(`${fixturesUrl}${file}.json`)).json() as
      { cases: Record<string, Record<string, FixtureValue>> };
    for (const [name, c] of Object.entries(doc.cases)) {
      if (NOT_IN_TABLE.has(c.op as string)) continue;
      const entry = entryFor(c.op as string);
      cases++;
      try {
        const error = entry ? await runCase(entry, c) : "no op-table entry";
        if (error) failures.push(`${file}/${name}: ${error}`);
      } catch (e) {
        failures.push(`${file}/${name}: threw ${(e as Error).message}`);
      }
    }
  }
  return { cases, failures };
}
