/**
 * Rebuilding modules from their JSON configs (what `zd.load` reads from a checkpoint's metadata).
 * Configs come from files, so everything here treats them as untrusted input.
 */
import type { DType } from "../core/dtype.js";
import {
  ELU, GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh,
} from "./layers/activation.js";
import { ModuleList, Sequential } from "./layers/container.js";
import { Dropout } from "./layers/dropout.js";
import { Flatten } from "./layers/flatten.js";
import { Linear } from "./layers/linear.js";
import { Conv1d, Conv2d, ConvTranspose2d, DepthwiseSeparableConv2d } from "./layers/conv.js";
import {
  AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d,
} from "./layers/pool.js";
import { BatchNorm1d, BatchNorm2d, LayerNorm } from "./layers/norm.js";
import { Dropout2d } from "./layers/dropout2d.js";
import { BasicBlock, InvertedResidual } from "./layers/blocks.js";
import { GRU, LSTM, RNN } from "./layers/rnn.js";
import { GRUCell, LSTMCell, RNNCell } from "./layers/rnn-cells.js";
import { Embedding } from "./layers/embedding.js";
import { Module, type AnyModule, type JsonValue, type ModuleConfig } from "./module.js";
import type { ConfigArgs } from "./config.js";

export type { ConfigArgs } from "./config.js";

/** Builds a module from its config's args and its already-built children (containers only). */
export type ModuleFactory = (args: ConfigArgs, children: AnyModule[]) => AnyModule;

const factories = new Map<string, ModuleFactory>();
// Deeper nesting than this is not a real architecture; refusing it keeps a hostile file from
// exhausting the stack.
const MAX_DEPTH = 100;

/**
 * Makes `type` rebuildable by `zd.load`: a module whose `getConfig()` returns `{ type, args }` is
 * rebuilt by `factory(args, children)`. Registering a taken name throws unless `override` is set.
 * @example
 * class Scaled extends nn.Module {
 *   constructor(readonly factor: number) { super(); }
 *   forward(x: zd.Tensor) { return x.mul(this.factor); }
 *   override getConfig() { return { type: "Scaled", args: { factor: this.factor } }; }
 * }
 * nn.registerModule("Scaled", (args) => new Scaled(args.factor as number));
 */
export function registerModule(
  type: string, factory: ModuleFactory, options: { override?: boolean } = {},
): void {
  if (typeof type !== "string" || type === "") {
    throw new Error("registerModule: type must be a non-empty string");
  }
  if (typeof factory !== "function") {
    throw new Error(`registerModule: the factory for "${type}" must be a function`);
  }
  if (factories.has(type) && !options.override) {
    throw new Error(`registerModule: "${type}" is already registered; pass { override: true } to replace it`);
  }
  factories.set(type, factory);
}

/** The module types `buildModule` knows, built-in and user-registered. @example nn.registeredModuleTypes() */
export function registeredModuleTypes(): string[] {
  return [...factories.keys()];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A new module (freshly initialized) from a config made by `getConfig()`.
 * @example
 * const linear = { type: "Linear", args: { inFeatures: 4, outFeatures: 2 } };
 * nn.buildModule({ type: "Sequential", children: [linear, { type: "ReLU" }] });
 */
export function buildModule(config: ModuleConfig): AnyModule {
  return build(config, "config", 0);
}

function build(config: unknown, where: string, depth: number): AnyModule {
  if (depth > MAX_DEPTH) {
    throw new Error(`buildModule: ${where} is nested more than ${MAX_DEPTH} levels deep`);
  }
  if (!isObject(config) || typeof config.type !== "string") {
    throw new Error(`buildModule: ${where} must be an object with a string "type"`);
  }
  const { type, args = {}, children = [] } = config;
  const factory = factories.get(type);
  if (factory === undefined) {
    throw new Error(`buildModule: unknown module type "${type}" at ${where}; register it with ` +
      `nn.registerModule("${type}", factory) first (known types: ${registeredModuleTypes().join(", ")})`);
  }
  if (!isObject(args)) throw new Error(`buildModule: ${where} ("${type}") has "args" that are not an object`);
  if (!Array.isArray(children)) {
    throw new Error(`buildModule: ${where} ("${type}") has "children" that are not an array`);
  }
  const built = children.map((child: unknown, i) => build(child, `${where}.children[${i}]`, depth + 1));
  let module: unknown;
  try {
    module = factory(args as ConfigArgs, built);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`buildModule: cannot build ${where} ("${type}"): ${reason}`);
  }
  if (!(module instanceof Module)) {
    throw new Error(`buildModule: the factory for "${type}" did not return a Module`);
  }
  return module;
}

/** A leaf layer's factory: it must not be given children. */
function leaf(type: string, make: (args: ConfigArgs) => AnyModule): ModuleFactory {
  return (args, children) => {
    if (children.length > 0) throw new Error(`${type} takes no children, got ${children.length}`);
    return make(args);
  };
}

// Casts only: every constructor validates its arguments, so a wrong type in a file is reported
// in the same words as the same mistake in code.
const num = (args: ConfigArgs, key: string): number | undefined => args[key] as number | undefined;

registerModule("Sequential", (_, children) => new Sequential(...(children as Module[])));
registerModule("ModuleList", (_, children) => new ModuleList(children));
registerModule("Linear", leaf("Linear", (a) => new Linear(a.inFeatures as number, a.outFeatures as number,
  { bias: a.bias as boolean | undefined, dtype: a.dtype as DType | undefined })));
registerModule("Identity", leaf("Identity", () => new Identity()));
registerModule("Flatten", leaf("Flatten", (a) => new Flatten(num(a, "startDim"), num(a, "endDim"))));
registerModule("Dropout", leaf("Dropout", (a) => new Dropout(num(a, "p"))));
registerModule("Sigmoid", leaf("Sigmoid", () => new Sigmoid()));
registerModule("Tanh", leaf("Tanh", () => new Tanh()));
registerModule("ReLU", leaf("ReLU", () => new ReLU()));
registerModule("LeakyReLU", leaf("LeakyReLU", (a) => new LeakyReLU(num(a, "negativeSlope"))));
registerModule("Softmax", leaf("Softmax", (a) => new Softmax(num(a, "dim"))));
registerModule("LogSoftmax", leaf("LogSoftmax", (a) => new LogSoftmax(num(a, "dim"))));
registerModule("GELU", leaf("GELU", (a) => new GELU({ approximate: a.approximate as "none" | "tanh" })));
registerModule("ELU", leaf("ELU", (a) => new ELU(num(a, "alpha"))));
registerModule("SiLU", leaf("SiLU", () => new SiLU()));
registerModule("Softplus", leaf("Softplus",
  (a) => new Softplus({ beta: num(a, "beta"), threshold: num(a, "threshold") })));
// CNN layers validate their own config args in their constructors
for (const [type, make] of [
  ["Conv1d", Conv1d.fromConfig], ["Conv2d", Conv2d.fromConfig],
  ["ConvTranspose2d", ConvTranspose2d.fromConfig],
  ["DepthwiseSeparableConv2d", DepthwiseSeparableConv2d.fromConfig], ["MaxPool1d", MaxPool1d.fromConfig],
  ["MaxPool2d", MaxPool2d.fromConfig], ["AvgPool1d", AvgPool1d.fromConfig],
  ["AvgPool2d", AvgPool2d.fromConfig],
  ["AdaptiveAvgPool1d", AdaptiveAvgPool1d.fromConfig], ["AdaptiveAvgPool2d", AdaptiveAvgPool2d.fromConfig],
  ["BatchNorm1d", BatchNorm1d.fromConfig], ["BatchNorm2d", BatchNorm2d.fromConfig],
  ["LayerNorm", LayerNorm.fromConfig], ["Dropout2d", Dropout2d.fromConfig],
  ["BasicBlock", BasicBlock.fromConfig], ["InvertedResidual", InvertedResidual.fromConfig],
  ["RNN", RNN.fromConfig], ["GRU", GRU.fromConfig], ["LSTM", LSTM.fromConfig],
  ["RNNCell", RNNCell.fromConfig],
  ["GRUCell", GRUCell.fromConfig], ["LSTMCell", LSTMCell.fromConfig], ["Embedding", Embedding.fromConfig],
] as Array<[string, (args: ConfigArgs) => AnyModule]>) registerModule(type, leaf(type, make));
