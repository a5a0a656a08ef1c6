// The conv and pool layers' PyTorch fixtures inside a page (the rule of test/nn/conv.test.ts and
// pool.test.ts, the runners shared through test/helpers/layer-runners.ts), reporting failures instead of
// asserting and reading every value asynchronously, so it runs on WebGPU too.
import * as zd from "../../../src/index.js";
import type { FixtureCase } from "../../helpers/op-table.js";
import { convFunctional, convLayerFor, poolRunners } from "../../helpers/layer-runners.js";
import {
  array, mismatch, toTensor, useSettings, type OpTableOptions, type OpTableResult,
} from "./op-fixtures.js";

/** The first of a case's comparisons that fails, or null. */
type Check = (c: FixtureCase, tol: { rtol: number; atol: number }) => Promise<string | null>;

async function first(...checks: (() => Promise<string | null>)[]): Promise<string | null> {
  for (const check of checks) {
    const bad = await check();
    if (bad) return bad;
  }
  return null;
}

const convCase: Check = async (c, { rtol, atol }) => {
  const layer = convLayerFor(c);
  const state = new Map([["weight", toTensor(array(c, "weight"))]]);
  if (c.hasBias) state.set("bias", toTensor(array(c, "bias")));
  layer.loadStateDict(state);
  const x = toTensor(array(c, "input"), true);
  const y = layer.forward(x);
  y.backward(toTensor(array(c, "gradOutput")));
  const direct = convFunctional(c, x.detach(), state.get("weight") as zd.Tensor, state.get("bias") ?? null);
  const compare = (label: string, t: zd.Tensor | null, field: string) => async () =>
    (t === null ? `${label}: missing` : await mismatch(t, array(c, field), rtol, atol).then((m) =>
      (m ? `${label}: ${m}` : null)));
  return first(compare("output", y, "output"), compare("grad_input", x.grad, "grad_input"),
    compare("grad_weight", layer.weight.grad, "grad_weight"),
    ...(c.hasBias ? [compare("grad_bias", layer.bias?.grad ?? null, "grad_bias")] : []),
    compare("functional output", direct, "output"));
};

const poolCase: Check = async (c, { rtol, atol }) => {
  for (const [how, run] of poolRunners(c)) {
    const x = toTensor(array(c, "input"), true);
    const [y, indices] = run(x);
    y.backward(toTensor(array(c, "gradOutput")));
    const bad = await first(async () => mismatch(y, array(c, "output"), rtol, atol),
      async () => (c.indices ? mismatch(indices.float(), array(c, "indices"), 0, 0) : null),
      async () => (x.grad ? mismatch(x.grad, array(c, "grad_input"), rtol, atol) : "no gradient"));
    if (bad) return `${how}: ${bad}`;
  }
  return null;
};

/** Runs every case of conv.json and pool.json fetched from `fixturesUrl` on the active backend. */
export async function checkLayerFixtures(fixturesUrl: string,
  options: OpTableOptions = {}): Promise<OpTableResult> {
  useSettings(options);
  const scale = options.toleranceScale ?? 1;
  const files: [string, Check, { rtol: number; atol: number }][] = [
    ["conv", convCase, { rtol: 1e-4 * scale, atol: 1e-5 * scale }],
    ["pool", poolCase, { rtol: 1e-5 * scale, atol: 1e-6 * scale }],
  ];
  const failures: string[] = [];
  let cases = 0;
  for (const [file, check, tol] of files) {
    const response = await fetch(`${fixturesUrl}${file}.json`);
    const doc = await response.json() as { cases: Record<string, FixtureCase> };
    for (const [name, c] of Object.entries(doc.cases)) {
      cases++;
      try {
        const error = await check(c, tol);
        if (error) failures.push(`${file}/${name}: ${error}`);
      } catch (e) {
        failures.push(`${file}/${name}: threw ${(e as Error).message}`);
      }
    }
  }
  return { cases, failures };
}
