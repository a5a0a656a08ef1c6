// Elementwise kernels: one thread per output element, each input read through its own strided view
// (stride 0 for a broadcast dimension). Math runs in f32 except integer arithmetic on int32 tensors.
import type { BinaryOp, UnaryOp } from "../backend.js";
import { bindings, convert, perElement, prelude, type WgslType } from "./wgsl-common.js";

/** f32 helpers with the reference backend's edge cases (NaN propagation, PyTorch's thresholds). */
const MATH = `
fn sigmoid_(x: f32) -> f32 { if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); } let e = exp(x);
  return e / (1.0 + e); }
// log(1+x) and exp(x)-1 without cancellation (Goldberg's and Kahan's tricks)
fn log1p_(x: f32) -> f32 { let u = 1.0 + x; if (u == 1.0) { return x; } return log(u) * x / (u - 1.0); }
fn expm1_(x: f32) -> f32 {
  if (abs(x) < 1e-4) { return x + 0.5 * x * x; }
  return exp(x) - 1.0;
}
fn tanh_(x: f32) -> f32 {
  if (abs(x) < 0.5) { let e = expm1_(2.0 * x); return e / (e + 2.0); }
  let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e);
}
// Abramowitz and Stegun 7.1.26 refined: |error| < 1.5e-7
fn erf_(x: f32) -> f32 {
  let a = abs(x); let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
    * t * exp(-a * a);
  if (a < 1e-3) { return x * 1.1283791670955126; }
  return select(y, -y, x < 0.0);
}
fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (b == 0.5) { return sqrt(a); }
  if (b == -1.0) { return 1.0 / a; }
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  if (a == 0.0) { return select(0.0, inf_(), b < 0.0); }
  let m = exp2(b * log2(abs(a)));
  if (a > 0.0) { return m; }
  if (floor(b) != b) { return nan_(); }
  let odd = abs(b % 2.0) == 1.0;
  return select(m, -m, odd);
}
// sin and cos to about 1 ulp on moderate arguments (GPU built-ins may be off by 2^-11): quadrant by
// Cody-Waite reduction with pi/2 in two parts, then Taylor polynomials on [-pi/4, pi/4]
fn sinPoly(r: f32) -> f32 { let s = r * r; return r + r * s * (-0.16666667 + s * (0.008333333 +
  s * (-0.0001984127 + s * 2.7557319e-6))); }
fn cosPoly(r: f32) -> f32 { let s = r * r; return 1.0 - 0.5 * s + s * s * (0.041666668 +
  s * (-0.0013888889 + s * (2.4801587e-5 - s * 2.7557319e-7))); }
fn trig_(x: f32, shift: i32) -> f32 {
  let q = round(x * 0.63661975);
  let r = (x - q * 1.5707963705062866) + q * 4.371139e-8;
  let k = (i32(q) + shift) & 3;
  if (k == 0) { return sinPoly(r); }
  if (k == 1) { return cosPoly(r); }
  if (k == 2) { return -sinPoly(r); }
  return -cosPoly(r);
}
fn sign_(x: f32) -> f32 { if (isnan_(x)) { return x; } return select(select(0.0, -1.0, x < 0.0), 1.0,
  x > 0.0); }
fn softplus_(x: f32, beta: f32, threshold: f32) -> f32 {
  let bx = beta * x; if (bx > threshold) { return x; }
  return (max(bx, 0.0) + log1p_(exp(-abs(bx)))) / beta;
}
fn max_(a: f32, b: f32) -> f32 { if (isnan_(a) || isnan_(b)) { return nan_(); } return select(b, a, a > b); }
fn min_(a: f32, b: f32) -> f32 { if (isnan_(a) || isnan_(b)) { return nan_(); } return select(b, a, a < b); }
`;

function unaryExpression(op: UnaryOp): string {
  switch (op) {
    case "neg": return "-x";
    case "exp": return "exp(x)";
    case "log": return "log(x)";
    case "log1p": return "log1p_(x)";
    case "expm1": return "expm1_(x)";
    case "sqrt": return "sqrt(x)";
    case "rsqrt": return "1.0 / sqrt(x)";
    case "abs": return "abs(x)";
    case "sign": return "sign_(x)";
    case "reciprocal": return "1.0 / x";
    case "relu": return "select(select(0.0, x, isnan_(x)), x, x > 0.0)";
    case "sigmoid": return "sigmoid_(x)";
    case "tanh": return "tanh_(x)";
    case "sin": return "trig_(x, 0)";
    case "cos": return "trig_(x, 1)";
    case "erf": return "erf_(x)";
    case "floor": return "floor(x)";
    case "ceil": return "ceil(x)";
    case "round": return "round(x)";   // WGSL rounds half to even, as torch.round
    case "leakyRelu": return "select(x * p0, x, x > 0.0)";
    case "elu": return "select(p0 * expm1_(x), x, x > 0.0)";
    case "clamp": return "select(select(x, p1, x > p1), p0, x < p0)";
    case "powScalar": return "pow_(x, p0)";
    case "softplus": return "softplus_(x, p0, p1)";
  }
}

function binaryExpression(op: BinaryOp, t: WgslType): string {
  const one = t === "f32" ? "1.0" : "1", zero = t === "f32" ? "0.0" : "0";
  const cmp = (c: string): string => `select(${zero}, ${one}, ${c})`;
  switch (op) {
    case "add": return "a + b";
    case "sub": return "a - b";
    case "mul": return "a * b";
    case "div": return "a / b";
    case "pow": return "pow_(a, b)";
    case "maximum": return t === "f32" ? "max_(a, b)" : "max(a, b)";
    case "minimum": return t === "f32" ? "min_(a, b)" : "min(a, b)";
    case "eq": return cmp("a == b");
    case "ne": return cmp("a != b");
    case "lt": return cmp("a < b");
    case "le": return cmp("a <= b");
    case "gt": return cmp("a > b");
    case "ge": return cmp("a >= b");
  }
}

const INT_SAFE = new Set<BinaryOp>(["add", "sub", "mul", "maximum", "minimum", "eq", "ne", "lt", "le",
  "gt", "ge"]);

const main = (body: string): string => perElement(body);

/** Params: n, shape[nd], x view, p0 bits, p1 bits. */
export function unarySource(op: UnaryOp, x: WgslType, out: WgslType, nd: number): string {
  const p = 2 + 2 * nd;
  return prelude() + MATH + bindings([["O", out, true], ["X", x, false]]) + main(`
  let p0 = pf(${p}); let p1 = pf(${p + 1});
  let x = ${convert(`X[at(i, 1, ${nd}, ${1 + nd})]`, x, "f32")};
  O[i] = ${convert(unaryExpression(op), "f32", out)};`);
}

/** Params: n, shape[nd], a view, b view. */
export function binarySource(op: BinaryOp, a: WgslType, b: WgslType, out: WgslType, nd: number): string {
  const t: WgslType = a === "i32" && b === "i32" && out === "i32" && INT_SAFE.has(op) ? "i32" : "f32";
  return prelude() + MATH + bindings([["O", out, true], ["A", a, false], ["B", b, false]]) + main(`
  let a = ${convert(`A[at(i, 1, ${nd}, ${1 + nd})]`, a, t)};
  let b = ${convert(`B[at(i, 1, ${nd}, ${2 + 2 * nd})]`, b, t)};
  O[i] = ${convert(binaryExpression(op, t), t, out)};`);
}

/** Params: n, shape[nd], cond view, a view, b view. */
export function whereSource(c: WgslType, a: WgslType, b: WgslType, out: WgslType, nd: number): string {
  const zero = c === "f32" ? "0.0" : "0";
  return prelude() + bindings([["O", out, true], ["C", c, false], ["A", a, false], ["B", b, false]]) + main(`
  if (C[at(i, 1, ${nd}, ${1 + nd})] != ${zero}) { O[i] = ${convert(`A[at(i, 1, ${nd}, ${2 + 2 * nd})]`,
    a, out)}; }
  else { O[i] = ${convert(`B[at(i, 1, ${nd}, ${3 + 3 * nd})]`, b, out)}; }`);
}

/** Params: n, shape[nd], dst view, src view. Writes through the destination's strides. */
export function copySource(src: WgslType, dst: WgslType, nd: number): string {
  return prelude() + bindings([["O", dst, true], ["S", src, false]]) + main(`
  O[at(i, 1, ${nd}, ${1 + nd})] = ${convert(`S[at(i, 1, ${nd}, ${2 + 2 * nd})]`, src, dst)};`);
}

/** Params: n, shape[nd], dst view, value (as the destination type's bits). */
export function fillSource(dst: WgslType, nd: number): string {
  const value = dst === "f32" ? `pf(${2 + 2 * nd})` : `P[${2 + 2 * nd}]`;
  return prelude() + bindings([["O", dst, true]]) + main(`O[at(i, 1, ${nd}, ${1 + nd})] = ${value};`);
}
