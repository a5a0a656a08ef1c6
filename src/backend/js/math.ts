import type { BinaryOp, UnaryOp } from "../backend.js";

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * Error function to near double precision: the Maclaurin series where it converges without much
 * cancellation (|x| < 3), the continued fraction of erfc beyond. Float64 gradient checks of GELU
 * need far more than the 1e-7 of the usual polynomial fits.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x, sum = x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  if (ax >= 6) return Math.sign(x);
  let t = ax;
  for (let k = 60; k >= 1; k--) t = ax + k / 2 / t;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / t;
  return Math.sign(x) * (1 - erfc);
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** PyTorch's softplus: log(1 + exp(beta x)) / beta, linear once beta x exceeds the threshold. */
function softplus(x: number, beta: number, threshold: number): number {
  const bx = beta * x;
  if (bx > threshold) return x;
  return (Math.max(bx, 0) + Math.log1p(Math.exp(-Math.abs(bx)))) / beta;
}

export function unaryFunction(op: UnaryOp, p0 = 0, p1 = 0): (x: number) => number {
  switch (op) {
    case "neg": return (x) => -x;
    case "exp": return Math.exp;
    case "log": return Math.log;
    case "log1p": return Math.log1p;
    case "expm1": return Math.expm1;
    case "sqrt": return Math.sqrt;
    case "rsqrt": return (x) => 1 / Math.sqrt(x);
    case "abs": return Math.abs;
    case "sign": return (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN);
    case "reciprocal": return (x) => 1 / x;
    case "relu": return (x) => (x > 0 ? x : x === x ? 0 : NaN);
    case "sigmoid": return sigmoid;
    case "tanh": return Math.tanh;
    case "sin": return Math.sin;
    case "cos": return Math.cos;
    case "erf": return erf;
    case "floor": return Math.floor;
    case "ceil": return Math.ceil;
    // round half to even, as torch.round
    case "round": return (x) => {
      const r = Math.round(x);
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    };
    case "leakyRelu": return (x) => (x > 0 ? x : x * p0);
    case "elu": return (x) => (x > 0 ? x : p0 * Math.expm1(x));
    case "clamp": return (x) => (x < p0 ? p0 : x > p1 ? p1 : x);
    case "powScalar": return (x) => Math.pow(x, p0);
    case "softplus": return (x) => softplus(x, p0, p1);
  }
}

export function binaryFunction(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case "add": return (a, b) => a + b;
    case "sub": return (a, b) => a - b;
    case "mul": return (a, b) => a * b;
    case "div": return (a, b) => a / b;
    case "pow": return Math.pow;
    case "maximum": return (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b);
    case "minimum": return (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b);
    case "eq": return (a, b) => (a === b ? 1 : 0);
    case "ne": return (a, b) => (a !== b ? 1 : 0);
    case "lt": return (a, b) => (a < b ? 1 : 0);
    case "le": return (a, b) => (a <= b ? 1 : 0);
    case "gt": return (a, b) => (a > b ? 1 : 0);
    case "ge": return (a, b) => (a >= b ? 1 : 0);
  }
}
