/**
 * nn.init: in-place weight initializers with PyTorch's formulas (torch.nn.init). Each one writes into
 * the tensor outside the graph and returns it. Random ones draw from the global generator
 * (`zd.manualSeed`) unless given `{ seed }`.
 */
import { fromFlat } from "../core/creation.js";
import { isFloat } from "../core/dtype.js";
import { generatorFor, type Generator } from "../core/random.js";
import { Tensor } from "../core/tensor.js";
import { checkFinite } from "../util/check.js";

export interface InitOptions {
  /** Seed for this call only; without it the global generator is used. */
  seed?: number;
}

export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "convTranspose1d" | "convTranspose2d" | "convTranspose3d"
  | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "selu";

export type FanMode = "fanIn" | "fanOut";

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (used with `nonlinearity: "leakyRelu"`). Default 0. */
  a?: number;
  /** "fanIn" keeps the forward activations' variance, "fanOut" the backward gradients'. Default "fanIn". */
  mode?: FanMode;
  /** Default "leakyRelu" (with `a = 0` that is ReLU's gain, √2). */
  nonlinearity?: Nonlinearity;
}

const UNIT_GAIN = new Set<string>([
  "linear", "conv1d", "conv2d", "conv3d", "convTranspose1d", "convTranspose2d", "convTranspose3d", "sigmoid",
]);

function checkTensor(op: string, t: Tensor, floatOnly = true): void {
  if (!(t instanceof Tensor)) {
    throw new Error(`${op}: expected a Tensor, got ${t === null ? "null" : typeof t}`);
  }
  if (floatOnly && !isFloat(t.dtype)) {
    throw new Error(`${op}: expected a floating-point tensor, got ${t.dtype}`);
  }
}

function fill(t: Tensor, seed: number | undefined, draw: (g: Generator) => number): Tensor {
  const g = generatorFor(seed);
  const data = new Float64Array(t.size);
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  // drawn in double, rounded once when written in the tensor's own dtype (a backend may lack float64)
  return t.assign(fromFlat(data, t.shape, t.dtype, t.backend));
}

/**
 * The factor by which a nonlinearity scales the standard deviation it is fed, as PyTorch's
 * `calculate_gain`: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu, √(2/(1+slope²)) for leaky
 * relu (slope `param`, default 0.01), 3/4 for selu.
 * @example nn.init.calculateGain("leakyRelu", 0.2) // 1.3867...
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (UNIT_GAIN.has(nonlinearity)) return 1;
  switch (nonlinearity) {
    case "tanh": return 5 / 3;
    case "relu": return Math.SQRT2;
    case "selu": return 3 / 4;
    case "leakyRelu": {
      const slope = param ?? 0.01;
      checkFinite("calculateGain", "the negative slope", slope);
      return Math.sqrt(2 / (1 + slope * slope));
    }
  }
  throw new Error(`calculateGain: unknown nonlinearity "${String(nonlinearity)}"; expected one of ` +
    `${[...UNIT_GAIN, "tanh", "relu", "leakyRelu", "selu"].join(", ")}`);
}

/**
 * Fan-in and fan-out of a weight laid out as PyTorch's: [out, in] for linear layers and
 * [out, in, ...kernel] for convolutions, whose kernel size (the receptive field) multiplies both.
 * @example nn.init.calculateFanInAndFanOut(zd.zeros([16, 3, 5, 5])) // { fanIn: 75, fanOut: 400 }
 */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  checkTensor("calculateFanInAndFanOut", t, false);
  if (t.ndim < 2) {
    throw new Error("calculateFanInAndFanOut: fan in and fan out cannot be computed for a tensor with " +
      `fewer than 2 dimensions, got shape [${t.shape.join(",")}]`);
  }
  const receptiveField = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptiveField, fanOut: t.shape[0] * receptiveField };
}

/** Fills `t` with samples from U(a, b). @example nn.init.uniform(w, -0.1, 0.1) */
export function uniform(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  checkTensor("uniform", t);
  checkFinite("uniform", "a", a);
  checkFinite("uniform", "b", b);
  if (a > b) throw new Error(`uniform: expected a <= b, got a=${a}, b=${b}`);
  return fill(t, options.seed, (g) => a + (b - a) * g.random());
}

/** Fills `t` with samples from N(mean, std²). @example nn.init.normal(w, 0, 0.02) */
export function normal(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  checkTensor("normal", t);
  checkFinite("normal", "mean", mean);
  checkFinite("normal", "std", std);
  if (std < 0) throw new Error(`normal: std must be >= 0, got ${std}`);
  return fill(t, options.seed, (g) => mean + std * g.normal());
}

/** Fills `t` with `value`. @example nn.init.constant(bias, 0.1) */
export function constant(t: Tensor, value: number): Tensor {
  checkTensor("constant", t, false);
  checkFinite("constant", "value", value);
  return t.assign(value);
}

/** Fills `t` with zeros. @example nn.init.zeros(layer.bias) */
export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

/** Fills `t` with ones. @example nn.init.ones(norm.weight) */
export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/**
 * Glorot & Bengio (2010): U(-r, r) with r = gain·√(6/(fanIn+fanOut)), which keeps the variance of
 * activations and gradients alike across a layer.
 * @example nn.init.xavierUniform(layer.weight, nn.init.calculateGain("tanh"))
 */
export function xavierUniform(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  checkTensor("xavierUniform", t);
  checkFinite("xavierUniform", "gain", gain);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const bound = fanIn + fanOut === 0 ? 0 : Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return fill(t, options.seed, (g) => bound * (2 * g.random() - 1));
}

/**
 * Glorot & Bengio (2010): N(0, std²) with std = gain·√(2/(fanIn+fanOut)).
 * @example nn.init.xavierNormal(w)
 */
export function xavierNormal(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  checkTensor("xavierNormal", t);
  checkFinite("xavierNormal", "gain", gain);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const std = fanIn + fanOut === 0 ? 0 : gain * Math.sqrt(2 / (fanIn + fanOut));
  return fill(t, options.seed, (g) => std * g.normal());
}

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  checkTensor(op, t);
  const mode = options.mode ?? "fanIn";
  if (mode !== "fanIn" && mode !== "fanOut") {
    throw new Error(`${op}: mode must be "fanIn" or "fanOut", got "${String(mode)}"`);
  }
  const a = options.a ?? 0;
  checkFinite(op, "a", a);
  const fans = calculateFanInAndFanOut(t);
  const fan = mode === "fanIn" ? fans.fanIn : fans.fanOut;
  // Only an empty tensor has a zero fan; PyTorch makes that a no-op, and so does fill().
  if (fan === 0) return 0;
  return calculateGain(options.nonlinearity ?? "leakyRelu", a) / Math.sqrt(fan);
}

/**
 * He et al. (2015): U(-r, r) with r = gain·√(3/fan), for layers followed by (leaky) ReLUs.
 * @example nn.init.kaimingUniform(conv.weight, { nonlinearity: "relu" })
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd("kaimingUniform", t, options);
  return fill(t, options.seed, (g) => bound * (2 * g.random() - 1));
}

/**
 * He et al. (2015): N(0, std²) with std = gain/√fan.
 * @example nn.init.kaimingNormal(w, { mode: "fanOut" })
 */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd("kaimingNormal", t, options);
  return fill(t, options.seed, (g) => std * g.normal());
}

/**
 * PyTorch's `reset_parameters` of Linear and the convolutions: kaiming-uniform with a = √5 for the
 * weight (which works out to U(±1/√fanIn)) and U(±1/√fanIn) for the bias.
 * @example nn.init.defaultLayerInit(layer.weight, layer.bias)
 */
export function defaultLayerInit(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform(weight, { a: Math.sqrt(5) });
  if (bias !== null) {
    const { fanIn } = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform(bias, -bound, bound);
  }
}
