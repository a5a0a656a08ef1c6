// Fused optimizer kernels (Backend.sgdStep / adamStep): the PyTorch fixtures on both backends, fused
// steps bit-identical to the tensor-op steps they replace, the wasm kernels bit-identical to the reference
// ones (odd sizes, NaN gradients, float64), and the fallbacks for parameters a kernel cannot take.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import type { Backend, Storage } from "../../src/index.js";
import type { AdamStepOptions, SgdStepOptions } from "../../src/optim/fused.js";
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer, type Params } from "../../src/optim/index.js";
import { WasmBackend } from "../../src/backend/wasm/backend.js";
import { loadFixture, type FixtureArray, type FixtureValue } from "../helpers/fixtures.js";

const BACKENDS = ["js", "wasm"] as const;

function backendNamed(name: string): Backend {
  zd.setBackend(name);
  return zd.zeros([1]).backend;
}

/** Runs `fn` with the active backend's fused kernels hidden, so optimizers take the tensor-op path. */
function withoutFusedKernels<T>(fn: () => T): T {
  const backend = zd.zeros([1]).backend;
  const own = backend as { sgdStep?: unknown; adamStep?: unknown };
  own.sgdStep = undefined;
  own.adamStep = undefined;
  try {
    return fn();
  } finally {
    delete own.sgdStep;
    delete own.adamStep;
  }
}

/** Element-wise identity: same bits up to NaN payloads. */
function assertSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    assert.ok(Object.is(a, e), `${label}[${i}]: got ${a}, expected ${e}`);
  }
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    assert.ok(diff <= 1e-6 + 1e-6 * Math.abs(expected[i]), `${label}[${i}]: got ${actual[i]}, ` +
      `expected ${expected[i]}`);
  }
}

// ---- the PyTorch fixtures, on each backend, fused against unfused -----------------------------------
function makeOptimizer(name: string, params: Params<never>, options: unknown): Optimizer {
  const o = options as never;
  switch (name) {
    case "SGD": return new SGD(params, o);
    case "Adagrad": return new Adagrad(params, o);
    case "RMSprop": return new RMSprop(params, o);
    case "Adam": return new Adam(params, o);
    case "AdamW": return new AdamW(params, o);
    default: throw new Error(`unknown optimizer ${name}`);
  }
}

const fromFixture = (a: FixtureValue, requiresGrad = false): zd.Tensor =>
  zd.tensor(Float32Array.from((a as FixtureArray).data), { shape: (a as FixtureArray).shape, requiresGrad });

type Step = { p0: FixtureArray; p1: FixtureArray };
type Run = { p0: zd.Tensor; p1: zd.Tensor; opt: Optimizer };

function setup(c: Record<string, FixtureValue>): Run {
  const p0 = fromFixture(c.p0, true), p1 = fromFixture(c.p1, true);
  const named: Record<string, zd.Tensor> = { p0, p1 };
  const groups = c.groups as { params: string[]; options: Record<string, FixtureValue> }[] | undefined;
  const params = groups === undefined ? [p0, p1]
    : groups.map((g) => ({ params: g.params.map((n) => named[n]), ...g.options }));
  return { p0, p1, opt: makeOptimizer(c.optimizer as string, params as Params<never>, c.options) };
}

function step(run: Run, g: Step): void {
  run.p0.grad = fromFixture(g.p0);
  run.p1.grad = fromFixture(g.p1);
  run.opt.step();
}

const cases = loadFixture("optim");
for (const backend of BACKENDS) {
  for (const [name, c] of Object.entries(cases)) {
    test(`${backend}: optim fixture ${name} matches PyTorch; fused and tensor ops agree bit for bit`, () => {
      zd.setBackend(backend);
      const fused = setup(c), plain = setup(c);
      const after = c.after_step as Step[];
      (c.grads as Step[]).forEach((g, i) => {
        step(fused, g);
        withoutFusedKernels(() => step(plain, g));
        assertClose(fused.p0.dataSync(), after[i].p0.data, `${name} step ${i + 1} p0`);
        assertClose(fused.p1.dataSync(), after[i].p1.data, `${name} step ${i + 1} p1`);
        assertSame(fused.p0.dataSync(), plain.p0.dataSync(), `${name} step ${i + 1} p0 fused`);
        assertSame(fused.p1.dataSync(), plain.p1.dataSync(), `${name} step ${i + 1} p1 fused`);
      });
      const a = fused.opt.stateDict().state, b = plain.opt.stateDict().state;
      assert.deepEqual(Object.keys(a), Object.keys(b));
      for (const [id, entry] of Object.entries(a)) {
        assert.deepEqual(Object.keys(entry).sort(), Object.keys(b[Number(id)]).sort());
        for (const [key, value] of Object.entries(entry)) {
          const other = b[Number(id)][key];
          if (value instanceof zd.Tensor && other instanceof zd.Tensor) {
            assert.deepEqual(value.shape, other.shape);
            assertSame(value.dataSync(), other.dataSync(), `${name} state ${id}.${key}`);
          } else assert.equal(value, other, `${name} state ${id}.${key}`);
        }
      }
    });
  }
}

// ---- the kernels themselves: wasm against the reference -------------------------------------------
function filled(n: number, seed: number, kind: "signed" | "positive" | "nan"): number[] {
  let s = seed;
  const next = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, (_, i) => {
    if (kind === "nan" && i % 7 === 3) return i % 2 === 0 ? Number.NaN : Number.POSITIVE_INFINITY;
    return kind === "positive" ? next() * 0.1 : next() * 2 - 1;
  });
}

type Buffers = Record<"p" | "g" | "m" | "v" | "x", Storage>;

function buffers(backend: Backend, n: number, dtype: "float32" | "float64"): Buffers {
  const make = (data: number[]): Storage => {
    const s = backend.alloc(n, dtype);
    backend.write(s, data);
    return s;
  };
  return { p: make(filled(n, 1, "signed")), g: make(filled(n, 2, "nan")), m: make(filled(n, 3, "signed")),
    v: make(filled(n, 4, "positive")), x: make(filled(n, 5, "positive")) };
}

const read = (backend: Backend, s: Storage, n: number): ArrayLike<number> =>
  backend.read({ storage: s, shape: [n], strides: [1], offset: 0 });

const SGD_CASES: Omit<SgdStepOptions, "first">[] = [
  { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false, maximize: true },
  { lr: 0.05, momentum: 0.8, dampening: 0, weightDecay: 0.001, nesterov: true, maximize: false },
];
const ADAM_CASES: Omit<AdamStepOptions, "step">[] = [
  { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false,
    maximize: false },
  { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false, amsgrad: true,
    maximize: true },
  { lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.05, decoupled: true, amsgrad: true,
    maximize: false },
];

for (const dtype of ["float32", "float64"] as const) {
  test(`sgdStep and adamStep (${dtype}): wasm equals the reference on sizes 0, 1, 5, 1023 with NaN/inf grads`,
    () => {
      const js = backendNamed("js"), wasm = backendNamed("wasm");
      for (const n of [0, 1, 5, 1023]) {
        SGD_CASES.forEach((o, k) => {
          const a = buffers(js, n, dtype), b = buffers(wasm, n, dtype);
          for (let t = 0; t < 3; t++) {
            js.sgdStep?.(a.p, a.g, a.m, n, { ...o, first: t === 0 });
            wasm.sgdStep?.(b.p, b.g, b.m, n, { ...o, first: t === 0 });
          }
          assertSame(read(wasm, b.p, n), read(js, a.p, n), `sgd case ${k} n=${n} p`);
          assertSame(read(wasm, b.m, n), read(js, a.m, n), `sgd case ${k} n=${n} buf`);
        });
        ADAM_CASES.forEach((o, k) => {
          const a = buffers(js, n, dtype), b = buffers(wasm, n, dtype);
          for (let t = 1; t <= 3; t++) {
            js.adamStep?.(a.p, a.g, a.m, a.v, o.amsgrad ? a.x : null, n, { ...o, step: t });
            wasm.adamStep?.(b.p, b.g, b.m, b.v, o.amsgrad ? b.x : null, n, { ...o, step: t });
          }
          for (const key of ["p", "m", "v", "x"] as const) {
            assertSame(read(wasm, b[key], n), read(js, a[key], n), `adam case ${k} n=${n} ${key}`);
          }
        });
      }
      // NaN gradients poison exactly their own elements
      const n = 5, a = buffers(js, n, dtype);
      js.adamStep?.(a.p, a.g, a.m, a.v, null, n, { ...ADAM_CASES[0], step: 1 });
      assert.deepEqual(Array.from(read(js, a.p, n), Number.isNaN), [false, false, false, true, false]);
    });
}

test("kernels check their storages: mixed dtypes, short blocks and a missing buffer are errors", () => {
  for (const name of BACKENDS) {
    const b = backendNamed(name);
    const f32 = b.alloc(4, "float32"), f64 = b.alloc(4, "float64"), short = b.alloc(2, "float32");
    const o = { ...SGD_CASES[1], first: false };
    const plain = { ...SGD_CASES[0], first: false };
    assert.throws(() => b.sgdStep?.(f32, f64, null, 4, plain), /mix float32 and float64/);
    assert.throws(() => b.sgdStep?.(f32, short, null, 4, plain), /shorter than 4/);
    assert.throws(() => b.sgdStep?.(f32, f32, null, 4, o), /momentum needs a momentum buffer/);
    assert.throws(() => b.adamStep?.(f32, f32, f32, f32, null, 4, { ...ADAM_CASES[1], step: 1 }),
      /amsgrad needs maxExpAvgSq/);
  }
});

// ---- optimizers on parameters the kernels cannot or need not take ----------------------------------
/** Runs three steps of `make` on a fresh copy of `param`, fused (when eligible) or with tensor ops. */
function threeSteps(param: () => zd.Tensor, make: (p: zd.Tensor[]) => Optimizer, fused: boolean,
  gradDtype?: "float32" | "float64"): zd.Tensor {
  const run = (): zd.Tensor => {
    const p = param();
    const opt = make([p]);
    for (let t = 0; t < 3; t++) {
      p.grad = zd.randn(p.shape, { seed: 20 + t }).to(gradDtype ?? p.dtype);
      opt.step();
    }
    return p;
  };
  return fused ? run() : withoutFusedKernels(run);
}

const OPTIMIZERS: [string, (p: zd.Tensor[]) => Optimizer][] = [
  ["SGD", (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ["Adam", (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
  ["AdamW", (p) => new AdamW(p, { lr: 0.01 })],
];

for (const backend of BACKENDS) {
  for (const [name, make] of OPTIMIZERS) {
    test(`${backend} ${name}: float64, non-contiguous, offset and cast-gradient parameters`, () => {
      zd.setBackend(backend);
      const f64 = (): zd.Tensor => zd.randn([7, 3], { seed: 1 }).to("float64").requiresGrad_();
      const fused64 = threeSteps(f64, make, true), plain64 = threeSteps(f64, make, false);
      assert.equal(fused64.dtype, "float64");
      assertSame(fused64.dataSync(), plain64.dataSync(), "float64");
      // a transposed view and a view that starts inside its storage take the tensor-op path
      const transposed = (): zd.Tensor => zd.randn([3, 7], { seed: 1 }).transpose(0, 1).requiresGrad_();
      const offset = (): zd.Tensor => zd.randn([8, 3], { seed: 1 }).slice(0, 1).requiresGrad_();
      const contiguous = (): zd.Tensor => zd.randn([3, 7], { seed: 1 }).transpose(0, 1).contiguous()
        .requiresGrad_();
      const reference = threeSteps(contiguous, make, false);
      assertSame(threeSteps(transposed, make, true).dataSync(), reference.dataSync(), "transposed");
      const sliced = threeSteps(offset, make, true);
      assertSame(sliced.dataSync(), threeSteps(offset, make, false).dataSync(), "offset");
      // a float64 gradient of a float32 parameter is cast first, then fused
      const f32 = (): zd.Tensor => zd.randn([5], { seed: 3 }).requiresGrad_();
      assertSame(threeSteps(f32, make, true, "float64").dataSync(),
        threeSteps(f32, make, false, "float64").dataSync(), "cast gradient");
    });
  }
}

test("fused steps update the state tensors in place: the same tensors, step after step", () => {
  for (const name of BACKENDS) {
    zd.setBackend(name);
    const w = zd.randn([4, 4], { seed: 9 }).requiresGrad_();
    const adam = new Adam([w], { amsgrad: true });
    w.grad = zd.ones([4, 4]);
    adam.step();
    const first = { ...adam.state.get(w) };
    adam.step();
    const second = adam.state.get(w);
    assert.equal(second?.expAvg, first.expAvg);
    assert.equal(second?.expAvgSq, first.expAvgSq);
    assert.equal(second?.maxExpAvgSq, first.maxExpAvgSq);
    assert.equal(second?.step, 2);
    const sgd = new SGD([w], { lr: 0.1, momentum: 0.9 });
    sgd.step();
    const buf = sgd.state.get(w)?.momentumBuffer;
    sgd.step();
    assert.equal(sgd.state.get(w)?.momentumBuffer, buf);
    assert.equal(buf?.isDisposed, false);
  }
});

test("wasm: storages evicted under memory pressure are stepped where they wait, then restored", () => {
  const small = new WasmBackend({ softLimitBytes: 256 * 1024 });
  const js = backendNamed("js");
  const n = 16384; // 64 KiB a storage: the five of one step do not fit under the soft limit together
  const a = buffers(js, n, "float32"), b = buffers(small, n, "float32");
  for (let i = 0; i < 8; i++) small.write(small.alloc(n, "float32"), new Float32Array(n));
  assert.ok(small.evictions > 0);
  for (let t = 1; t <= 2; t++) {
    const o = { ...ADAM_CASES[2], step: t };
    js.adamStep?.(a.p, a.g, a.m, a.v, a.x, n, o);
    small.adamStep(b.p, b.g, b.m, b.v, b.x, n, o);
  }
  for (const key of ["p", "m", "v", "x"] as const) {
    assertSame(read(small, b[key], n), read(js, a[key], n), `evicted ${key}`);
  }
});
