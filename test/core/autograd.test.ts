// The autograd engine: accumulation, graph release, error cases, detach/noGrad, graph shapes,
// un-broadcasting, dtypes of gradients, and gradcheck itself.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as zd from "../../src/index.js";
import { attach } from "../../src/core/autograd.js";
import { assertClose } from "../helpers/allclose.js";

const RELEASED = /backward: trying to backward through the graph a second time .*retainGraph: true/;

describe("backward", () => {
  test("gradients accumulate over two backward calls until reset", () => {
    const x = zd.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [2, 4, 6]);
    x.mul(3).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [5, 7, 9]);
    x.grad = null;
    x.sum().backward();
    assert.deepEqual((x.grad as zd.Tensor | null)?.toArray(), [1, 1, 1]);
  });

  test("retainGraph allows a second backward through the same graph", () => {
    const x = zd.tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    assertClose(x.grad as zd.Tensor, [2 * Math.E, 2 * Math.exp(2)]);
  });

  test("a second backward through a released graph throws a clear error", () => {
    const x = zd.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    const y = h.sum();
    y.backward();
    assert.throws(() => y.backward(), RELEASED);
    assert.throws(() => h.mean().backward(), RELEASED, "a new graph on top of a released node also fails");
    assert.deepEqual(x.grad?.toArray(), [2, 2], "the failed calls left the gradient alone");
  });

  test("backward from a tensor that does not require grad throws", () => {
    assert.throws(() => zd.ones([1]).backward(),
      /backward: the tensor does not require grad and has no grad function/);
    const x = zd.ones([2], { requiresGrad: true });
    assert.throws(() => zd.noGrad(() => x.mul(2)).sum().backward(), /does not require grad/);
  });

  test("backward from a non-scalar needs a gradient of the output's shape", () => {
    const x = zd.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x);
    assert.throws(() => y.backward(),
      new RegExp("backward: a gradient can be created implicitly only for scalar outputs, " +
        "got shape \\[3\\]; pass backward\\(gradient\\)"));
    assert.throws(() => y.backward(zd.ones([2])),
      /backward: gradient shape \[2\] does not match the output shape \[3\]/);
    assert.throws(() => y.backward([1, 1, 1] as unknown as zd.Tensor),
      /backward: gradient must be a Tensor of shape \[3\]/);
    y.backward(zd.tensor([1, 0.5, -1]));
    assert.deepEqual(x.grad?.toArray(), [2, 2, -6]);
  });

  test("a one-element non-0-d output and a leaf can be the root", () => {
    const x = zd.tensor([[3]], { requiresGrad: true });
    x.mul(2).backward();
    assert.deepEqual(x.grad?.toArray(), [[2]]);
    const leaf = zd.tensor([1, 2], { requiresGrad: true });
    leaf.backward(zd.tensor([5, 6]));
    assert.deepEqual(leaf.grad?.toArray(), [5, 6]);
  });

  test("only leaves get .grad; intermediates are not leaves", () => {
    const x = zd.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    assert.equal(x.isLeaf, true);
    assert.equal(h.isLeaf, false);
    assert.equal(h.gradFnName, "mul");
    h.sum().backward();
    assert.equal(h.grad, null);
    assert.ok(x.grad);
  });

  test("inputs that do not require grad get none", () => {
    const x = zd.tensor([1, 2], { requiresGrad: true }), c = zd.tensor([3, 4]);
    x.mul(c).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [3, 4]);
    assert.equal(c.grad, null);
  });
});

describe("graph shapes", () => {
  test("diamond: x used twice, gradients of both paths add", () => {
    const x = zd.tensor([1, 2, 3], { requiresGrad: true });
    const a = x.mul(2), b = x.exp();
    a.mul(b).sum().backward();  // d/dx (2x e^x) = 2e^x + 2x e^x
    assertClose(x.grad as zd.Tensor, [1, 2, 3].map((v) => 2 * Math.exp(v) * (1 + v)), { rtol: 1e-6 });
  });

  test("x * x, x + x and a long shared chain", () => {
    const x = zd.tensor([3], { requiresGrad: true });
    x.mul(x).add(x.add(x)).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [8]);
    const y = zd.tensor([1.5], { requiresGrad: true, dtype: "float64" });
    let h = y;
    for (let i = 0; i < 50; i++) h = h.mul(y).div(y).add(h).mul(0.5);  // h stays y
    h.sum().backward();
    assertClose(y.grad as zd.Tensor, [1], { rtol: 1e-12 });
  });

  test("a deep chain does not overflow the stack", () => {
    const x = zd.tensor([1], { requiresGrad: true, dtype: "float64" });
    let h = x;
    for (let i = 0; i < 20000; i++) h = h.add(1);
    h.sum().backward();
    assert.deepEqual(x.grad?.toArray(), [1]);
  });

  test("broadcast gradients are summed to the input shape: [3,1] + [1,4]", () => {
    const a = zd.tensor([[1], [2], [3]], { requiresGrad: true });
    const b = zd.tensor([[10, 20, 30, 40]], { requiresGrad: true });
    const out = a.add(b);
    assert.deepEqual(out.shape, [3, 4]);
    out.backward(zd.tensor([[1, 2, 3, 4], [1, 1, 1, 1], [0, 0, 0, 2]]));
    assert.deepEqual(a.grad?.shape, [3, 1]);
    assert.deepEqual(a.grad?.toArray(), [[10], [4], [2]]);
    assert.deepEqual(b.grad?.shape, [1, 4]);
    assert.deepEqual(b.grad?.toArray(), [[2, 3, 4, 7]]);
  });

  test("broadcast against leading dims and a 0-d tensor", () => {
    const s = zd.tensor(2, { requiresGrad: true });
    const v = zd.tensor([1, 2, 3], { requiresGrad: true });
    zd.ones([2, 3]).mul(v).mul(s).sum().backward();
    assert.deepEqual(s.grad?.shape, []);
    assert.equal(s.grad?.item(), 12);
    assert.deepEqual(v.grad?.toArray(), [4, 4, 4]);
  });

  test("gradients flow through views into the base leaf", () => {
    const x = zd.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    x.T.slice(0, 1).reshape([4]).mul(zd.tensor([1, 2, 3, 4])).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [[0, 1, 3], [0, 2, 4]]);
  });

  test("gradient dtype follows the input dtype in mixed float32/float64 ops", () => {
    const f = zd.tensor([1, 2], { requiresGrad: true });
    const d = zd.tensor([3, 4], { requiresGrad: true, dtype: "float64" });
    const out = f.mul(d).sum().add(zd.concat([f, d]).sum());
    assert.equal(out.dtype, "float64");
    out.backward();
    assert.equal(f.grad?.dtype, "float32");
    assert.equal(d.grad?.dtype, "float64");
    assert.deepEqual(f.grad?.toArray(), [4, 5]);
    assert.deepEqual(d.grad?.toArray(), [2, 3]);
    const g = zd.tensor([1, 2], { requiresGrad: true });
    g.backward(zd.tensor([1, 1], { dtype: "float64" }));
    assert.equal(g.grad?.dtype, "float32", "a float64 seed gradient is cast to the root's dtype");
  });

  test("cast passes gradients back in the source dtype", () => {
    const x = zd.tensor([1, 2], { requiresGrad: true, dtype: "float64" });
    x.float().mul(3).sum().backward();
    assert.equal(x.grad?.dtype, "float64");
    assert.deepEqual(x.grad?.toArray(), [3, 3]);
    assert.equal(x.int().requiresGrad, false, "a cast to int32 leaves the graph");
  });
});

describe("detach, noGrad, enableGrad, requiresGrad", () => {
  test("detach cuts the graph", () => {
    const x = zd.tensor([1, 2], { requiresGrad: true });
    const d = x.mul(2).detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.isLeaf, true);
    x.mul(d).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [2, 4], "d is a constant");
  });

  test("noGrad records nothing; enableGrad turns recording back on inside it", () => {
    const x = zd.tensor([1, 2], { requiresGrad: true });
    assert.equal(zd.isGradEnabled(), true);
    const y = zd.noGrad(() => {
      assert.equal(zd.isGradEnabled(), false);
      const inner = zd.enableGrad(() => x.mul(2));
      assert.equal(inner.requiresGrad, true);
      return x.mul(2);
    });
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFnName, null);
    assert.equal(zd.isGradEnabled(), true);
  });

  test("noGrad restores the previous state when its function throws", () => {
    assert.throws(() => zd.noGrad(() => { throw new Error("boom"); }), /boom/);
    assert.equal(zd.isGradEnabled(), true);
    zd.noGrad(() => {
      assert.throws(() => zd.enableGrad(() => { throw new Error("boom"); }), /boom/);
      assert.equal(zd.isGradEnabled(), false);
    });
  });

  test("noGrad returns its function's value", () => {
    assert.equal(zd.noGrad(() => 42), 42);
  });

  test("requiresGrad on int32 throws; computed tensors cannot turn it off", () => {
    assert.throws(() => zd.tensor([1, 2], { dtype: "int32", requiresGrad: true }),
      /requiresGrad: only floating-point tensors can require gradients, this one is int32/);
    assert.throws(() => zd.arange(3).requiresGrad_(), /int32/);
    const x = zd.tensor([1], { requiresGrad: true });
    const y = x.mul(2);
    assert.throws(() => { y.requiresGrad = false; },
      /cannot turn off gradients of a computed tensor; use detach\(\)/);
    x.requiresGrad = false;
    assert.equal(x.requiresGrad, false);
    assert.equal(zd.ones([1]).requiresGrad_().requiresGrad, true);
  });

  test("integer outputs (argmax, comparisons) are not in the graph", () => {
    const x = zd.tensor([1, 3, 2], { requiresGrad: true });
    assert.equal(x.argmax().requiresGrad, false);
    assert.equal(x.lt(2).requiresGrad, false);
    assert.equal(x.sign().requiresGrad, true, "sign is differentiable (zero gradient)");
  });
});

describe("gradcheck", () => {
  test("accepts correct gradients and rejects wrong ones", () => {
    // square with a deliberately doubled backward rule
    const wrong = (x: zd.Tensor): zd.Tensor => {
      const out = zd.noGrad(() => x.mul(x));
      return attach(out, "wrongSquare", [x], (g, _, [i]) => [g.mul(i).mul(4)]);
    };
    const x = zd.tensor([0.5, -1.2, 2], { dtype: "float64", requiresGrad: true });
    assert.equal(zd.gradcheck((t) => t.mul(t), [x]), true);
    assert.equal(zd.gradcheck(wrong, [x], { raiseException: false }), false);
    assert.throws(() => zd.gradcheck(wrong, [x]),
      /gradcheck: input 0 \(shape \[3\]\), element 0: numerical gradient/);
  });

  test("requires float64 inputs and leaves their values unchanged", () => {
    const f = zd.tensor([1, 2], { requiresGrad: true });
    assert.throws(() => zd.gradcheck((t) => t.exp(), [f]),
      /gradcheck: inputs that require grad must be float64/);
    const x = zd.tensor([0.1, 0.2, 0.3], { dtype: "float64", requiresGrad: true });
    zd.gradcheck((t) => t.sin(), [x]);
    assert.deepEqual(x.toArray(), [0.1, 0.2, 0.3]);
  });
});

describe("gradients at special points", () => {
  test("prod with zero entries gives the product of the others, as PyTorch", () => {
    const x = zd.tensor([[2, 0, 3], [0, 0, 4], [1, 2, 3]], { requiresGrad: true });
    x.prod(1).sum().backward();
    assert.deepEqual(x.grad?.toArray(), [[0, 6, 0], [0, 0, 0], [6, 3, 2]]);
  });

  test("max/min share the gradient between ties; maximum splits it half/half", () => {
    const x = zd.tensor([1, 3, 3], { requiresGrad: true });
    x.max().backward();
    assert.deepEqual(x.grad?.toArray(), [0, 0.5, 0.5]);
    const a = zd.tensor([1, 2], { requiresGrad: true }), b = zd.tensor([1, 1], { requiresGrad: true });
    a.maximum(b).sum().backward();
    assert.deepEqual(a.grad?.toArray(), [0.5, 1]);
    assert.deepEqual(b.grad?.toArray(), [0.5, 0]);
  });

  test("kinks: relu and abs have gradient 0 at 0; clamp passes it at the bounds", () => {
    const x = zd.tensor([0, 0, -0.5, 0.7], { requiresGrad: true });
    x.relu().sum().backward();
    assert.deepEqual(x.grad?.toArray(), [0, 0, 0, 1]);
    x.grad = null;
    x.abs().sum().backward();
    assert.deepEqual((x.grad as zd.Tensor | null)?.toArray(), [0, 0, -1, 1]);
    x.grad = null;
    x.clamp(-0.5, 0.7).sum().backward();
    assert.deepEqual((x.grad as zd.Tensor | null)?.toArray(), [1, 1, 1, 1]);
  });

  test("pow with a zero base and a tensor exponent has a finite exponent gradient", () => {
    const base = zd.tensor([0, 2], { requiresGrad: true }), e = zd.tensor([2, 3], { requiresGrad: true });
    base.pow(e).sum().backward();
    assert.deepEqual(e.grad?.toArray(), [0, Math.fround(8 * Math.log(2))]);
    assert.deepEqual(base.grad?.toArray(), [0, 12]);
  });
});
