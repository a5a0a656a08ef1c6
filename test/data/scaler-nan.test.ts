import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as zd from "../../src/index.js";

// written by tools/make-scaler-nan-fixture.py (scikit-learn)
const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..",
  "test",
  "fixtures", "scaler-nan.json"), "utf8")) as { x: (number | null)[][]; mean: number[]; scale: number[];
  nSamplesSeen: number[]; transformed: (number | null)[][] };

test("StandardScaler.fit ignores NaN as scikit-learn does, counts it, and keeps NaN through transform",
  () => {
  const x = zd.tensor(fixture.x.map((row) => row.map((v) => v ?? NaN)), { dtype: "float64" });
  const scaler = new zd.data.StandardScaler().fit(x);
  const close = (a: number[], b: number[], what: string): void =>
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12 * Math.max(1, Math.abs(b[i])), `${what}[${i}]`));
  close(Array.from(scaler.mean.dataSync()), fixture.mean, "mean");
  close(Array.from(scaler.scale.dataSync()), fixture.scale, "scale");
  assert.deepEqual(scaler.nSamplesSeen, fixture.nSamplesSeen);
  assert.equal(scaler.nanIgnored, 5);
  const out = scaler.transform(x).toArray() as number[][];
  out.forEach((row, i) => row.forEach((v, j) => {
    const expected = fixture.transformed[i][j];
    if (expected === null) assert.ok(Number.isNaN(v), `NaN stays NaN at ${i},${j}`);
    else assert.ok(Math.abs(v - expected) < 1e-9, `transformed ${i},${j}`);
  }));
  assert.throws(() => new zd.data.StandardScaler().fit(zd.tensor([[1, Infinity], [2, 3]])),
    /row 0, column 1 is Infinity/);
});
