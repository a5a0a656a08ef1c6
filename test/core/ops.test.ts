// The generic op-table runner: every entry of test/helpers/op-table.ts is checked (a) against the
// PyTorch fixtures that reproduce it (values and gradients, float32) and (b) by gradcheck in float64.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { loadFixture } from "../helpers/fixtures.js";
import { entryFor, NOT_IN_TABLE, OP_TABLE, sampleInputs, type FixtureCase } from "../helpers/op-table.js";
import { runFixtureCase } from "../helpers/op-fixture-case.js";

const fixtureCases: Array<[string, FixtureCase]> = [
  ...Object.entries(loadFixture("ops")).map(([k, v]): [string, FixtureCase] => [`ops/${k}`, v]),
  ...Object.entries(loadFixture("activations"))
    .map(([k, v]): [string, FixtureCase] => [`activations/${k}`, v]),
];

describe("op table: PyTorch fixtures", () => {
  for (const [name, c] of fixtureCases) {
    const op = c.op as string;
    if (NOT_IN_TABLE.has(op)) continue;
    test(name, () => {
      const entry = entryFor(op);
      assert.ok(entry, `fixture op "${op}" has no op-table entry with fromFixture`);
      runFixtureCase(entry, c);
    });
  }
});

describe("op table: gradcheck (float64)", () => {
  OP_TABLE.forEach((entry, e) => {
    entry.samples.forEach((sample, s) => {
      test(`${entry.name}: ${sample.label}`, () => {
        const inputs = sampleInputs(sample, 1000 * e + 17 * s + 1);
        const out = sample.call(...inputs);
        assert.equal(out.dtype, "float64", "a float64 input gives a float64 output");
        assert.ok(out.requiresGrad, "the output is in the graph");
        assert.ok(zd.gradcheck(sample.call, inputs, sample.gradcheck));
      });
    });
  });
});

describe("op table: coverage", () => {
  test("every fixture op has an entry", () => {
    const missing = fixtureCases
      .filter(([, c]) => !NOT_IN_TABLE.has(c.op as string) && !entryFor(c.op as string));
    assert.deepEqual(missing.map(([name]) => name), []);
  });

  test("every differentiable op of the brief is in the table", () => {
    const required = ("add sub mul div pow powScalar maximum minimum where neg exp log log1p expm1 sqrt " +
      "rsqrt abs reciprocal sin cos erf clamp relu sigmoid tanh leakyRelu elu softplus gelu silu " +
      "logSigmoid softmax logSoftmax sum mean max min prod var std logsumexp reshape view flatten permute " +
      "transpose squeeze unsqueeze expand slice select split chunk concat stack gather indexSelect matmul " +
      "contiguous clone cast").split(" ");
    const names = new Set(OP_TABLE.map((e) => e.name));
    assert.deepEqual(required.filter((n) => !names.has(n)), []);
    assert.equal(names.size, OP_TABLE.length, "entry names are unique");
  });
});
