// Tensors outside autograd: creation, dtypes, seeding, reading values, views, broadcasting,
// comparisons, argmax/argmin and integer arithmetic.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { assertClose, assertEqualValues, fixtureTensor } from "../helpers/allclose.js";
import { getArray, loadFixture } from "../helpers/fixtures.js";

describe("creation", () => {
  test("tensor from nested arrays infers shape, float32 by default", () => {
    const x = zd.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(x.shape, [2, 3]);
    assert.equal(x.dtype, "float32");
    assert.equal(x.ndim, 2);
    assert.equal(x.size, 6);
    assert.deepEqual(x.toArray(), [[1, 2, 3], [4, 5, 6]]);
    assert.ok(x.dataSync() instanceof Float32Array);
  });

  test("tensor from a number is 0-d; from [] is empty", () => {
    const s = zd.tensor(2.5);
    assert.deepEqual(s.shape, []);
    assert.equal(s.item(), 2.5);
    assert.equal(s.toArray(), 2.5);
    const e = zd.tensor([]);
    assert.deepEqual(e.shape, [0]);
    assert.deepEqual(e.toArray(), []);
  });

  test("tensor from typed arrays takes their dtype, and a shape", () => {
    const i = zd.tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] });
    assert.equal(i.dtype, "int32");
    assert.deepEqual(i.toArray(), [[1, 2], [3, 4]]);
    const d = zd.tensor(new Float64Array([0.1, 0.2]));
    assert.equal(d.dtype, "float64");
    assert.deepEqual(d.shape, [2]);
    assert.equal(d.dataSync()[0], 0.1, "float64 keeps full precision");
    const f = zd.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
    assert.equal(f.dtype, "float32");
    assert.deepEqual(f.shape, [3, 2]);
  });

  test("tensor with an explicit dtype and a flat array reshaped", () => {
    const x = zd.tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], dtype: "float64" });
    assert.equal(x.dtype, "float64");
    assert.deepEqual(x.toArray(), [[1, 2, 3], [4, 5, 6]]);
    assert.equal(zd.tensor([1.7, -2.2], { dtype: "int32" }).dtype, "int32");
    assert.deepEqual(zd.tensor([1.7, -2.2], { dtype: "int32" }).toArray(), [1, -2],
      "int32 truncates toward zero");
  });

  test("tensor copies its data", () => {
    const data = new Float32Array([1, 2]);
    const x = zd.tensor(data);
    data[0] = 9;
    assert.deepEqual(x.toArray(), [1, 2]);
  });

  test("tensor rejects ragged arrays and wrong shapes", () => {
    assert.throws(() => zd.tensor([[1, 2], [3]]),
      /tensor: ragged nested array: expected 2 entries at depth 1/);
    assert.throws(() => zd.tensor([1, 2, 3], { shape: [2, 2] }),
      /tensor: shape \[2,2\] holds 4 elements, data has 3/);
    assert.throws(() => zd.tensor(new Float64Array(3), { shape: [2, 2] }),
      /tensor: shape \[2,2\] holds 4 elements, data has 3/);
    assert.throws(() => zd.tensor([1], { dtype: "int8" as zd.DType }), /unknown dtype "int8"/);
  });

  test("zeros, ones, full, zerosLike, onesLike, fullLike", () => {
    assert.deepEqual(zd.zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
    assert.deepEqual(zd.ones([3]).toArray(), [1, 1, 1]);
    assert.equal(zd.ones([3], { dtype: "float64" }).dtype, "float64");
    assert.deepEqual(zd.full([2], 7, "int32").toArray(), [7, 7]);
    assert.equal(zd.full([2], 7, "int32").dtype, "int32");
    const base = zd.tensor([[1, 2]], { dtype: "float64" });
    const z = zd.zerosLike(base), o = zd.onesLike(base), f = zd.fullLike(base, 3);
    for (const [t, v] of [[z, 0], [o, 1], [f, 3]] as const) {
      assert.deepEqual(t.shape, [1, 2]);
      assert.equal(t.dtype, "float64");
      assert.deepEqual(t.toArray(), [[v, v]]);
    }
    assert.equal(zd.zerosLike(base, { dtype: "int32" }).dtype, "int32");
    assert.deepEqual(base.zerosLike().toArray(), [[0, 0]]);
    assert.ok(zd.zeros([2], { requiresGrad: true }).requiresGrad);
    assert.deepEqual(zd.zeros([0, 3]).shape, [0, 3]);
  });

  test("creation rejects invalid shapes", () => {
    assert.throws(() => zd.zeros([2, -1]), /full: shape \[2,-1\] has an invalid size -1/);
    assert.throws(() => zd.ones([2.5]), /invalid size 2\.5/);
  });

  test("arange: int32 for integers, float32 otherwise, negative steps", () => {
    const a = zd.arange(5);
    assert.equal(a.dtype, "int32");
    assert.deepEqual(a.toArray(), [0, 1, 2, 3, 4]);
    assert.deepEqual(zd.arange(2, 5).toArray(), [2, 3, 4]);
    assert.deepEqual(zd.arange(5, 0, -2).toArray(), [5, 3, 1]);
    const f = zd.arange(1, 2, 0.25);
    assert.equal(f.dtype, "float32");
    assert.deepEqual(f.toArray(), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(zd.arange(0, 0.3, 0.1).shape, [3], "as numpy: ceil((end - start) / step)");
    assert.equal(zd.arange(3, undefined, 1, { dtype: "float64" }).dtype, "float64");
    assert.deepEqual(zd.arange(3, 1).shape, [0]);
    assert.throws(() => zd.arange(0, 1, 0), /arange: step must be a finite nonzero number, got 0/);
  });

  test("linspace includes both ends", () => {
    assert.deepEqual(zd.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(zd.linspace(2, 2, 1).toArray(), [2]);
    assert.deepEqual(zd.linspace(0, 1, 0).shape, [0]);
    assert.equal(zd.linspace(0, 1, 3).dtype, "float32");
    assert.throws(() => zd.linspace(0, 1, -1), /linspace: steps must be a non-negative integer, got -1/);
  });

  test("eye, square and rectangular", () => {
    assert.deepEqual(zd.eye(3).toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    assert.deepEqual(zd.eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
    assert.equal(zd.eye(2, 2, { dtype: "float64" }).dtype, "float64");
  });
});

describe("random and seeding", () => {
  test("rand is in [0, 1), randint in [low, high) as int32", () => {
    const r = Array.from(zd.rand([1000], { seed: 3 }).dataSync());
    assert.ok(r.every((v) => v >= 0 && v < 1));
    assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) / r.length - 0.5) < 0.05);
    const i = zd.randint(-2, 3, [1000], { seed: 4 });
    assert.equal(i.dtype, "int32");
    const values = i.dataSync();
    assert.ok(values.every((v) => v >= -2 && v < 3));
    assert.deepEqual([...new Set(values)].sort(), [-1, -2, 0, 1, 2].sort());
    assert.equal(zd.randint(0, 3, [2], { dtype: "float32" }).dtype, "float32");
    assert.throws(() => zd.randint(5, 5, [2]), /randint: expected integers low < high, got low=5, high=5/);
  });

  test("{ seed } is reproducible and independent of the global generator", () => {
    const a = zd.randn([20], { seed: 42 }).dataSync();
    zd.rand([7]);
    const b = zd.randn([20], { seed: 42 }).dataSync();
    assert.deepEqual(a, b);
    assert.notDeepEqual(zd.randn([20], { seed: 43 }).dataSync(), a);
  });

  test("manualSeed makes the global sequence reproducible", () => {
    zd.manualSeed(7);
    const a = [zd.rand([5]).dataSync(), zd.randn([5]).dataSync(), zd.randint(0, 100, [5]).dataSync()];
    zd.manualSeed(7);
    const b = [zd.rand([5]).dataSync(), zd.randn([5]).dataSync(), zd.randint(0, 100, [5]).dataSync()];
    assert.deepEqual(a, b);
    assert.notDeepEqual(zd.rand([5]).dataSync(), a[0], "the sequence moves on");
  });

  test("randn has mean ~0 and std ~1 over 10k samples", () => {
    const x = zd.randn([10000], { seed: 11, dtype: "float64" });
    const data = Array.from(x.dataSync());
    const mean = data.reduce((a, b) => a + b, 0) / data.length;
    const std = Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length);
    assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.05, `std ${std}`);
    const within1 = data.filter((v) => Math.abs(v) < 1).length / data.length;
    assert.ok(Math.abs(within1 - 0.6827) < 0.02, `P(|x|<1) = ${within1}`);
    assertClose(x.mean(), mean, { rtol: 1e-12, atol: 1e-12 });
  });

  test("Generator instances are deterministic", () => {
    const g1 = new zd.Generator(5), g2 = new zd.Generator(5);
    assert.equal(g1.random(), g2.random());
    const p = g1.permutation(10);
    assert.deepEqual([...p].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe("reading values", () => {
  test("toArray, dataSync and item", () => {
    const x = zd.tensor([[1, 2], [3, 4]]);
    assert.deepEqual(x.toArray(), [[1, 2], [3, 4]]);
    const flat = x.dataSync();
    assert.deepEqual([...flat], [1, 2, 3, 4]);
    flat[0] = 100;
    assert.equal(x.toArray().toString(), "1,2,3,4", "dataSync returns a copy");
    assert.equal(zd.tensor([[5]]).item(), 5);
    assert.throws(() => x.item(), /item: expected a tensor with one element, got shape \[2,2\]/);
    assert.deepEqual(zd.zeros([2, 0]).toArray(), [[], []]);
  });

  test("reading a transposed view gives row-major order of the view", () => {
    const x = zd.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual([...x.T.dataSync()], [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(x.T.toArray(), [[1, 4], [2, 5], [3, 6]]);
    assert.equal(x.T.isContiguous(), false);
    assert.equal(x.isContiguous(), true);
  });

  test("toString shows values, shape and dtype", () => {
    assert.equal(zd.tensor([1, 2]).toString(), "tensor([1,2], shape=[2], dtype=float32)");
  });
});

describe("views share storage", () => {
  test("assign through a slice is visible in the base", () => {
    const base = zd.zeros([3, 4]);
    base.slice(1, 1, 3).assign(5);
    assert.deepEqual(base.toArray(), [[0, 5, 5, 0], [0, 5, 5, 0], [0, 5, 5, 0]]);
  });

  test("assign through reshape, transpose, select and a stepped slice", () => {
    const base = zd.zeros([2, 3]);
    base.reshape([6]).slice(0, 0, 6, 2).assign(zd.tensor([1, 2, 3]));
    assert.deepEqual(base.toArray(), [[1, 0, 2], [0, 3, 0]]);
    base.T.select(0, 1).assign(zd.tensor([7, 8]));
    assert.deepEqual(base.toArray(), [[1, 7, 2], [0, 8, 0]]);
    base.index(1).assign(zd.tensor([[9]]).reshape([1]));
    assert.deepEqual(base.toArray(), [[1, 7, 2], [9, 9, 9]]);
  });

  test("views see later writes to the base; clone and contiguous copies do not", () => {
    const base = zd.tensor([[1, 2], [3, 4]]);
    const t = base.T, v = base.view([4]), c = base.clone(), u = base.unsqueeze(0),
      e = base.slice(0, 0, 1).expand([3, 2]);
    base.assign(zd.tensor([[10, 20], [30, 40]]));
    assert.deepEqual(t.toArray(), [[10, 30], [20, 40]]);
    assert.deepEqual(v.toArray(), [10, 20, 30, 40]);
    assert.deepEqual(u.toArray(), [[[10, 20], [30, 40]]]);
    assert.deepEqual(e.toArray(), [[10, 20], [10, 20], [10, 20]]);
    assert.deepEqual(c.toArray(), [[1, 2], [3, 4]]);
    assert.equal(base.contiguous(), base, "contiguous of a contiguous tensor is itself");
    const tc = base.T.contiguous();
    base.assign(0);
    assert.deepEqual(tc.toArray(), [[10, 30], [20, 40]]);
  });

  test("detach shares storage", () => {
    const x = zd.tensor([1, 2], { requiresGrad: true });
    const d = x.detach();
    d.assign(zd.tensor([3, 4]));
    assert.deepEqual(x.toArray(), [3, 4]);
  });

  test("split and chunk return views", () => {
    const x = zd.arange(6).reshape([3, 2]);
    const [a, b] = x.split([1, 2]);
    assert.deepEqual(b.toArray(), [[2, 3], [4, 5]]);
    a.assign(-1);
    assert.deepEqual(x.toArray(), [[-1, -1], [2, 3], [4, 5]]);
    assert.deepEqual(x.chunk(2).map((p) => p.shape), [[2, 2], [1, 2]]);
    assert.deepEqual(zd.arange(7).chunk(3).map((p) => p.shape[0]), [3, 3, 1], "as torch.chunk");
  });

  test("view of a non-contiguous tensor throws; reshape copies", () => {
    const x = zd.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.throws(() => x.T.view([6]),
      /view: tensor of shape \[3,2\] is not contiguous; use reshape\(\) or contiguous\(\) first/);
    assert.deepEqual(x.T.reshape([6]).toArray(), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(x.view([3, -1]).shape, [3, 2]);
  });

  test("slice semantics follow Python: negative and out-of-range bounds, steps", () => {
    const x = zd.arange(10);
    assert.deepEqual(x.slice(0, -3).toArray(), [7, 8, 9]);
    assert.deepEqual(x.slice(0, 2, 100, 3).toArray(), [2, 5, 8]);
    assert.deepEqual(x.slice(0, 8, 2).toArray(), []);
    assert.deepEqual(x.slice(0, undefined, -8).toArray(), [0, 1]);
    assert.deepEqual(x.reshape([2, 5]).select(1, -1).toArray(), [4, 9]);
  });
});

describe("broadcasting", () => {
  test("shapes align from the right; size-1 dims stretch", () => {
    const a = zd.tensor([[1], [2], [3]]);       // [3,1]
    const b = zd.tensor([10, 20, 30, 40]);      // [4]
    const s = a.add(b);
    assert.deepEqual(s.shape, [3, 4]);
    assert.deepEqual((s.toArray() as number[][])[2], [13, 23, 33, 43]);
    assert.deepEqual(zd.ones([2, 1, 4]).mul(zd.ones([3, 1])).shape, [2, 3, 4]);
    assert.deepEqual(zd.ones([2, 3]).add(zd.tensor(1)).shape, [2, 3]);
    assert.deepEqual(zd.tensor(2).add(zd.ones([0, 3])).shape, [0, 3]);
    assert.deepEqual(zd.tensor(2).add(5).toArray(), 7);
  });

  test("numbers broadcast on either side", () => {
    const x = zd.tensor([1, 2, 4]);
    assert.deepEqual(zd.sub(1, x).toArray(), [0, -1, -3]);
    assert.deepEqual(zd.div(4, x).toArray(), [4, 2, 1]);
    assert.deepEqual(x.pow(2).toArray(), [1, 4, 16]);
    assert.deepEqual(zd.pow(2, x).toArray(), [2, 4, 16]);
  });

  test("mismatched shapes name the op, both shapes and the dimension", () => {
    assert.throws(() => zd.ones([2, 3]).add(zd.ones([4])),
      new RegExp("add: shapes \\[2,3\\] and \\[4\\] cannot be broadcast: dimension -1 has sizes 3 and 4 " +
        "\\(they must match or one must be 1\\)"));
    assert.throws(() => zd.ones([2, 3]).mul(zd.ones([3, 3])),
      /mul: shapes \[2,3\] and \[3,3\] cannot be broadcast: dimension -2/);
    assert.throws(() => zd.where(zd.ones([2]), zd.ones([3]), 0),
      /where: shapes \[2\] and \[3\] cannot be broadcast/);
  });
});

describe("comparisons and where", () => {
  test("eq ne lt le gt ge return 0/1 float masks", () => {
    const a = zd.tensor([1, 2, 3]), b = zd.tensor([3, 2, 1]);
    const cases: Array<[zd.Tensor, number[]]> = [
      [a.eq(b), [0, 1, 0]], [a.ne(b), [1, 0, 1]], [a.lt(b), [1, 0, 0]],
      [a.le(b), [1, 1, 0]], [a.gt(b), [0, 0, 1]], [a.ge(b), [0, 1, 1]],
    ];
    for (const [mask, expected] of cases) {
      assert.equal(mask.dtype, "float32");
      assert.deepEqual(mask.toArray(), expected);
      assert.equal(mask.requiresGrad, false);
    }
    assert.equal(zd.arange(3).eq(1).dtype, "float32", "int32 inputs give a float32 mask");
    assert.equal(zd.ones([2], { dtype: "float64" }).gt(0).dtype, "float64");
    assert.deepEqual(zd.arange(4).lt(1.5).toArray(), [1, 1, 0, 0]);
    assert.deepEqual(zd.tensor([[1], [2]]).eq(zd.tensor([1, 2])).toArray(), [[1, 0], [0, 1]]);
  });

  test("comparisons with NaN are false except ne", () => {
    const x = zd.tensor([NaN]);
    assert.deepEqual([x.eq(x), x.lt(0), x.ge(0), x.ne(x)].map((m) => m.item()), [0, 0, 0, 1]);
  });

  test("a comparison of a tensor in the graph is outside the graph", () => {
    const x = zd.tensor([1, -1], { requiresGrad: true });
    assert.equal(x.gt(0).requiresGrad, false);
  });

  test("where picks by nonzero condition and broadcasts", () => {
    const c = zd.tensor([[1], [0]]);
    assert.deepEqual(zd.where(c, zd.tensor([1, 2]), -1).toArray(), [[1, 2], [-1, -1]]);
    assert.deepEqual(zd.where(zd.tensor([0.5, 0, -2]), 1, 0).toArray(), [1, 0, 1]);
  });
});

describe("argmax and argmin", () => {
  const cases = loadFixture("ops");
  for (const [name, c] of Object.entries(cases)) {
    if (c.op !== "argmax" && c.op !== "argmin") continue;
    test(`${name} matches PyTorch`, () => {
      const x = fixtureTensor(getArray(c, "input"));
      const out = c.op === "argmax" ? x.argmax(c.dim as number, c.keepDim as boolean)
        : x.argmin(c.dim as number, c.keepDim as boolean);
      assert.equal(out.dtype, "int32");
      assertEqualValues(out, getArray(c, "output"), name);
    });
  }
  for (const [name, c] of Object.entries(cases)) {
    if ((c.op !== "max" && c.op !== "min") || !("indices" in c)) continue;
    test(`${name}: argmax/argmin give PyTorch's max/min indices`, () => {
      const x = fixtureTensor(getArray(c, "input"));
      const out = c.op === "max" ? x.argmax(c.dim as number, c.keepDim as boolean)
        : x.argmin(c.dim as number, c.keepDim as boolean);
      assertEqualValues(out, getArray(c, "indices"), name);
    });
  }

  test("first occurrence on ties; no dim means the flattened tensor", () => {
    const x = zd.tensor([[3, 1, 3], [0, 0, 5]]);
    assert.deepEqual(x.argmax(1).toArray(), [0, 2]);
    assert.deepEqual(x.argmin(1).toArray(), [1, 0]);
    assert.deepEqual(x.argmax(0).toArray(), [0, 0, 1]);
    assert.equal(x.argmax().item(), 5);
    assert.equal(x.argmin().item(), 3);
    assert.deepEqual(x.argmax().shape, []);
    assert.equal(zd.tensor([3, 1, 3, 1]).argmax().item(), 0);
    assert.equal(zd.tensor([3, 1, 3, 1]).argmin().item(), 1);
    assert.deepEqual(x.T.argmax(0).toArray(), [0, 2], "on a transposed view");
    assert.deepEqual(x.argmax(-1, true).shape, [2, 1]);
  });

  test("NaN counts as the extreme, as in PyTorch", () => {
    assert.equal(zd.tensor([1, NaN, 5]).argmax().item(), 1);
    assert.equal(zd.tensor([1, NaN, -5]).argmin().item(), 1);
  });
});

describe("dtypes in arithmetic", () => {
  test("int32 arithmetic keeps int32; division and float operands give float32", () => {
    const a = zd.tensor([7, -7, 2], { dtype: "int32" }), b = zd.tensor([2, 2, 3], { dtype: "int32" });
    for (const r of [a.add(b), a.sub(b), a.mul(b), a.maximum(b), a.minimum(b), a.neg(), a.abs(), a.add(1),
      a.mul(3)]) {
      assert.equal(r.dtype, "int32");
    }
    assert.deepEqual(a.mul(b).toArray(), [14, -14, 6]);
    const q = a.div(b);
    assert.equal(q.dtype, "float32");
    assert.deepEqual(q.toArray(), [3.5, -3.5, 2 / 3].map(Math.fround));
    assert.equal(a.div(2).dtype, "float32");
    assert.equal(a.add(0.5).dtype, "float32");
    assert.deepEqual(a.add(0.5).toArray(), [7.5, -6.5, 2.5]);
    assert.equal(a.add(zd.ones([3])).dtype, "float32");
    assert.equal(a.exp().dtype, "float32");
    assert.equal(a.pow(2).dtype, "float32");
    assert.equal(a.sum().dtype, "int32");
    assert.equal(a.sum().item(), 2);
    assert.equal(a.mean().dtype, "float32");
    assertClose(a.mean(), 2 / 3);
    assert.equal(a.relu().dtype, "int32");
    assert.equal(a.clamp(0, 5).dtype, "int32");
    assert.deepEqual(a.clamp(0, 5).toArray(), [5, 0, 2]);
  });

  test("float32 and float64 promote to float64", () => {
    const f = zd.ones([2]), d = zd.ones([2], { dtype: "float64" });
    assert.equal(f.add(d).dtype, "float64");
    assert.equal(d.mul(f).dtype, "float64");
    assert.equal(d.add(2).dtype, "float64");
    assert.equal(f.matmul(d).dtype, "float64");
  });

  test("cast converts, rounds float32 and truncates to int32", () => {
    const x = zd.tensor([0.1, 1.5, -2.5], { dtype: "float64" });
    assert.equal(x.float().dtype, "float32");
    assert.deepEqual([...x.float().dataSync()], [0.1, 1.5, -2.5].map(Math.fround));
    assert.deepEqual(x.int().toArray(), [0, 1, -2]);
    assert.equal(x.to("float64"), x, "casting to the same dtype is a no-op");
    assert.equal(x.int().double().dtype, "float64");
    assert.throws(() => zd.cast(x, "int8" as zd.DType), /cast: unknown dtype "int8"/);
  });

  test("float32 rounding happens on every op", () => {
    const x = zd.tensor([1 / 3]);
    assert.equal(x.item(), Math.fround(1 / 3));
    assert.equal(x.mul(3).item(), Math.fround(Math.fround(1 / 3) * 3));
  });
});

describe("element-wise functions without PyTorch fixtures", () => {
  const values = [-2.5, -1, -0.3, 0.2, 0.9, 3];
  const x = zd.tensor(values, { dtype: "float64" });
  const check = (name: string, out: zd.Tensor, f: (v: number) => number) =>
    test(name, () => assertClose(out, values.map(f), { rtol: 1e-14, atol: 1e-15 }));
  check("expm1", x.expm1(), Math.expm1);
  check("reciprocal", x.reciprocal(), (v) => 1 / v);
  check("sin", x.sin(), Math.sin);
  check("cos", x.cos(), Math.cos);
  check("floor", x.floor(), Math.floor);
  check("ceil", x.ceil(), Math.ceil);
  check("logSigmoid", x.logSigmoid(), (v) => -Math.log1p(Math.exp(-v)));

  test("erf matches reference values to double precision", () => {
    // erf at 0, 0.5, 1, 2, 3.5, -1 (Abramowitz & Stegun / mpmath)
    const points = [0, 0.5, 1, 2, 3.5, -1, 6.5];
    const expected = [0, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999992569016276,
      -0.8427007929497149, 1];
    assertClose(zd.tensor(points, { dtype: "float64" }).erf(), expected, { rtol: 1e-14, atol: 1e-16 });
  });

  test("round is half to even, as torch.round", () => {
    assert.deepEqual(zd.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 1.2, -1.7]).round().toArray(),
      [0, 2, 2, -0, -2, 1, -2]);
  });

  test("stable at the extremes: sigmoid, softplus, logSigmoid, logsumexp, softmax", () => {
    const big = zd.tensor([-1000, 1000]);
    assert.deepEqual(big.sigmoid().toArray(), [0, 1]);
    assert.deepEqual(big.softplus().toArray(), [0, 1000]);
    assertClose(big.logSigmoid(), [-1000, 0]);
    assert.equal(big.logsumexp().item(), 1000);
    assert.deepEqual(zd.tensor([1000, 1000]).softmax().toArray(), [0.5, 0.5]);
    assert.deepEqual(zd.tensor([-Infinity, -Infinity]).logsumexp().item(), -Infinity);
  });

  test("reductions of an empty tensor: sum 0, prod 1, mean NaN", () => {
    const e = zd.zeros([0]);
    assert.equal(e.sum().item(), 0);
    assert.equal(e.prod().item(), 1);
    assert.ok(Number.isNaN(e.mean().item()));
  });
});
