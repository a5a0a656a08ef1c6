/**
 * Regularised least squares for linear readouts: W = (ΦᵀΦ + λI)⁻¹ΦᵀY, the bias column left
 * unpenalised.
 * The normal equations are formed with tensor products in float64 and solved by Cholesky factorisation,
 * which is exact for the symmetric positive definite matrix λ > 0 guarantees (Golub & Van Loan, §4.2).
 */
import { noGrad } from "../core/autograd.js";
import { ones } from "../core/creation.js";
import { concat } from "../core/ops/movement.js";
import type { Tensor } from "../core/tensor.js";

export interface RidgeSolution {
  /** Weights [outputs, features], the `nn.Linear` layout. */
  weight: Float64Array;
  /** Biases [outputs]. */
  bias: Float64Array;
}

/**
 * Least-squares fit of y ≈ φ·Wᵀ + b with penalty `alpha`·|W|² (not on b).
 * `phi` is [samples, features], `target` [samples, outputs].
 */
export function ridgeFit(model: string, phi: Tensor, target: Tensor, alpha: number): RidgeSolution {
  const [n, m] = phi.shape;
  const outputs = target.shape[1];
  const { gram, rhs } = noGrad(() => {
    const a = concat([phi.double(), ones([n, 1], { dtype: "float64" })], 1);
    return { gram: a.T.matmul(a).dataSync(), rhs: a.T.matmul(target.double()).dataSync() };
  });
  const size = m + 1;
  const matrix = Float64Array.from(gram);
  for (let i = 0; i < m; i++) matrix[i * size + i] += alpha;
  const factor = cholesky(model, matrix, size, alpha);
  const solution = new Float64Array(size * outputs);
  const column = new Float64Array(size);
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < size; i++) column[i] = rhs[i * outputs + o];
    solveInPlace(factor, size, column);
    for (let i = 0; i < size; i++) solution[i * outputs + o] = column[i];
  }
  const weight = new Float64Array(outputs * m), bias = new Float64Array(outputs);
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < m; i++) weight[o * m + i] = solution[i * outputs + o];
    bias[o] = solution[m * outputs + o];
  }
  return { weight, bias };
}

/** Lower-triangular L with A = LLᵀ, in place of A's lower half. */
function cholesky(model: string, a: Float64Array, size: number, alpha: number): Float64Array {
  for (let j = 0; j < size; j++) {
    let diagonal = a[j * size + j];
    for (let k = 0; k < j; k++) diagonal -= a[j * size + k] ** 2;
    // Relative to the matrix's own scale: rounding leaves tiny positive pivots on singular matrices.
    if (!(diagonal > 1e-12 * Math.abs(a[j * size + j]))) {
      throw new Error(`${model}: the least-squares system is singular (pivot ` +
        `${diagonal.toExponential(2)} at column ${j} of ${size}, alpha ${alpha}); use alpha > 0 or fewer, ` +
        "distinct centres");
    }
    const root = Math.sqrt(diagonal);
    a[j * size + j] = root;
    for (let i = j + 1; i < size; i++) {
      let s = a[i * size + j];
      for (let k = 0; k < j; k++) s -= a[i * size + k] * a[j * size + k];
      a[i * size + j] = s / root;
    }
  }
  return a;
}

/** Solves LLᵀx = b by forward then backward substitution, overwriting b with x. */
function solveInPlace(l: Float64Array, size: number, b: Float64Array): void {
  for (let i = 0; i < size; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * size + k] * b[k];
    b[i] = s / l[i * size + i];
  }
  for (let i = size - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < size; k++) s -= l[k * size + i] * b[k];
    b[i] = s / l[i * size + i];
  }
}
