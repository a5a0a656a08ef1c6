// The wasm elementwise kernels (unary, binary with broadcasting, where, strided copy and fill)
// against the reference backend, on both kernel variants, on awkward sizes and layouts.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DType } from "../../src/core/dtype.js";
import type { BinaryOp, UnaryOp } from "../../src/backend/backend.js";
import { fastCopy, fastFill } from "../../src/backend/wasm/copy.js";
import { fastBinary, fastUnary, fastWhere } from "../../src/backend/wasm/elementwise.js";
import type { WasmBackend } from "../../src/backend/wasm/backend.js";
import {
  assertMatch, extent, floatData, intData, makeView, readAll, reference, SIZES, variants, type ViewSpec,
} from "./wasm-ew-helpers.js";

/** Unary cases: op, parameters, relative tolerance against the reference (0 = the same float). */
const UNARY: Array<[UnaryOp, number, number, number]> = [
  ["neg", 0, 0, 0], ["exp", 0, 0, 1e-6], ["log", 0, 0, 1e-6], ["log1p", 0, 0, 1e-7], ["expm1", 0, 0, 1e-7],
  ["sqrt", 0, 0, 0], ["rsqrt", 0, 0, 0], ["abs", 0, 0, 0], ["sign", 0, 0, 0], ["reciprocal", 0, 0, 0],
  ["relu", 0, 0, 0], ["sigmoid", 0, 0, 1e-6], ["tanh", 0, 0, 1e-6], ["sin", 0, 0, 1e-7], ["cos", 0, 0, 1e-7],
  ["erf", 0, 0, 1e-7], ["floor", 0, 0, 0], ["ceil", 0, 0, 0], ["round", 0, 0, 0], ["leakyRelu", 0.1, 0, 2e-7],
  ["elu", 1.5, 0, 1e-7], ["clamp", -1, 2, 0], ["clamp", 0.1, 0.3, 0], ["clamp", 2, -1, 0],
  ["powScalar", 2, 0, 0], ["powScalar", 1, 0, 0], ["powScalar", -1, 0, 0], ["powScalar", 3, 0, 1e-7],
  ["powScalar", 0.5, 0, 1e-7], ["powScalar", 0, 0, 0], ["powScalar", -2.5, 0, 1e-7],
  ["softplus", 1, 20, 1e-7], ["softplus", 2, 1, 1e-7],
];

/** Layouts of one input: contiguous sizes, 0-d, transposed, sliced with large strides, broadcast. */
const LAYOUTS: ViewSpec[] = [
  ...SIZES.map((n) => ({ shape: [n] })),
  { shape: [] },
  { shape: [13, 7], strides: [1, 13] },
  { shape: [5, 3], strides: [1000, 7], offset: 11 },
  { shape: [3, 4, 5], strides: [1, 15, 3] },
  { shape: [4, 6], strides: [0, 1] },
  { shape: [2, 0, 3] },
];

function runUnary(op: UnaryOp, spec: ViewSpec, dtype: DType, p0: number, p1: number, seed: number) {
  const n = extent(spec), data = dtype === "int32" ? intData(n, seed) : floatData(n, seed);
  const outSize = spec.shape.reduce((a, b) => a * b, 1);
  return [reference, ...variants.map(([, be]) => be)].map((be, i) => {
    const out = be.alloc(outSize, dtype), x = makeView(be, spec, data, dtype);
    // the wasm variants must take the fast path: a silent fallback would test the reference twice
    if (i === 0) be.unary(op, x, out, p0, p1);
    else assert.ok(fastUnary(be as WasmBackend, op, x, out, p0, p1), `${op}: no fast path, [${spec.shape}]`);
    return readAll(be, out, spec.shape);
  });
}

describe("wasm unary kernels match the reference", () => {
  for (const [op, p0, p1, rtol] of UNARY) {
    test(`${op}(${p0}, ${p1}) float32`, () => {
      LAYOUTS.forEach((spec, k) => {
        const [expected, ...actual] = runUnary(op, spec, "float32", p0, p1, 17 + k);
        actual.forEach((a, v) => assertMatch(a, expected, `${variants[v][0]} ${op} [${spec.shape}]`, rtol,
          1e-37));
      });
    });
  }
  for (const op of ["neg", "abs", "sign", "relu", "floor", "ceil", "round", "clamp", "exp"] as UnaryOp[]) {
    test(`${op} int32 (fast or fallback)`, () => {
      LAYOUTS.forEach((spec, k) => {
        const n = extent(spec), data = intData(n, 5 + k);
        data[0] = -2147483648;
        const outType: DType = op === "exp" ? "float32" : "int32";
        const outSize = spec.shape.reduce((a, b) => a * b, 1);
        const [expected, ...actual] = [reference, ...variants.map(([, be]) => be)].map((be) => {
          const out = be.alloc(outSize, outType);
          be.unary(op, makeView(be, spec, data, "int32"), out, -3, 7);
          return readAll(be, out, spec.shape);
        });
        actual.forEach((a) => assertMatch(a, expected, `${op} int32 [${spec.shape}]`, 1e-6));
      });
    });
  }
});

/** Pairs of operand views of one output shape (broadcast dims have stride 0). */
const PAIRS: Array<[string, number[], ViewSpec, ViewSpec]> = [
  ...SIZES.map((n): [string, number[], ViewSpec, ViewSpec] =>
    [`contiguous ${n}`, [n], { shape: [n] }, { shape: [n] }]),
  ["tensor x scalar", [31], { shape: [31] }, { shape: [31], strides: [0], offset: 3 }],
  ["scalar x tensor", [1023], { shape: [1023], strides: [0] }, { shape: [1023] }],
  ["0-d", [], { shape: [] }, { shape: [], offset: 2 }],
  ["[1] with [1]", [1], { shape: [1] }, { shape: [1], strides: [0] }],
  ["row broadcast [N,C]+[C]", [37, 13], { shape: [37, 13] }, { shape: [37, 13], strides: [0, 1] }],
  ["column broadcast [N,C]*[N,1]", [37, 13], { shape: [37, 13] }, { shape: [37, 13], strides: [1, 0] }],
  ["[N,1] with [1,C]", [29, 7], { shape: [29, 7], strides: [1, 0] }, { shape: [29, 7], strides: [0, 1] }],
  ["[C] with [N,C]", [5, 1023], { shape: [5, 1023], strides: [0, 1] }, { shape: [5, 1023] }],
  ["leading broadcast [3,1,5] with [4,5]", [3, 4, 5], { shape: [3, 4, 5], strides: [5, 0, 1] },
    { shape: [3, 4, 5], strides: [0, 5, 1] }],
  ["transposed with sliced", [11, 6], { shape: [11, 6], strides: [1, 11] },
    { shape: [11, 6], strides: [900, 13], offset: 5 }],
  ["4-d mixed", [2, 3, 1, 9], { shape: [2, 3, 1, 9], strides: [27, 9, 9, 1] },
    { shape: [2, 3, 1, 9], strides: [0, 1, 0, 3] }],
  ["empty", [4, 0], { shape: [4, 0] }, { shape: [4, 0], strides: [0, 1] }],
];

const FLOAT_BINARY: BinaryOp[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt",
  "le", "gt", "ge"];

function runBinary(op: BinaryOp, shape: number[], sa: ViewSpec, sb: ViewSpec, dtype: DType, seed: number) {
  const da = dtype === "int32" ? intData(extent(sa), seed) : floatData(extent(sa), seed);
  const db = dtype === "int32" ? intData(extent(sb), seed + 1) : floatData(extent(sb), seed + 1);
  if (dtype === "float32" && db.length > 2) db[1] = da[Math.min(1, da.length - 1)]; // an equal pair
  const size = shape.reduce((a, b) => a * b, 1);
  return [reference, ...variants.map(([, be]) => be)].map((be, i) => {
    const out = be.alloc(size, dtype), a = makeView(be, sa, da, dtype), b = makeView(be, sb, db, dtype);
    if (i === 0) be.binary(op, a, b, out);
    else assert.ok(fastBinary(be as WasmBackend, op, a, b, out), `${op}: no fast path for [${shape}]`);
    return readAll(be, out, shape);
  });
}

describe("wasm binary kernels match the reference", () => {
  for (const op of FLOAT_BINARY) {
    test(`${op} float32 on every broadcast layout`, () => {
      PAIRS.forEach(([name, shape, sa, sb], k) => {
        const [expected, ...actual] = runBinary(op, shape, sa, sb, "float32", 100 + k);
        const rtol = op === "pow" ? 1e-7 : 0;
        actual.forEach((a, v) => assertMatch(a, expected, `${variants[v][0]} ${op} ${name}`, rtol));
      });
    });
  }
  const intOps: BinaryOp[] = [
    "add", "sub", "mul", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "div",
  ];
  for (const op of intOps) {
    test(`${op} int32`, () => {
      PAIRS.forEach(([name, shape, sa, sb], k) => {
        if (op === "div") return; // int32 division returns float32: covered by the fallback test below
        const [expected, ...actual] = runBinary(op, shape, sa, sb, "int32", 300 + k);
        actual.forEach((a) => assertMatch(a, expected, `${op} int32 ${name}`));
      });
    });
  }
  test("mixed dtypes fall back to the reference", () => {
    const data = intData(7, 3), fdata = floatData(7, 4);
    const [expected, ...actual] = [reference, ...variants.map(([, be]) => be)].map((be) => {
      const out = be.alloc(7, "float32");
      const a = makeView(be, { shape: [7] }, data, "int32");
      const b = makeView(be, { shape: [7] }, fdata, "float32");
      be.binary("div", a, b, out);
      return readAll(be, out, [7]);
    });
    actual.forEach((a) => assertMatch(a, expected, "int32 / float32"));
  });
  test("pow by a scalar exponent (the powScalar route) keeps pow's special cases", () => {
    for (const e of [2, 0.5, -1, NaN, Infinity, 0]) {
      const x = new Float32Array([1, -1, 0, -0, NaN, Infinity, -Infinity, 2, -2.5, 1e-3]);
      const [expected, ...actual] = [reference, ...variants.map(([, be]) => be)].map((be) => {
        const out = be.alloc(x.length, "float32");
        const b = makeView(be, { shape: [x.length], strides: [0] }, new Float32Array([e]), "float32");
        be.binary("pow", makeView(be, { shape: [x.length] }, x, "float32"), b, out);
        return readAll(be, out, [x.length]);
      });
      actual.forEach((a) => assertMatch(a, expected, `pow(x, ${e})`, 1e-7));
    }
  });
});

describe("wasm where matches the reference", () => {
  const CASES: Array<[string, number[], ViewSpec, ViewSpec, ViewSpec]> = [
    ...SIZES.map((n): [string, number[], ViewSpec, ViewSpec, ViewSpec] =>
      [`contiguous ${n}`, [n], { shape: [n] }, { shape: [n] }, { shape: [n] }]),
    ["broadcast cond and scalar b", [9, 5], { shape: [9, 5], strides: [0, 1] }, { shape: [9, 5] },
      { shape: [9, 5], strides: [0, 0] }],
    ["transposed a, column b", [6, 7], { shape: [6, 7] }, { shape: [6, 7], strides: [1, 6] },
      { shape: [6, 7], strides: [1, 0] }],
    ["0-d", [], { shape: [] }, { shape: [] }, { shape: [] }],
  ];
  for (const condType of ["float32", "int32"] as DType[]) {
    for (const dtype of ["float32", "int32"] as DType[]) {
      test(`cond ${condType}, values ${dtype}`, () => {
        CASES.forEach(([name, shape, sc, sa, sb], k) => {
          const cd = condType === "int32" ? intData(extent(sc), k, 2) : floatData(extent(sc), k, true, 1);
          const mk = (s: ViewSpec, seed: number) =>
            dtype === "int32" ? intData(extent(s), seed) : floatData(extent(s), seed);
          const da = mk(sa, 50 + k), db = mk(sb, 80 + k), size = shape.reduce((x, y) => x * y, 1);
          const [expected, ...actual] = [reference, ...variants.map(([, be]) => be)].map((be, i) => {
            const out = be.alloc(size, dtype);
            const c = makeView(be, sc, cd, condType);
            const a = makeView(be, sa, da, dtype), b = makeView(be, sb, db, dtype);
            if (i === 0) be.where(c, a, b, out);
            else assert.ok(fastWhere(be as WasmBackend, c, a, b, out), `where: no fast path for ${name}`);
            return readAll(be, out, shape);
          });
          actual.forEach((a) => assertMatch(a, expected, `where ${name}`));
        });
      });
    }
  }
});

describe("wasm strided copy and fill match the reference", () => {
  const COPIES: Array<[string, ViewSpec, ViewSpec]> = [
    ...SIZES.map((n): [string, ViewSpec, ViewSpec] => [`contiguous ${n}`, { shape: [n] }, { shape: [n] }]),
    ["transpose 37x41", { shape: [37, 41], strides: [1, 37] }, { shape: [37, 41] }],
    ["transpose 1023x5", { shape: [1023, 5], strides: [1, 1023] }, { shape: [1023, 5] }],
    ["transpose 64x64", { shape: [64, 64], strides: [1, 64] }, { shape: [64, 64] }],
    ["broadcast row", { shape: [7, 9], strides: [0, 1] }, { shape: [7, 9] }],
    ["into a slice (cat)", { shape: [4, 5] }, { shape: [4, 5], strides: [12, 1], offset: 3 }],
    ["sliced, large strides", { shape: [3, 4, 2], strides: [500, 31, 7], offset: 9 }, { shape: [3, 4, 2] }],
    ["0-d", { shape: [] }, { shape: [], offset: 1 }],
  ];
  for (const dtype of ["float32", "int32", "float64"] as DType[]) {
    test(`copy ${dtype}`, () => {
      COPIES.forEach(([name, src, dst], k) => {
        const sd = dtype === "int32" ? intData(extent(src), k) : Float64Array.from(floatData(extent(src), k));
        const init = new Float64Array(extent(dst)).fill(-1);
        const [expected, ...actual] = [reference, ...variants.map(([, be]) => be)].map((be, i) => {
          const s = makeView(be, src, dtype === "float32" ? Float32Array.from(sd) : sd, dtype);
          const d = makeView(be, dst, dtype === "int32" ? Int32Array.from(init) : init, dtype);
          if (i === 0) be.copy(s, d);
          else assert.ok(fastCopy(be as WasmBackend, s, d));
          return be.read({ ...d, shape: [init.length], strides: [1], offset: 0 });
        });
        actual.forEach((a) => assertMatch(a, expected, `copy ${dtype} ${name}`));
      });
    });
    test(`fill ${dtype}`, () => {
      for (const [name, spec] of [["strided", { shape: [3, 4], strides: [9, 2], offset: 1 }],
        ["contiguous", { shape: [1023] }]] as Array<[string, ViewSpec]>) {
        const init = new Float64Array(extent(spec)).fill(-1);
        const [expected, ...actual] = [reference, ...variants.map(([, be]) => be)].map((be, i) => {
          const d = makeView(be, spec, dtype === "int32" ? Int32Array.from(init) : init, dtype);
          if (i === 0) be.fill(d, 2.75);
          else assert.ok(fastFill(be as WasmBackend, d, 2.75));
          return be.read({ ...d, shape: [init.length], strides: [1], offset: 0 });
        });
        actual.forEach((a) => assertMatch(a, expected, `fill ${dtype} ${name}`));
      }
    });
  }
});
