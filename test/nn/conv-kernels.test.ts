// The convolution and max-pooling kernels (src/backend/{js,wasm}/conv.ts) against each other and
// against the composite ops they replaced (indexSelect + matmul: the specification), on awkward
// shapes: size 1, primes, odd images, a stride/padding/dilation/groups grid, depthwise and 1×1
// convolutions, more images than the wasm backend has calls, and both thread counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { nn } from "../../src/index.js";
import { convPath, convTuning } from "../../src/backend/wasm/conv.js";
import { poolTuning } from "../../src/backend/wasm/pool.js";
import { convolve, convolveTransposed, type ConvPadding } from "../../src/nn/functional/conv.js";
import { maxPool } from "../../src/nn/functional/pool.js";
import { assertClose } from "../helpers/allclose.js";
import { onBackend } from "../helpers/on-backend.js";

const F = nn.functional;
const TOL = { rtol: 2e-4, atol: 1e-4 };

interface ConvCase {
  n: number; c: number; o: number; h: number; w: number; k: [number, number];
  stride?: [number, number]; padding?: ConvPadding; dilation?: [number, number]; groups?: number;
  bias?: boolean;
}

const CASES: ConvCase[] = [
  { n: 1, c: 1, o: 1, h: 1, w: 1, k: [1, 1] },
  { n: 3, c: 2, o: 5, h: 7, w: 5, k: [3, 3], padding: [1, 1] },
  { n: 2, c: 3, o: 4, h: 9, w: 11, k: [3, 3], stride: [2, 2], padding: [1, 1] },
  { n: 2, c: 2, o: 3, h: 10, w: 13, k: [2, 5], stride: [3, 1], padding: [1, 2], dilation: [2, 1] },
  { n: 1, c: 3, o: 2, h: 13, w: 7, k: [3, 3], padding: [2, 2], dilation: [2, 2], bias: false },
  { n: 2, c: 6, o: 4, h: 6, w: 5, k: [3, 3], padding: "same", groups: 2 },
  { n: 2, c: 5, o: 5, h: 8, w: 7, k: [3, 3], padding: [1, 1], groups: 5 },
  { n: 3, c: 3, o: 6, h: 7, w: 9, k: [3, 2], stride: [2, 2], padding: [1, 1], groups: 3 },
  { n: 1, c: 4, o: 4, h: 11, w: 11, k: [3, 3], stride: [2, 2], padding: [2, 2], dilation: [2, 2], groups: 4 },
  { n: 2, c: 7, o: 3, h: 5, w: 6, k: [1, 1] },
  { n: 2, c: 4, o: 6, h: 3, w: 5, k: [1, 1], groups: 2, bias: false },
  { n: 2, c: 3, o: 2, h: 7, w: 6, k: [1, 1], stride: [2, 2] },
  { n: 1, c: 2, o: 3, h: 4, w: 5, k: [1, 1], padding: [1, 0] },
  { n: 2, c: 2, o: 2, h: 6, w: 7, k: [4, 4], padding: "same" },
  { n: 9, c: 3, o: 4, h: 6, w: 6, k: [3, 3], padding: [1, 1] },
  { n: 2, c: 2, o: 3, h: 2, w: 3, k: [3, 3], padding: [1, 1] },
  { n: 2, c: 7, o: 11, h: 9, w: 9, k: [5, 5], stride: [2, 2], padding: [2, 2] },
  { n: 2, c: 1, o: 32, h: 28, w: 28, k: [3, 3], padding: [1, 1] },
  { n: 3, c: 2, o: 3, h: 1, w: 9, k: [1, 3], padding: [0, 1] },
  { n: 2, c: 1, o: 3, h: 5, w: 5, k: [5, 5] },
  // Winograd-sized (3×3, stride 1, at least 8 channels in and out): odd sizes, padding 0 to 2, groups
  { n: 3, c: 8, o: 9, h: 7, w: 9, k: [3, 3], padding: [1, 1] },
  { n: 9, c: 16, o: 8, h: 6, w: 13, k: [3, 3], padding: [0, 2] },
  { n: 2, c: 16, o: 16, h: 5, w: 5, k: [3, 3], padding: [2, 1], groups: 2 },
  { n: 1, c: 10, o: 12, h: 3, w: 3, k: [3, 3], bias: false },
];

const describe = (c: ConvCase): string => JSON.stringify(c).replace(/"/g, "");

interface Results { y: Float32Array | Float64Array; dx: number[]; dw: number[]; db: number[] | null }

/** Forward and all three gradients of one case on the active backend (kernels, or the composite). */
function runConv(c: ConvCase, composite = false, dtype: "float32" | "float64" = "float32"): Results {
  const groups = c.groups ?? 1, bias = c.bias ?? true;
  const x = zd.randn([c.n, c.c, c.h, c.w], { seed: 1, dtype, requiresGrad: true });
  const w = zd.randn([c.o, c.c / groups, ...c.k], { seed: 2, dtype, requiresGrad: true });
  const b = bias ? zd.randn([c.o], { seed: 3, dtype, requiresGrad: true }) : null;
  const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups };
  const y = convolve({ op: "conv2d", shape: x.shape, composite }, x, w, b, options);
  y.backward(zd.randn(y.shape, { seed: 4, dtype }));
  const data = (t: zd.Tensor | null): number[] => Array.from(t!.dataSync());
  return { y: y.dataSync() as Float32Array, dx: data(x.grad), dw: data(w.grad), db: b && data(b.grad) };
}

function assertResults(actual: Results, expected: Results, label: string): void {
  for (const key of ["y", "dx", "dw", "db"] as const) {
    if (expected[key] === null) continue;
    assertClose(actual[key]!, expected[key]!, { ...TOL, label: `${label} ${key}` });
  }
}

test("conv2d kernels: wasm (1 and 2 threads) and js against each other and the composite", async () => {
  const threads = zd.getNumThreads(), saved = { ...convTuning };
  convTuning.minMacsPerThread = 1;   // split even these small convolutions across the threads
  try {
    for (const c of CASES) {
      const label = describe(c);
      const reference = onBackend("js", () => runConv(c));
      assertResults(onBackend("js", () => runConv(c, true)), reference, `${label} js composite`);
      zd.setNumThreads(1);
      const one = onBackend("wasm", () => runConv(c));
      zd.setNumThreads(2);
      await zd.ready();
      const two = onBackend("wasm", () => runConv(c));
      assertResults(one, reference, `${label} wasm`);
      // the weight gradient's partial sums are cut by image ranges, not by threads: identical results
      assert.deepEqual(two, one, `${label}: 2 threads differ from 1`);
      // every 3×3 stride-1 case through Winograd too, however few its channels
      convTuning.winogradMinChannels = 1;
      assertResults(onBackend("wasm", () => runConv(c)), reference, `${label} wasm, Winograd where it can`);
      convTuning.winogradMinChannels = saved.winogradMinChannels;
      assertResults(onBackend("wasm", () => runConv(c, true)), reference, `${label} wasm composite`);
    }
  } finally {
    zd.setNumThreads(threads);
    Object.assign(convTuning, saved);
  }
});

test("conv2d kernels: column blocks of a few rows (the im2col path on large images)", () => {
  const saved = convTuning.columnBlockBytes;
  try {
    for (const c of [CASES[2], CASES[3], CASES[16]]) {
      const reference = onBackend("js", () => runConv(c));
      convTuning.columnBlockBytes = 1;   // one output row per block
      assertResults(onBackend("wasm", () => runConv(c)), reference, `${describe(c)} rows=1`);
      // blocks of 3 rows, and a shorter last one
      convTuning.columnBlockBytes = 3 * 4 * c.c * c.k[0] * c.k[1] * c.w;
      assertResults(onBackend("wasm", () => runConv(c)), reference, `${describe(c)} rows=3`);
    }
  } finally {
    convTuning.columnBlockBytes = saved;
  }
});

test("conv2d kernels: float64 runs the reference kernels on either backend, exactly", () => {
  const c = CASES[5];
  const js = onBackend("js", () => runConv(c, false, "float64"));
  assert.deepEqual(onBackend("wasm", () => runConv(c, false, "float64")), js);
  assertResults(onBackend("js", () => runConv(c, true, "float64")), js, "float64 composite");
});

test("the wasm kernels' path: a 1×1 convolution is a GEMM on the image, depthwise is direct", () => {
  const g = { batch: 1, inChannels: 8, outChannels: 4, groups: 1, inH: 5, inW: 5, kernelH: 1, kernelW: 1,
    strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outH: 5, outW: 5 };
  assert.equal(convPath(g), "pointwise");
  assert.equal(convPath({ ...g, groups: 4, outChannels: 8 }), "pointwise");
  assert.equal(convPath({ ...g, strideH: 2, outH: 3 }), "im2col");
  assert.equal(convPath({ ...g, padH: 1, outH: 7 }), "im2col");
  const depthwise = { ...g, kernelH: 3, kernelW: 3, padH: 1, padW: 1, groups: 8, outChannels: 8 };
  assert.equal(convPath(depthwise), "direct");
  assert.equal(convPath({ ...g, outChannels: 8, kernelH: 3, kernelW: 3, padH: 1, padW: 1 }), "winograd");
  assert.equal(convPath({ ...g, kernelH: 3, kernelW: 3, padH: 1, padW: 1 }), "im2col");   // 4 outputs
  assert.equal(convPath({ ...g, inChannels: 1, kernelH: 3, kernelW: 3, padH: 1, padW: 1 }), "im2col");
  assert.equal(convPath({ ...g, kernelH: 3, kernelW: 3, strideH: 2, padH: 1, padW: 1, outH: 3 }), "im2col");
  assert.equal(convPath({ ...g, kernelH: 3, kernelW: 3, dilationW: 2, padW: 2 }), "im2col");
});

const TRANSPOSED: Array<[number[], number[], nn.functional.ConvTranspose2dOptions]> = [
  [[2, 3, 4, 5], [3, 2, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }],
  [[1, 4, 3, 3], [4, 1, 2, 3], { stride: [1, 2], dilation: 2, groups: 2 }],
  [[3, 2, 5, 1], [2, 3, 1, 1], {}],
  [[2, 2, 3, 4], [2, 2, 4, 4], { stride: 2, padding: 1 }],
  [[1, 3, 2, 2], [3, 2, 3, 3], { stride: 3, padding: 2, dilation: 2, outputPadding: [1, 0] }],
];

test("convTranspose2d kernels: wasm and js against the composite, with every gradient", () => {
  for (const [xs, ws, options] of TRANSPOSED) {
    const run = (composite: boolean): Results => {
      const x = zd.randn(xs, { seed: 5, requiresGrad: true });
      const w = zd.randn(ws, { seed: 6, requiresGrad: true });
      const b = zd.randn([ws[1] * (options.groups ?? 1)], { seed: 7, requiresGrad: true });
      const y = convolveTransposed({ op: "convTranspose2d", shape: xs, composite }, x, w, b, options);
      y.backward(zd.randn(y.shape, { seed: 8 }));
      return { y: y.dataSync() as Float32Array, dx: Array.from(x.grad!.dataSync()),
        dw: Array.from(w.grad!.dataSync()), db: Array.from(b.grad!.dataSync()) };
    };
    const label = `${JSON.stringify(xs)} ${JSON.stringify(ws)} ${JSON.stringify(options)}`;
    const reference = onBackend("js", () => run(true));
    assertResults(onBackend("js", () => run(false)), reference, `${label} js`);
    assertResults(onBackend("wasm", () => run(false)), reference, `${label} wasm`);
  }
});

test("gradcheck (js, float64): conv2d, depthwise, 1×1 and transposed kernels", () => {
  onBackend("js", () => {
    const f64 = (shape: number[], seed: number): zd.Tensor =>
      zd.randn(shape, { dtype: "float64", seed, requiresGrad: true });
    const options = { stride: [2, 1], padding: [1, 2], dilation: [2, 1], groups: 2 } as const;
    zd.gradcheck((x, w, b) => F.conv2d(x, w, b, options),
      [f64([2, 4, 5, 6], 1), f64([2, 2, 3, 2], 2), f64([2], 3)]);
    zd.gradcheck((x, w, b) => F.conv2d(x, w, b, { padding: 1, groups: 3 }),
      [f64([1, 3, 4, 5], 4), f64([6, 1, 3, 3], 5), f64([6], 6)]);
    zd.gradcheck((x, w) => F.conv2d(x, w), [f64([2, 3, 2, 3], 7), f64([2, 3, 1, 1], 8)]);
    zd.gradcheck((x, w) => F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }),
      [f64([1, 2, 3, 2], 9), f64([2, 3, 3, 3], 10)]);
  });
});

interface PoolCase { h: number; w: number; k: [number, number]; s: [number, number]; p: [number, number];
  d: [number, number]; ceil: boolean }

function poolCases(): PoolCase[] {
  const cases: PoolCase[] = [];
  // [2, 2] with stride 2 is the vector path; 9×17 gives it full vectors, a tail and a dropped edge
  for (const [h, w] of [[1, 1], [5, 7], [6, 6], [9, 17]]) {
    for (const [k, kw] of [[1, 1], [2, 1], [2, 2], [3, 2]]) {
      for (const s of [1, 2, 3]) {
        for (const p of [0, 1]) {
          for (const d of [1, 2]) {
            for (const ceil of [false, true]) {
              // PyTorch's limits: padding at most half the kernel, a window that fits the padded input
              if (p > k / 2 || d * (k - 1) + 1 > h + 2 * p || kw > w) continue;
              cases.push({ h, w, k: [k, kw], s: [s, s], p: [p, 0], d: [d, 1], ceil });
            }
          }
        }
      }
    }
  }
  return cases;
}

test("maxPool2d kernels: values, arg-max indices (the first of tied maxima), " +
  "the routed gradient", async () => {
  const threads = zd.getNumThreads(), saved = { ...poolTuning };
  poolTuning.minElementsPerThread = 1;
  zd.setNumThreads(2);
  await zd.ready();
  try {
    poolCases().forEach(checkPool);
  } finally {
    zd.setNumThreads(threads);
    Object.assign(poolTuning, saved);
  }
});

function checkPool(c: PoolCase): void {
  const options = { stride: c.s, padding: c.p, dilation: c.d, ceilMode: c.ceil, returnIndices: true };
  const run = (composite: boolean): number[][] => {
    // small integers: many windows hold tied maxima
    const x = zd.randn([2, 3, c.h, c.w], { seed: 11 }).mul(1.5).round().requiresGrad_();
    const [y, indices] = maxPool({ op: "maxPool2d", shape: x.shape, composite }, x, c.k, options);
    const probe = zd.randn(y.shape, { seed: 12 });
    y.backward(probe);
    // the gradient each input should get: the sum of the probes of the outputs whose index is it
    const expected = new Array<number>(x.size).fill(0), plane = c.h * c.w, out = y.shape[2] * y.shape[3];
    const idx = indices.dataSync(), g = probe.dataSync();
    idx.forEach((at, i) => { expected[Math.floor(i / out) * plane + at] += g[i]; });
    return [Array.from(y.dataSync()), Array.from(idx), Array.from(x.grad!.dataSync()), expected];
  };
  const label = JSON.stringify(c);
  const [values, indices, , expected] = onBackend("js", () => run(true));
  // a dilated window can miss the input entirely; the kernels give it index -1, PyTorch a position past it
  if (values.includes(-Infinity)) return;
  for (const backend of ["js", "wasm"]) {
    const [v, i, grad] = onBackend(backend, () => run(false));
    assert.deepEqual([v, i], [values, indices], `${label} ${backend}: values and indices`);
    assertClose(grad, expected, { rtol: 1e-6, atol: 1e-6, label: `${label} ${backend} gradient` });
  }
}

test("maxPool2d kernels: NaN wins its window, -inf is a maximum, gradcheck on js", () => {
  for (const backend of ["js", "wasm"]) {
    onBackend(backend, () => {
      // width 10: four outputs on the vector path, the fifth on the scalar one
      const rows = [[1, NaN, 3, 2, 5, 5, NaN, NaN, 1, NaN], [-Infinity, -Infinity, 0, 5, 7, 5, 1, 1, 2, 3]];
      const x = zd.tensor([[rows]], { requiresGrad: true });
      const [y, indices] = F.maxPool2d(x, [2, 2], { returnIndices: true });
      assert.deepEqual([Array.from(y.dataSync()), Array.from(indices.dataSync())],
        [[NaN, 5, 7, NaN, NaN], [1, 13, 14, 7, 9]]);
      y.mul(zd.tensor([1, 2, 3, 4, 5])).sum().backward();
      assert.deepEqual(Array.from(x.grad!.dataSync()),
        [0, 1, 0, 0, 0, 0, 0, 4, 0, 5, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0]);
      const [z, at] = F.maxPool2d(zd.full([1, 1, 2, 10], -Infinity), 2, { returnIndices: true });
      assert.deepEqual([Array.from(z.dataSync()), Array.from(at.dataSync())],
        [new Array(5).fill(-Infinity), [0, 2, 4, 6, 8]]);
    });
  }
  onBackend("js", () => zd.gradcheck((x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, dilation: [1, 2] }),
    [zd.randn([2, 2, 5, 6], { dtype: "float64", seed: 13, requiresGrad: true })]));
});
