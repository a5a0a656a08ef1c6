/** The GEMM shapes of bench/gemm.ts and a float64 spot check of any implementation's product. */

/** NN: C = A·B; TN: A is a transposed view of a stored [K, M]; NT: B, of a stored [N, K]. */
export type GemmOp = "NN" | "TN" | "NT";

export interface GemmShape {
  label: string;
  m: number;
  n: number;
  k: number;
  op: GemmOp;
  /** Shapes the slow implementations (the reference backend, tfjs-cpu) also run. */
  small: boolean;
}

const cube = (n: number): GemmShape => ({ label: `${n}^3`, m: n, n, k: n, op: "NN", small: n <= 512 });

export const GEMM_SHAPES: readonly GemmShape[] = [
  cube(128), cube(256), cube(512), cube(1024), cube(2048),
  // The three products of a 784-256 layer at batch 128: forward X·W, then Xᵀ·dY and dY·Wᵀ.
  { label: "128x256x784 X·W", m: 128, n: 256, k: 784, op: "NN", small: true },
  { label: "784x256x128 Xᵀ·dY", m: 784, n: 256, k: 128, op: "TN", small: true },
  { label: "128x784x256 dY·Wᵀ", m: 128, n: 784, k: 256, op: "NT", small: true },
];

/** Shapes on which zendl 2T is meant to reach 0.9× numpy 2T. */
export const TARGET_LABELS = new Set(GEMM_SHAPES
  .filter((s) => s.m * s.n * s.k >= 512 ** 3 || !s.label.endsWith("^3")).map((s) => s.label));

/** Stored operand sizes: A is [M, K] (or [K, M] for TN), B is [K, N] (or [N, K] for NT). */
export function storedShapes(s: GemmShape): { a: [number, number]; b: [number, number] } {
  return { a: s.op === "TN" ? [s.k, s.m] : [s.m, s.k], b: s.op === "NT" ? [s.n, s.k] : [s.k, s.n] };
}

/**
 * Largest error of 16 sampled entries of C against a float64 dot product, relative to Σ|a·b| of that
 * entry (the float32 rounding scale). Catches a wrong transpose or a partial result, not last-bit issues.
 */
export function spotCheck(s: GemmShape, a: ArrayLike<number>, b: ArrayLike<number>,
  c: ArrayLike<number>): number {
  let worst = 0;
  for (let t = 0; t < 16; t++) {
    const i = (t * 7919) % s.m, j = (t * 104729 + 3) % s.n;
    let exact = 0, scale = 0;
    for (let p = 0; p < s.k; p++) {
      const av = s.op === "TN" ? a[p * s.m + i] : a[i * s.k + p];
      const bv = s.op === "NT" ? b[j * s.k + p] : b[p * s.n + j];
      exact += av * bv;
      scale += Math.abs(av * bv);
    }
    worst = Math.max(worst, Math.abs(c[i * s.n + j] - exact) / (scale || 1));
  }
  return worst;
}
