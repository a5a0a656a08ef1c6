import { checkSameBackend } from "../transfer.js";
import type { BinaryOp, UnaryOp, View } from "../../backend/backend.js";
import { attach } from "../autograd.js";
import { scalarFor } from "../creation.js";
import type { DType } from "../dtype.js";
import { floatTypeOf, isDType, promoteTypes } from "../dtype.js";
import { broadcastShapes, broadcastStrides, shapesEqual } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { checkFinite, checkPositive } from "../../util/check.js";
import { reluGrad } from "./relu-grad.js";

/** Every op checks its tensor arguments, so a wrong argument names the op instead of failing deep inside. */
export function checkTensor(op: string, x: unknown, name = "input"): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected ${name} to be a Tensor, got ${typeof x}`);
  return x;
}

/** Ops whose result keeps an int32 input's type; all others return floats. */
const INT_PRESERVING = new Set<UnaryOp>(["neg", "abs", "sign", "relu", "clamp", "floor", "ceil", "round"]);

function unary(op: UnaryOp, x: Tensor, p0?: number, p1?: number): Tensor {
  checkTensor(op, x);
  const dtype = INT_PRESERVING.has(op) ? x.dtype : floatTypeOf(x.dtype);
  const out = Tensor._empty(x.shape, dtype, x.backend);
  x.backend.unary(op, x._view(), out._ref.storage, p0, p1);
  return out;
}

function toTensor(op: string, value: TensorLike, like: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== "number") throw new Error(`${op}: expected a Tensor or a number, got ${typeof value}`);
  return scalarFor(value, like);
}

function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new Error(`${op}: expected at least one Tensor operand`);
  }
  const like = (a instanceof Tensor ? a : b) as Tensor;
  return [toTensor(op, a, like), toTensor(op, b, like)];
}

/** Broadcasts both operands to one shape (as stride-0 views) and runs one binary kernel. */
function binary(op: BinaryOp, ta: Tensor, tb: Tensor, dtype: DType): Tensor {
  if (ta.backend !== tb.backend) checkSameBackend(op, ta, tb);
  const shape = shapesEqual(ta.shape, tb.shape) ? ta.shape : broadcastShapes(op, ta.shape, tb.shape);
  const out = Tensor._empty(shape, dtype, ta.backend);
  ta.backend.binary(op, broadcastView(ta, shape), broadcastView(tb, shape), out._ref.storage);
  return out;
}

/** `t` read as the (broadcast) shape `shape`: its own view when the shapes already agree. */
function broadcastView(t: Tensor, shape: readonly number[]): View {
  if (shapesEqual(t.shape, shape)) return t._view();
  const v = t._view();
  const strides = broadcastStrides(t.shape, t._strides, shape);
  return { storage: v.storage, shape, strides, offset: v.offset };
}

function arithmetic(op: BinaryOp, a: TensorLike, b: TensorLike): [Tensor, Tensor, Tensor] {
  const [ta, tb] = operands(op, a, b);
  let dtype = promoteTypes(ta.dtype, tb.dtype);
  if (op === "div" || op === "pow") dtype = floatTypeOf(dtype);
  return [binary(op, ta, tb, dtype), ta, tb];
}

export function add(a: TensorLike, b: TensorLike): Tensor {
  const [out, ta, tb] = arithmetic("add", a, b);
  return attach(out, "add", [ta, tb], (g) => [g, g]);
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [out, ta, tb] = arithmetic("sub", a, b);
  return attach(out, "sub", [ta, tb], (g) => [g, neg(g)]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [out, ta, tb] = arithmetic("mul", a, b);
  return attach(out, "mul", [ta, tb], (g, _, [x, y]) => [
    x.requiresGrad ? mul(g, y) : null, y.requiresGrad ? mul(g, x) : null]);
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  const [out, ta, tb] = arithmetic("div", a, b);
  return attach(out, "div", [ta, tb], (g, o, [x, y]) => [
    x.requiresGrad ? div(g, y) : null, y.requiresGrad ? neg(mul(g, div(o, y))) : null]);
}

export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && typeof b === "number") return powScalar(a, b);
  const [out, ta, tb] = arithmetic("pow", a, b);
  return attach(out, "pow", [ta, tb], (g, o, [x, y]) => [
    x.requiresGrad ? mul(g, mul(y, pow(x, sub(y, 1)))) : null,
    // d/dy x^y = x^y log x; where x == 0 PyTorch takes the limit 0 instead of 0 * -inf
    y.requiresGrad ? mul(g, where(eq(x, 0), 0, mul(o, log(x)))) : null]);
}

function powScalar(x: Tensor, exponent: number): Tensor {
  return attach(unary("powScalar", x, exponent), "pow", [x], (g, _, [i]) => [
    exponent === 0 ? mul(g, 0) : mul(g, mul(powScalar(i, exponent - 1), exponent))]);
}

/** Gradient split half/half at ties, as PyTorch does for maximum/minimum. */
function extremum(op: "maximum" | "minimum", a: TensorLike, b: TensorLike): Tensor {
  const [out, ta, tb] = arithmetic(op, a, b);
  return attach(out, op, [ta, tb], (g, _, [x, y]) => {
    const winsA = add(op === "maximum" ? gt(x, y) : lt(x, y), mul(eq(x, y), 0.5));
    return [mul(g, winsA), mul(g, sub(1, winsA))];
  });
}
export function maximum(a: TensorLike, b: TensorLike): Tensor { return extremum("maximum", a, b); }
export function minimum(a: TensorLike, b: TensorLike): Tensor { return extremum("minimum", a, b); }

/** Comparisons return 0/1 masks of the operands' float type (float32 for int inputs). */
function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands(op, a, b);
  return binary(op, ta, tb, floatTypeOf(promoteTypes(ta.dtype, tb.dtype)));
}
export function eq(a: TensorLike, b: TensorLike): Tensor { return compare("eq", a, b); }
export function ne(a: TensorLike, b: TensorLike): Tensor { return compare("ne", a, b); }
export function lt(a: TensorLike, b: TensorLike): Tensor { return compare("lt", a, b); }
export function le(a: TensorLike, b: TensorLike): Tensor { return compare("le", a, b); }
export function gt(a: TensorLike, b: TensorLike): Tensor { return compare("gt", a, b); }
export function ge(a: TensorLike, b: TensorLike): Tensor { return compare("ge", a, b); }

/** Elementwise `condition ? a : b` (condition true where nonzero), broadcasting all three. */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor("where", condition, "condition");
  const ta = toTensor("where", a, b instanceof Tensor ? b : condition);
  const tb = toTensor("where", b, ta);
  if (ta.backend !== condition.backend || tb.backend !== condition.backend) {
    checkSameBackend("where", condition, ta, tb);
  }
  const shape = broadcastShapes("where", broadcastShapes("where", condition.shape, ta.shape), tb.shape);
  const out = Tensor._empty(shape, promoteTypes(ta.dtype, tb.dtype), condition.backend);
  condition.backend.where(broadcastView(condition, shape), broadcastView(ta, shape), broadcastView(tb, shape),
    out._ref.storage);
  return attach(out, "where", [condition, ta, tb], (g, _, [c]) => [null, where(c, g, 0), where(c, 0, g)]);
}

export function neg(x: Tensor): Tensor { return attach(unary("neg", x), "neg", [x], (g) => [neg(g)]); }
export function exp(x: Tensor): Tensor { return attach(unary("exp", x), "exp", [x], (g, o) => [mul(g, o)]); }
export function log(x: Tensor): Tensor {
  return attach(unary("log", x), "log", [x], (g, _, [i]) => [div(g, i)]);
}
export function log1p(x: Tensor): Tensor {
  return attach(unary("log1p", x), "log1p", [x], (g, _, [i]) => [div(g, add(i, 1))]);
}
export function expm1(x: Tensor): Tensor {
  return attach(unary("expm1", x), "expm1", [x], (g, o) => [mul(g, add(o, 1))]);
}
export function sqrt(x: Tensor): Tensor {
  return attach(unary("sqrt", x), "sqrt", [x], (g, o) => [div(g, mul(o, 2))]);
}
export function rsqrt(x: Tensor): Tensor {
  return attach(unary("rsqrt", x), "rsqrt", [x], (g, o) => [mul(g, mul(powScalar(o, 3), -0.5))]);
}
export function abs(x: Tensor): Tensor {
  return attach(unary("abs", x), "abs", [x], (g, _, [i]) => [mul(g, sign(i))]);
}
export function reciprocal(x: Tensor): Tensor {
  return attach(unary("reciprocal", x), "reciprocal", [x], (g, o) => [neg(mul(g, mul(o, o)))]);
}
export function sin(x: Tensor): Tensor {
  return attach(unary("sin", x), "sin", [x], (g, _, [i]) => [mul(g, cos(i))]);
}
export function cos(x: Tensor): Tensor {
  return attach(unary("cos", x), "cos", [x], (g, _, [i]) => [neg(mul(g, sin(i)))]);
}
export function erf(x: Tensor): Tensor {
  // d/dx erf(x) = 2/√π · exp(−x²)
  return attach(unary("erf", x), "erf", [x],
    (g, _, [i]) => [mul(g, mul(exp(neg(mul(i, i))), 2 / Math.sqrt(Math.PI)))]);
}
/** Piecewise-constant ops have a zero gradient almost everywhere. */
function flat(op: "sign" | "floor" | "ceil" | "round", x: Tensor): Tensor {
  return attach(unary(op, x), op, [x], (g) => [mul(g, 0)]);
}
export function sign(x: Tensor): Tensor { return flat("sign", x); }
export function floor(x: Tensor): Tensor { return flat("floor", x); }
export function ceil(x: Tensor): Tensor { return flat("ceil", x); }
export function round(x: Tensor): Tensor { return flat("round", x); }

export function relu(x: Tensor): Tensor {
  return attach(unary("relu", x), "relu", [x], (g, _, [i]) => [reluGrad(g, i)]);
}
export function sigmoid(x: Tensor): Tensor {
  return attach(unary("sigmoid", x), "sigmoid", [x], (g, o) => [mul(g, mul(o, sub(1, o)))]);
}
export function tanh(x: Tensor): Tensor {
  return attach(unary("tanh", x), "tanh", [x], (g, o) => [mul(g, sub(1, mul(o, o)))]);
}
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkFinite("leakyRelu", "negativeSlope", negativeSlope);
  return attach(unary("leakyRelu", x, negativeSlope), "leakyRelu", [x],
    (g, _, [i]) => [where(gt(i, 0), g, mul(g, negativeSlope))]);
}
export function elu(x: Tensor, alpha = 1): Tensor {
  checkFinite("elu", "alpha", alpha);
  return attach(unary("elu", x, alpha), "elu", [x],
    (g, o, [i]) => [where(gt(i, 0), g, mul(g, add(o, alpha)))]);
}
/** log(1 + exp(beta x)) / beta, computed without overflow; linear above `threshold` as PyTorch. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkPositive("softplus", "beta", beta);
  checkFinite("softplus", "threshold", threshold);
  return attach(unary("softplus", x, beta, threshold), "softplus", [x], (g, _, [i]) => {
    const bx = mul(i, beta);
    return [where(gt(bx, threshold), g, mul(g, sigmoid(bx)))];
  });
}

/** Limits values to [min, max]; either bound may be omitted. The gradient passes where min <= x <= max. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  if (Number.isNaN(lo) || Number.isNaN(hi)) {
    throw new Error(`clamp: bounds must not be NaN, got min=${min}, max=${max}`);
  }
  if (min == null && max == null) throw new Error("clamp: give at least one of min and max");
  return attach(unary("clamp", x, lo, hi), "clamp", [x], (g, _, [i]) => [mul(g, mul(ge(i, lo), le(i, hi)))]);
}

/** Converts to another dtype; the gradient converts back. */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor("cast", x);
  if (!isDType(dtype)) {
    throw new Error(`cast: unknown dtype "${String(dtype)}"; expected float32, float64 or int32`);
  }
  if (dtype === x.dtype) return x;
  const out = Tensor._empty(x.shape, dtype, x.backend);
  x.backend.copy(x._view(), out._view());
  if (dtype === "int32") return out;
  return attach(out, "cast", [x], (g, _, [i]) => [cast(g, i.dtype)]);
}

