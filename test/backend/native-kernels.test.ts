// The native convolution and optimizer kernels (native/conv.c, native/ops-template.h) on every
// instruction-set variant this CPU runs and on 1 and 2 threads: convolutions against the reference
// backend's kernels on awkward geometries (size 0 and 1, primes, strides, padding, dilation, groups,
// 1×1, more images than the weight gradient's ranges, NaN/Inf), results identical across thread
// counts; Adam and SGD bit for bit the wasm kernels' (same float32 rounding, NaN/Inf included).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, Storage, View } from "../../src/backend/backend.js";
import { JsBackend } from "../../src/backend/js/backend.js";
import { NativeBackend } from "../../src/backend/native/backend.js";
import { WasmBackend } from "../../src/backend/wasm/backend.js";
import { getNumThreads, setNumThreads } from "../../src/backend/wasm/threads.js";
import type { Conv2dGeometry } from "../../src/core/ops/conv.js";
import type { AdamStepOptions, SgdStepOptions } from "../../src/optim/fused.js";
import { assertClose } from "../helpers/allclose.js";
import { random } from "./gemm-helpers.js";
import { builtAddon } from "./native-helpers.js";

const reference = new JsBackend();
const addon = builtAddon();
const TOL = { rtol: 2e-4, atol: 1e-4 };

type Pair = [number, number];
interface ConvCase { n: number; c: number; o: number; h: number; w: number; k: Pair; s?: Pair; p?: Pair;
  d?: Pair; groups?: number; bias?: boolean }

const CASES: ConvCase[] = [
  { n: 1, c: 1, o: 1, h: 1, w: 1, k: [1, 1] },
  { n: 3, c: 2, o: 5, h: 7, w: 5, k: [3, 3], p: [1, 1] },
  { n: 2, c: 3, o: 4, h: 9, w: 11, k: [3, 3], s: [2, 2], p: [1, 1] },
  { n: 2, c: 2, o: 3, h: 10, w: 13, k: [2, 5], s: [3, 1], p: [1, 2], d: [2, 1] },
  { n: 1, c: 3, o: 2, h: 13, w: 7, k: [3, 3], p: [2, 2], d: [2, 2], bias: false },
  { n: 2, c: 6, o: 4, h: 6, w: 5, k: [3, 3], p: [1, 1], groups: 2 },
  { n: 3, c: 3, o: 6, h: 7, w: 9, k: [3, 2], s: [2, 2], p: [1, 1], groups: 3 },
  { n: 2, c: 7, o: 3, h: 5, w: 6, k: [1, 1] },
  { n: 2, c: 4, o: 6, h: 3, w: 5, k: [1, 1], groups: 2, bias: false },
  { n: 2, c: 3, o: 2, h: 7, w: 6, k: [1, 1], s: [2, 2] },
  { n: 1, c: 2, o: 3, h: 4, w: 5, k: [1, 1], p: [1, 0] },
  { n: 11, c: 3, o: 4, h: 6, w: 6, k: [3, 3], p: [1, 1] },
  { n: 2, c: 2, o: 3, h: 2, w: 3, k: [3, 3], p: [1, 1] },
  { n: 2, c: 7, o: 11, h: 9, w: 9, k: [5, 5], s: [2, 2], p: [2, 2] },
  { n: 3, c: 1, o: 32, h: 28, w: 28, k: [3, 3], p: [1, 1] },
  { n: 4, c: 32, o: 17, h: 14, w: 13, k: [3, 3], p: [1, 1] },
  { n: 2, c: 1, o: 3, h: 5, w: 5, k: [5, 5] },
  { n: 0, c: 2, o: 3, h: 5, w: 5, k: [3, 3] },
  { n: 2, c: 2, o: 0, h: 5, w: 5, k: [3, 3] },
];

function geometry(c: ConvCase): Conv2dGeometry {
  const [sh, sw] = c.s ?? [1, 1], [ph, pw] = c.p ?? [0, 0], [dh, dw] = c.d ?? [1, 1];
  const out = (size: number, k: number, s: number, p: number, d: number): number =>
    Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
  return { batch: c.n, inChannels: c.c, outChannels: c.o, groups: c.groups ?? 1, inH: c.h, inW: c.w,
    kernelH: c.k[0], kernelW: c.k[1], strideH: sh, strideW: sw, padH: ph, padW: pw, dilationH: dh,
    dilationW: dw, outH: out(c.h, c.k[0], sh, ph, dh), outW: out(c.w, c.k[1], sw, pw, dw) };
}

/** Random data (with `specials` dropped in) at an offset of 3 elements, as a contiguous view. */
function operand(backend: Backend, shape: number[], data: Float32Array): View {
  const storage = backend.alloc(data.length + 3, "float32");
  backend.write(storage, data, 3);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return { storage, shape, strides, offset: 3 };
}

const read = (backend: Backend, s: Storage): number[] =>
  Array.from(backend.read({ storage: s, shape: [s.size], strides: [1], offset: 0 }));

interface ConvResults { y: number[]; dx: number[]; dw: number[]; db: number[] }

/**
 * NaN/Inf go into the image ("x") or the output gradient ("dy"), never the weight: im2col multiplies
 * padding zeros too (as the wasm kernels and PyTorch's do), so an infinite weight, or a NaN gradient
 * read against padding in the weight gradient, gives NaN where the reference skips the tap.
 */
type Specials = "none" | "x" | "dy";
const COMPARED: Record<Specials, Array<keyof ConvResults>> = { none: ["y", "dx", "dw", "db"],
  x: ["y", "dx", "dw", "db"], dy: ["y", "dx", "db"] };

function runConv(backend: Backend, c: ConvCase, specials: Specials): ConvResults {
  const g = geometry(c), next = random(c.n * 31 + c.c * 7 + c.o + c.h);
  const fill = (size: number, withSpecials = false): Float32Array => {
    const data = Float32Array.from({ length: size }, () => next() * 2 - 1);
    if (withSpecials && size > 4) {
      for (const v of [NaN, Infinity, -Infinity]) data[Math.floor(next() * size)] = v;
    }
    return data;
  };
  const xShape = [c.n, c.c, c.h, c.w], wShape = [c.o, c.c / g.groups, ...c.k];
  const yShape = [c.n, c.o, g.outH, g.outW];
  const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const x = operand(backend, xShape, fill(size(xShape), specials === "x"));
  const w = operand(backend, wShape, fill(size(wShape)));
  const b = c.bias === false ? null : operand(backend, [c.o], fill(c.o));
  const dy = operand(backend, yShape, fill(size(yShape), specials === "dy"));
  const y = backend.alloc(size(yShape), "float32"), dx = backend.alloc(size(xShape), "float32");
  const dw = backend.alloc(size(wShape), "float32"), db = backend.alloc(c.o, "float32");
  // earlier contents must never leak into a result
  for (const s of [y, dx, dw, db]) backend.write(s, new Float32Array(s.size).fill(NaN));
  backend.conv2d?.(x, w, b, g, y);
  backend.conv2dBackwardInput?.(dy, w, g, dx);
  backend.conv2dBackwardWeight?.(x, dy, g, dw, db);
  return { y: read(backend, y), dx: read(backend, dx), dw: read(backend, dw), db: read(backend, db) };
}

const label = (c: ConvCase): string => JSON.stringify(c).replace(/"/g, "");

if (addon) {
  const native = new NativeBackend(addon, addon.selectIsa("auto"));
  const wasm = new WasmBackend();
  for (const isa of addon.isas()) {
    describe(`native kernels (${isa})`, () => {
      const onIsa = (fn: () => void): void => {
        const threads = getNumThreads();
        addon.selectIsa(isa);
        try { fn(); } finally { addon.selectIsa("auto"); setNumThreads(threads); }
      };
      test("conv2d and both gradients against the reference, the same on 1 and 2 threads", () => onIsa(() => {
        for (const c of CASES) {
          for (const specials of ["none", "x", "dy"] as const) {
            const expected = runConv(reference, c, specials);
            setNumThreads(1);
            const one = runConv(native, c, specials);
            for (const key of COMPARED[specials]) {
              assertClose(one[key], expected[key], { ...TOL, label: `${isa} ${label(c)} ${key}` });
            }
            setNumThreads(2);
            const two = runConv(native, c, specials);
            assert.deepEqual(two, one, `${isa} ${label(c)}: 2 threads differ from 1`);
          }
        }
      }));
      test("Adam and SGD steps: bit for bit the wasm kernels, NaN and Inf included", () => onIsa(() => {
        for (const n of [0, 1, 7, 8, 33, 1031]) checkOptimizers(native, wasm, n);
      }));
    });
  }
  test("indexSelect on each dim of a contiguous input, any dtype, a strided index, as the reference", () => {
    for (const dtype of ["float32", "int32", "float64"] as const) {
      const cases: Array<[number[], number, number[], number]> = [[[5, 7, 3], 0, [4, 0, 4, 2], 1],
        [[5, 7, 3], 1, [6, 1, 3], 2], [[5, 7, 3], 2, [2, 2, 0, 1, 1], 1], [[1], 0, [0], 1],
        [[4, 3], 0, [], 1], [[0, 3], 1, [2], 1]];
      for (const [shape, dim, idx, step] of cases) {
        const size = shape.reduce((a, b) => a * b, 1);
        const results = [reference, native].map((backend) => {
          const data = Array.from({ length: size }, (_, i) => (i * 7919) % 101 - 50);
          const x = backend.alloc(size + 2, dtype);
          backend.write(x, data, 2);
          const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
          // the index read every `step` entries, from entry 1
          const stored = [9, ...idx.flatMap((v) => [v, ...Array<number>(step - 1).fill(-1)])];
          const index = backend.alloc(stored.length, "int32");
          backend.write(index, stored);
          const outShape = shape.map((d, i) => (i === dim ? idx.length : d));
          const out = backend.alloc(outShape.reduce((a, b) => a * b, 1), dtype);
          backend.indexSelect?.({ storage: x, shape, strides, offset: 2 }, dim,
            { storage: index, shape: [idx.length], strides: [step], offset: 1 }, out);
          return read(backend, out);
        });
        assert.deepEqual(results[1], results[0], `${dtype} ${JSON.stringify([shape, dim, idx, step])}`);
      }
    }
    const x = native.alloc(6, "float32"), index = native.alloc(1, "int32"), out = native.alloc(3, "float32");
    native.write(index, [2]);
    assert.throws(() => native.indexSelect({ storage: x, shape: [2, 3], strides: [3, 1], offset: 0 }, 0,
      { storage: index, shape: [1], strides: [1], offset: 0 }, out), /index is out of range/);
  });
  test("the addon refuses bad geometry and operands outside the heap before running", () => {
    const heap = new Uint8Array(native.heap.memory.buffer);
    const [x, w, y] = [9, 9, 1].map((n) => native.ptr(native.alloc(n, "float32")));
    const conv = (patch: Record<number, number>): void => {
      // one 3×3 image and kernel, one output
      const d = Float64Array.from([1, 0, 1, 1, 3, 3, 1, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, 1, x, w, -1, y, -1]);
      for (const [i, v] of Object.entries(patch)) d[Number(i)] = v;
      addon.conv2d(heap, d);
    };
    conv({});   // valid, as a baseline
    assert.throws(() => conv({ 4: NaN }), /bad geometry/);
    assert.throws(() => conv({ 4: 2.5 }), /bad geometry/);
    assert.throws(() => conv({ 7: 0 }), /bad geometry/);
    assert.throws(() => conv({ 21: heap.length - 2 }), /outside the heap/);
    assert.throws(() => conv({ 18: NaN }), /outside the heap/);
    const adam = new Float64Array(16).fill(0);
    adam[5] = 4;
    adam[0] = heap.length - 8;
    assert.throws(() => addon.adam(heap, adam), /outside the heap/);
  });
  test("conv2d: a depthwise convolution is left to the wasm kernels' direct path", () => {
    const g = geometry({ n: 1, c: 2, o: 2, h: 4, w: 4, k: [3, 3], groups: 2 });
    const y = native.alloc(8, "float32");
    native.conv2d(operand(native, [1, 2, 4, 4], Float32Array.from({ length: 32 }, (_, i) => i)),
      operand(native, [2, 1, 3, 3], new Float32Array(18).fill(1)), null, g, y);
    // each output is a 3x3 window sum of its own channel
    assert.deepEqual(read(native, y), [45, 54, 81, 90, 189, 198, 225, 234]);
  });
}

function checkOptimizers(native: NativeBackend, wasm: WasmBackend, n: number): void {
  const adam: AdamStepOptions[] = [];
  for (const amsgrad of [false, true]) {
    for (const weightDecay of [0, 0.01]) {
      for (const decoupled of [false, true]) {
        adam.push({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, amsgrad,
          maximize: weightDecay > 0, decoupled, step: 3 });
      }
    }
  }
  const sgd: SgdStepOptions[] = [0, 0.9].flatMap((momentum) => [false, true].map((first) => ({
    lr: 0.1, momentum, dampening: 0.1, weightDecay: first ? 0.01 : 0, nesterov: momentum > 0 && !first,
    maximize: first, first })));
  const results = [native, wasm].map((backend) => {
    const next = random(n + 1);
    const arrays = [0, 1, 2, 3, 4, 5].map((i) => {
      const data = Float32Array.from({ length: n }, () => (i === 3 || i === 4 ? next() : next() * 2 - 1));
      if (i === 1 && n > 4) { data[1] = NaN; data[2] = Infinity; data[3] = -Infinity; }
      const s = backend.alloc(n, "float32");
      backend.write(s, data);
      return s;
    });
    const [p, g, m, v, vmax, buf] = arrays;
    const step = backend === wasm ? WasmBackend.prototype : NativeBackend.prototype;
    for (const o of adam) step.adamStep.call(backend, p, g, m, v, vmax, n, o);
    for (const o of sgd) step.sgdStep.call(backend, p, g, buf, n, o);
    return arrays.map((s) => read(backend, s));
  });
  results[0].forEach((a, i) => assert.deepEqual(a, results[1][i], `n=${n}: array ${i} differs from wasm`));
}
