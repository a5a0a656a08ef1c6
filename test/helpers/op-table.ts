// The op table: one entry per differentiable op, as PyTorch's OpInfo. A generic runner
// (test/core/ops.test.ts) checks every entry against the PyTorch fixtures and by gradcheck, so adding
// an op is adding an entry here.
import * as zd from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { FixtureValue } from "./fixtures.js";

/**
 * Where sample values come from. `real`: uniform in (-2, 2). `positive`: (0.5, 2.5), for log, sqrt,
 * a pow base. `nonzero`: |x| in (0.3, 2) with random sign, away from the kinks of abs/relu/sign and
 * safe as a divisor.
 */
export type Domain = "real" | "positive" | "nonzero";

export interface InputSpec {
  shape: number[];
  domain?: Domain;
  /** Fixed values (indices, masks, zeros) instead of random ones. */
  values?: number[];
  dtype?: zd.DType;
  /** Default: random inputs do, fixed ones do not. */
  requiresGrad?: boolean;
}

export interface Sample {
  label: string;
  inputs: InputSpec[];
  call: (...inputs: Tensor[]) => Tensor;
  /** Overrides for this sample's gradcheck (e.g. a larger eps through a float32 cast). */
  gradcheck?: zd.GradcheckOptions;
}

export type FixtureCase = Record<string, FixtureValue>;

/** How to reproduce one fixture case: its input fields in call order, and the call. */
export interface FixtureCall {
  args: string[];
  call: (...inputs: Tensor[]) => Tensor;
}

export interface OpEntry {
  /** The zendl name (op table key = kernel name = profiler label). */
  name: string;
  /** Values of the fixtures' `op` field this entry reproduces (PyTorch names). */
  fixtureOps?: string[];
  fromFixture?: (c: FixtureCase) => FixtureCall;
  samples: Sample[];
  /** Tolerance against the float32 PyTorch fixtures (default rtol 1e-5, atol 1e-6). */
  rtol?: number;
  atol?: number;
}

type Unary = (x: Tensor) => Tensor;
type Binary = (a: Tensor | number, b: Tensor | number) => Tensor;

const num = (c: FixtureCase, key: string): number => c[key] as number;
const dims = (c: FixtureCase): number | number[] | null => c.dim as number | number[] | null;

/** An element-wise unary op: a contiguous sample and a transposed (strided) one. */
function unary(name: string, call: Unary, domain: Domain = "real", fixtureOps?: string[]): OpEntry {
  return {
    name,
    fixtureOps,
    fromFixture: () => ({ args: ["input"], call }),
    samples: [
      { label: "[3,4]", inputs: [{ shape: [3, 4], domain }], call },
      { label: "transposed [4,3]", inputs: [{ shape: [4, 3], domain }], call: (x) => call(x.T) },
    ],
  };
}

/** A broadcasting binary op: the fixtures' shape pairs plus plain-number operands on either side. */
function binary(name: string, call: Binary, domainA: Domain = "real", domainB: Domain = "real"): OpEntry {
  const pair = (label: string, a: number[], b: number[]): Sample =>
    ({ label, inputs: [{ shape: a, domain: domainA }, { shape: b, domain: domainB }],
      call: (x, y) => call(x, y) });
  const scalarB = domainB === "real" ? -0.7 : 1.3, scalarA = domainA === "real" ? -0.7 : 1.3;
  return {
    name,
    fromFixture: () => ({ args: ["a", "b"], call: (x, y) => call(x, y) }),
    samples: [
      pair("[2,3] [2,3]", [2, 3], [2, 3]),
      pair("[2,3] [3]", [2, 3], [3]),
      pair("[2,1,4] [3,1]", [2, 1, 4], [3, 1]),
      pair("[2,3] []", [2, 3], []),
      pair("[] [2,3]", [], [2, 3]),
      { label: "tensor, number", inputs: [{ shape: [2, 3], domain: domainA }],
        call: (x) => call(x, scalarB) },
      { label: "number, tensor", inputs: [{ shape: [2, 3], domain: domainB }],
        call: (y) => call(scalarA, y) },
    ],
  };
}

function reduction(name: string, call: (x: Tensor, dim: number | number[] | null, keepDim: boolean) => Tensor,
  domain: Domain = "real"): OpEntry {
  const sample = (dim: number | number[] | null, keepDim: boolean): Sample =>
    ({ label: `dim ${JSON.stringify(dim)} keepDim ${keepDim}`, inputs: [{ shape: [2, 3, 4], domain }],
      call: (x) => call(x, dim, keepDim) });
  return {
    name,
    fromFixture: (c) => ({ args: ["input"], call: (x) => call(x, dims(c), c.keepDim as boolean) }),
    samples: [sample(null, false), sample(1, false), sample(-1, true), sample([0, 2], false),
      { label: "transposed input, dim 0", inputs: [{ shape: [4, 3], domain }],
        call: (x) => call(x.T, 0, false) }],
  };
}

function softmaxLike(name: string, call: (x: Tensor, dim: number) => Tensor, fixtureOp: string): OpEntry {
  return {
    name,
    fixtureOps: [fixtureOp],
    fromFixture: (c) => ({ args: ["input"], call: (x) => call(x, num(c, "dim")) }),
    samples: [
      { label: "[3,5] dim -1", inputs: [{ shape: [3, 5] }], call: (x) => call(x, -1) },
      { label: "[2,3,4] dim 1", inputs: [{ shape: [2, 3, 4] }], call: (x) => call(x, 1) },
      { label: "[2,3,4] dim 0", inputs: [{ shape: [2, 3, 4] }], call: (x) => call(x, 0) },
    ],
  };
}

/** Pieces of a split/chunk weighted differently, so each piece's gradient is checked. */
function joinPieces(pieces: Tensor[], dim: number): Tensor {
  return zd.concat(pieces.map((p, i) => p.mul(i + 1)), dim);
}

const GATHER_INDEX = [0, 3, 3, 1, 2, 0, 2, 2, 1];

export const OP_TABLE: OpEntry[] = [
  // element-wise binary
  binary("add", zd.add),
  binary("sub", zd.sub),
  binary("mul", zd.mul),
  binary("div", zd.div, "real", "nonzero"),
  {
    ...binary("pow", zd.pow, "positive", "real"),
    fromFixture: (c) => (c.exponent === undefined
      ? { args: ["a", "b"], call: (x, y) => zd.pow(x, y) }
      : { args: ["a"], call: (x) => x.pow(num(c, "exponent")) }),
  },
  {
    name: "powScalar",
    samples: [2, 3, 2.5, -0.5, 0, 1].map((e) => ({ label: `exponent ${e}`,
      inputs: [{ shape: [3, 4], domain: "positive" as Domain }], call: (x: Tensor) => x.pow(e) })).concat([
      { label: "integer exponent, negative base", inputs: [{ shape: [3, 4], domain: "nonzero" }],
        call: (x) => x.pow(3) }]),
  },
  binary("maximum", zd.maximum),
  binary("minimum", zd.minimum),
  {
    name: "where",
    fromFixture: () => ({ args: ["cond", "a", "b"], call: (c, a, b) => zd.where(c, a, b) }),
    samples: [
      { label: "[3,4]", inputs: [
        { shape: [3, 4], values: [1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1] }, { shape: [3, 4] }, { shape: [3, 4] },
      ], call: (c, a, b) => zd.where(c, a, b) },
      { label: "broadcast [3,1] [4] [3,1]",
        inputs: [{ shape: [3, 1], values: [1, 0, 1] }, { shape: [4] }, { shape: [3, 1] }],
        call: (c, a, b) => zd.where(c, a, b) },
      { label: "number operand", inputs: [{ shape: [2, 3], values: [0, 1, 1, 0, 1, 0] }, { shape: [2, 3] }],
        call: (c, a) => zd.where(c, a, 0.5) },
    ],
  },

  // element-wise unary
  unary("neg", zd.neg),
  unary("exp", zd.exp),
  unary("log", zd.log, "positive"),
  unary("log1p", zd.log1p, "positive"),
  unary("expm1", zd.expm1),
  unary("sqrt", zd.sqrt, "positive"),
  unary("rsqrt", zd.rsqrt, "positive"),
  unary("abs", zd.abs, "nonzero"),
  unary("sign", zd.sign, "nonzero"),
  unary("reciprocal", zd.reciprocal, "nonzero"),
  unary("sin", zd.sin),
  unary("cos", zd.cos),
  unary("erf", zd.erf),
  unary("floor", zd.floor),
  unary("ceil", zd.ceil),
  unary("round", zd.round),
  {
    name: "clamp",
    fromFixture: (c) => ({ args: ["input"],
      call: (x) => zd.clamp(x, c.min as number | null, c.max as number | null) }),
    samples: [
      { label: "min and max", inputs: [{ shape: [4, 5] }], call: (x) => x.clamp(-0.5, 0.7) },
      { label: "min only", inputs: [{ shape: [4, 5] }], call: (x) => x.clamp(-0.5) },
      { label: "max only", inputs: [{ shape: [4, 5] }], call: (x) => x.clamp(null, 0.7) },
    ],
  },

  // activations
  unary("relu", zd.relu, "nonzero"),
  unary("sigmoid", zd.sigmoid),
  unary("tanh", zd.tanh),
  {
    name: "leakyRelu",
    fixtureOps: ["leaky_relu"],
    fromFixture: (c) => ({ args: ["input"], call: (x) => zd.leakyRelu(x, num(c, "negativeSlope")) }),
    samples: [
      { label: "default slope", inputs: [{ shape: [3, 4], domain: "nonzero" }], call: (x) => x.leakyRelu() },
      { label: "slope 0.2", inputs: [{ shape: [3, 4], domain: "nonzero" }], call: (x) => x.leakyRelu(0.2) },
    ],
  },
  {
    name: "elu",
    fromFixture: (c) => ({ args: ["input"], call: (x) => zd.elu(x, num(c, "alpha")) }),
    samples: [
      { label: "alpha 1", inputs: [{ shape: [3, 4], domain: "nonzero" }], call: (x) => x.elu() },
      { label: "alpha 0.5", inputs: [{ shape: [3, 4], domain: "nonzero" }], call: (x) => x.elu(0.5) },
    ],
  },
  {
    name: "softplus",
    fromFixture: (c) => ({ args: ["input"],
      call: (x) => zd.softplus(x, num(c, "beta"), num(c, "threshold")) }),
    samples: [
      { label: "beta 1", inputs: [{ shape: [3, 4] }], call: (x) => x.softplus() },
      { label: "beta 2", inputs: [{ shape: [3, 4] }], call: (x) => x.softplus(2) },
      // beta*(x+3) crosses threshold 5 at x = -0.5 only, so both branches are exercised
      { label: "beta 2, threshold 5, linear region", inputs: [{ shape: [3, 4] }],
        call: (x) => x.add(3).softplus(2, 5) },
    ],
  },
  {
    name: "gelu",
    fromFixture: (c) => ({ args: ["input"], call: (x) => zd.gelu(x, c.approximate as "none" | "tanh") }),
    samples: [
      { label: "erf", inputs: [{ shape: [3, 4] }], call: (x) => x.gelu() },
      { label: "tanh approximation", inputs: [{ shape: [3, 4] }], call: (x) => x.gelu("tanh") },
    ],
  },
  unary("silu", zd.silu),
  unary("logSigmoid", zd.logSigmoid),
  softmaxLike("softmax", zd.softmax, "softmax"),
  softmaxLike("logSoftmax", zd.logSoftmax, "log_softmax"),

  // reductions
  reduction("sum", zd.sum),
  reduction("mean", zd.mean),
  reduction("max", zd.max),
  reduction("min", zd.min),
  {
    ...reduction("prod", zd.prod, "nonzero"),
    samples: [...reduction("prod", zd.prod, "nonzero").samples,
      // zeros: one in a row (its gradient is the product of the rest), two in a row (no gradient)
      { label: "rows with one and two zeros", call: (x) => x.prod(1),
        inputs: [{ shape: [3, 3], values: [1.5, 0, -2, 0, 0.5, 0, 0.7, -1.1, 1.3], requiresGrad: true }] },
      { label: "a zero, all dims", call: (x) => x.prod(),
        inputs: [{ shape: [2, 2], values: [1.5, -2, 0, 0.5], requiresGrad: true }] }],
  },
  reduction("logsumexp", zd.logsumexp),
  ...(["var", "std"] as const).map((name): OpEntry => {
    const f = name === "var" ? zd.var : zd.std;
    return {
      name,
      fromFixture: (c) => ({ args: ["input"],
        call: (x) => f(x, dims(c), { unbiased: c.unbiased as boolean, keepDim: c.keepDim as boolean }) }),
      samples: [
        { label: "all, unbiased", inputs: [{ shape: [2, 3, 4] }], call: (x) => f(x) },
        { label: "dim 1, biased, keepDim", inputs: [{ shape: [2, 3, 4] }],
          call: (x) => f(x, 1, { unbiased: false, keepDim: true }) },
        { label: "dims [0,2], correction 0", inputs: [{ shape: [2, 3, 4] }],
          call: (x) => f(x, [0, 2], { correction: 0 }) },
      ],
    };
  }),

  // movement
  {
    name: "reshape",
    samples: [
      { label: "[2,3,4] -> [4,-1]", inputs: [{ shape: [2, 3, 4] }], call: (x) => x.reshape([4, -1]) },
      { label: "non-contiguous (copies)", inputs: [{ shape: [3, 4] }], call: (x) => x.T.reshape([2, 6]) },
      { label: "to 0-d", inputs: [{ shape: [1, 1] }], call: (x) => x.reshape([]) },
    ],
  },
  {
    name: "view",
    samples: [{ label: "[2,3,4] -> [6,4]", inputs: [{ shape: [2, 3, 4] }], call: (x) => x.view([6, 4]) }],
  },
  {
    name: "flatten",
    samples: [
      { label: "all", inputs: [{ shape: [2, 3, 2] }], call: (x) => x.flatten() },
      { label: "from dim 1", inputs: [{ shape: [2, 3, 2] }], call: (x) => x.flatten(1) },
    ],
  },
  {
    name: "permute",
    samples: [{ label: "[2,0,1]", inputs: [{ shape: [2, 3, 4] }],
      call: (x) => x.permute([2, 0, 1]).mul(x.permute([2, 0, 1])) }],
  },
  {
    name: "transpose",
    samples: [
      { label: "dims 0,2", inputs: [{ shape: [2, 3, 4] }], call: (x) => x.transpose(0, 2) },
      { label: "T", inputs: [{ shape: [3, 4] }], call: (x) => x.T },
    ],
  },
  {
    name: "squeeze",
    samples: [
      { label: "all", inputs: [{ shape: [2, 1, 3, 1] }], call: (x) => x.squeeze() },
      { label: "dim 1", inputs: [{ shape: [2, 1, 3, 1] }], call: (x) => x.squeeze(1) },
      { label: "of a permuted view", inputs: [{ shape: [2, 1, 3] }],
        call: (x) => x.permute([2, 1, 0]).squeeze() },
    ],
  },
  {
    name: "unsqueeze",
    samples: [
      { label: "dim 1", inputs: [{ shape: [2, 3] }], call: (x) => x.unsqueeze(1) },
      { label: "dim -1", inputs: [{ shape: [2, 3] }], call: (x) => x.unsqueeze(-1) },
      { label: "dim 1 of a transposed view", inputs: [{ shape: [2, 3] }],
        call: (x) => x.T.unsqueeze(1).mul(x.T.unsqueeze(1)) },
    ],
  },
  {
    name: "expand",
    samples: [
      { label: "[3,1] -> [2,3,4]", inputs: [{ shape: [3, 1] }], call: (x) => x.expand([2, 3, 4]) },
      { label: "[1,4] -> [3,-1]", inputs: [{ shape: [1, 4] }], call: (x) => x.expand([3, -1]) },
    ],
  },
  {
    name: "slice",
    samples: [
      { label: "dim 0, 1:5:2", inputs: [{ shape: [6, 3] }], call: (x) => x.slice(0, 1, 5, 2) },
      { label: "dim 1, -3:", inputs: [{ shape: [2, 5] }], call: (x) => x.slice(1, -3) },
      { label: "step 3 of a transposed view", inputs: [{ shape: [4, 7] }],
        call: (x) => x.T.slice(0, 0, undefined, 3) },
    ],
  },
  {
    name: "select",
    samples: [
      { label: "dim 1, index -1", inputs: [{ shape: [3, 4] }], call: (x) => x.select(1, -1) },
      { label: "of a transposed view (stays a view)", inputs: [{ shape: [3, 4] }],
        call: (x) => x.T.select(0, 2) },
      { label: "index(1)", inputs: [{ shape: [3, 2, 2] }], call: (x) => x.index(1) },
    ],
  },
  {
    name: "split",
    samples: [
      { label: "size 2 along dim 1", inputs: [{ shape: [2, 5] }], call: (x) => joinPieces(x.split(2, 1), 1) },
      { label: "sections [1,3,1]", inputs: [{ shape: [5, 2] }],
        call: (x) => joinPieces(x.split([1, 3, 1]), 0) },
    ],
  },
  {
    name: "chunk",
    samples: [{ label: "3 chunks of 7", inputs: [{ shape: [7, 2] }],
      call: (x) => joinPieces(x.chunk(3), 0) }],
  },
  {
    name: "concat",
    samples: [
      { label: "dim 1, three tensors", inputs: [{ shape: [2, 3] }, { shape: [2, 1] }, { shape: [2, 2] }],
        call: (a, b, c) => zd.concat([a, b, c], 1) },
      { label: "dim 0, same tensor twice", inputs: [{ shape: [2, 3] }],
        call: (a) => zd.concat([a, a.mul(2)], 0) },
    ],
  },
  {
    name: "stack",
    samples: [
      { label: "dim 0", inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], call: (a, b) => zd.stack([a, b]) },
      { label: "dim -1", inputs: [{ shape: [2, 3] }, { shape: [2, 3] }],
        call: (a, b) => zd.stack([a, b], -1) },
    ],
  },
  {
    name: "contiguous",
    samples: [{ label: "of a transposed view", inputs: [{ shape: [3, 4] }], call: (x) => x.T.contiguous() }],
  },
  { name: "clone", samples: [{ label: "[3,4]", inputs: [{ shape: [3, 4] }], call: (x) => x.clone() }] },
  {
    name: "cast",
    samples: [
      // through float32 the finite difference needs a larger step to rise above float32 rounding
      { label: "float64 -> float32 -> float64", inputs: [{ shape: [3, 4] }],
        gradcheck: { eps: 1e-3, atol: 1e-4, rtol: 1e-3 },
        call: (x) => x.float().mul(3).double() },
      { label: "float64 -> float64 (no-op)", inputs: [{ shape: [3, 4] }],
        call: (x) => zd.cast(x, "float64").mul(2) },
    ],
  },

  // indexing
  {
    name: "gather",
    fromFixture: (c) => ({ args: ["input", "index"], call: (x, i) => zd.gather(x, num(c, "dim"), i) }),
    samples: [
      { label: "dim 1, repeated indices",
        inputs: [{ shape: [3, 4] }, { shape: [3, 3], values: GATHER_INDEX, dtype: "int32" }],
        call: (x, i) => x.gather(1, i) },
      { label: "dim 0",
        inputs: [{ shape: [3, 4] }, { shape: [2, 4], values: [0, 1, 2, 2, 2, 0, 1, 0], dtype: "int32" }],
        call: (x, i) => x.gather(0, i) },
    ],
  },
  {
    name: "indexSelect",
    fixtureOps: ["index_select"],
    fromFixture: (c) => ({ args: ["input", "index"], call: (x, i) => zd.indexSelect(x, num(c, "dim"), i) }),
    samples: [
      { label: "dim 0, repeated",
        inputs: [{ shape: [4, 3] }, { shape: [5], values: [3, 0, 3, 1, 3], dtype: "int32" }],
        call: (x, i) => x.indexSelect(0, i) },
      { label: "dim 1, number[] index", inputs: [{ shape: [4, 3] }],
        call: (x) => x.indexSelect(1, [2, 2, 0]) },
    ],
  },

  // matmul
  {
    name: "matmul",
    fromFixture: () => ({ args: ["a", "b"], call: (a, b) => zd.matmul(a, b) }),
    samples: [
      ["1d·1d", [4], [4]], ["2d·1d", [3, 4], [4]], ["1d·2d", [4], [4, 5]], ["2d·2d", [3, 4], [4, 5]],
      ["batched", [2, 3, 4], [4, 5]], ["broadcast", [2, 1, 3, 4], [3, 4, 2]], ["1d·batched", [4], [2, 4, 3]],
    ].map(([label, a, b]) => ({ label: label as string,
      inputs: [{ shape: a as number[] }, { shape: b as number[] }],
      call: (x: Tensor, y: Tensor) => zd.matmul(x, y) })).concat([
      { label: "transposed operands", inputs: [{ shape: [4, 3] }, { shape: [5, 4] }],
        call: (x, y) => x.T.matmul(y.T) }]),
  },
];

/** Small deterministic generator (mulberry32), so samples do not depend on zendl's own RNG. */
export function sampleValues(spec: InputSpec, seed: number): number[] {
  if (spec.values) return spec.values;
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const n = spec.shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, () => {
    const u = next();
    switch (spec.domain ?? "real") {
      case "real": return 4 * u - 2;
      case "positive": return 0.5 + 2 * u;
      case "nonzero": return (next() < 0.5 ? -1 : 1) * (0.3 + 1.7 * u);
    }
  });
}

/** The sample's inputs as tensors: random ones float64 requiring grad, fixed ones as given. */
export function sampleInputs(sample: Sample, seed: number): Tensor[] {
  return sample.inputs.map((spec, k) => {
    const values = sampleValues(spec, seed + 7919 * k);
    const requiresGrad = spec.requiresGrad ?? spec.values === undefined;
    return zd.tensor(values, { shape: spec.shape, dtype: spec.dtype ?? "float64", requiresGrad });
  });
}

/** Fixture ops that are not differentiable: not in the table (their values are checked in tensor.test.ts). */
export const NOT_IN_TABLE = new Set(["argmax", "argmin"]);

/** The table entry that reproduces a fixture op, if any. */
export function entryFor(op: string): OpEntry | undefined {
  return OP_TABLE.find((e) => (e.fixtureOps ?? [e.name]).includes(op) && e.fromFixture !== undefined);
}
