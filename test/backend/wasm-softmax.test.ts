// The wasm row-wise softmax / log-softmax kernels and their adjoints against the reference backend, on
// both kernel variants: odd column counts around the vector width, offsets, empty blocks, and rows
// holding NaN, infinities or only -inf.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fastSoftmax, fastSoftmaxBackward } from "../../src/backend/wasm/softmax.js";
import { assertMatch, floatData, makeView, readAll, reference, variants } from "./wasm-ew-helpers.js";

const SHAPES: Array<[number, number]> = [[0, 5], [3, 0], [1, 1], [2, 3], [4, 4], [3, 5], [7, 7], [5, 31],
  [2, 1023], [1, 4099], [200, 10]];

function block(rows: number, cols: number, seed: number, specials: boolean, offset: number): Float32Array {
  const data = new Float32Array(rows * cols + offset);
  data.set(floatData(rows * cols, seed, specials, 6), offset);
  // one row all -inf and one with +inf, when there are rows enough
  if (specials && rows >= 3 && cols > 0) {
    data.fill(-Infinity, offset + cols, offset + 2 * cols);
    data[offset + 2 * cols] = Infinity;
  }
  return data;
}

describe("wasm softmax kernels match the reference", () => {
  for (const log of [false, true]) {
    const name = log ? "logSoftmax" : "softmax";
    test(`${name} forward and backward, float32`, () => {
      SHAPES.forEach(([rows, cols], k) => {
        for (const specials of [false, true]) {
          const offset = k % 3;
          const x = block(rows, cols, 10 + k, specials, offset);
          const g = block(rows, cols, 50 + k, false, offset);
          const spec = { shape: [rows, cols], offset };
          const run = (be: typeof reference, fast: boolean) => {
            const xv = makeView(be, spec, x, "float32");
            const out = be.alloc(Math.max(rows * cols, 1), "float32");
            if (fast) assert.ok(fastSoftmax(be as never, xv, rows, cols, out, log));
            else be.softmax!(xv, rows, cols, out, log);
            const y = readAll(be, out, [rows, cols]);
            const yv = { storage: out, shape: [rows, cols], strides: [cols, 1], offset: 0 };
            const gv = makeView(be, spec, g, "float32");
            const dx = be.alloc(Math.max(rows * cols, 1), "float32");
            if (fast) assert.ok(fastSoftmaxBackward(be as never, yv, gv, rows, cols, dx, log));
            else be.softmaxBackward!(yv, gv, rows, cols, dx, log);
            return [y, readAll(be, dx, [rows, cols])];
          };
          const [y, dx] = run(reference, false);
          for (const [variant, be] of variants) {
            const [ya, dxa] = run(be as never, true);
            const label = `${variant} ${name} [${rows},${cols}] specials=${specials}`;
            assertMatch(ya, y, `${label} forward`, 2e-6, 1e-6);
            assertMatch(dxa, dx, `${label} backward`, 1e-5, 1e-5);
          }
        }
      });
    });
  }

  test("softmax rows sum to one and log-softmax rows log-sum-exp to zero " +
    "(large logits do not overflow)", () => {
    for (const [, be] of variants) {
      const x = makeView(be, { shape: [2, 3] }, Float32Array.from([1000, 1001, 1002, -1000, 0, 1000]),
        "float32");
      const out = be.alloc(6, "float32");
      be.softmax(x, 2, 3, out, false);
      const y = readAll(be, out, [2, 3]);
      assert.ok(Math.abs(y[0] + y[1] + y[2] - 1) < 1e-6 && Math.abs(y[5] - 1) < 1e-6, `got ${[...y]}`);
      be.softmax(x, 2, 3, out, true);
      const l = readAll(be, out, [2, 3]);
      assert.ok(Math.abs(l[2] - -0.40760596) < 1e-5 && l[5] === 0, `got ${[...l]}`);
    }
  });
});
