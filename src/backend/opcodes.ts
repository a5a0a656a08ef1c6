// The one table of elementwise op codes, shared by the TypeScript side (src/backend) and the
// AssemblyScript kernels (kernels/assembly import this file), so a code is never kept in sync by hand.
// It must stay valid AssemblyScript: plain enums only. Adding a unary op is one line here, its
// reference formula (backend/js/math.ts), its SIMD body (kernels/assembly/elementwise.ts) and its
// derivative (core/ops/elementwise.ts).

/** Unary elementwise ops; leakyRelu and the ones after it take parameters (see UNARY_PARAMS). */
export enum Unary {
  neg, exp, log, log1p, expm1, sqrt, rsqrt, abs, sign, reciprocal, relu, sigmoid, tanh, sin, cos, erf,
  floor, ceil, round, leakyRelu, elu, clamp, powScalar, softplus,
}

/** Binary elementwise ops on two broadcast views; the comparisons give 1 or 0. */
export enum Binary {
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge,
}

/** Reductions over a set of axes. */
export enum Reduce {
  sum, max, min, prod,
}
