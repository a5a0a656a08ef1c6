/**
 * The table from module classes to their ONNX converters, and the walk that applies it. A converter
 * emits the nodes of one module and returns its outputs; containers call `convert` on their children.
 */
import type { Tensor } from "../../core/tensor.js";
import type { AnyModule } from "../../nn/module.js";
import { ExportError, join, type ConvertContext, type GraphBuilder, type Value } from "./graph.js";

/** Emits a module's nodes for its input values; returns its output values. */
export type OnnxConverter<M extends AnyModule = AnyModule> =
  (ctx: ConvertContext, module: M, inputs: Value[]) => Value[];

// Constructors of any signature (abstract ones too), keyed by identity.
type ModuleClass<M extends AnyModule> = abstract new (...args: never[]) => M;

const converters = new Map<unknown, OnnxConverter>();

/**
 * Teaches the exporter one module class (subclasses inherit it unless they register their own).
 * @example
 * registerOnnxConverter(Scaled, (ctx, m, [x]) => [{ name: ctx.graph.op("Mul", [x.name,
 *   ctx.graph.floats("factor", [m.factor], [])]), sample: m.forward(x.sample) }]);
 */
export function registerOnnxConverter<M extends AnyModule>(
  cls: ModuleClass<M>, converter: OnnxConverter<M>,
): void {
  converters.set(cls, converter as OnnxConverter);
}

/** The most specific converter for the module's class, walking up its prototype chain. */
function converterFor(module: AnyModule): OnnxConverter | undefined {
  for (let proto: unknown = Object.getPrototypeOf(module); proto !== null && proto !== undefined;
    proto = Object.getPrototypeOf(proto)) {
    const found = converters.get((proto as { constructor: unknown }).constructor);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** How errors name a module: its class and, below the root, its dotted path. */
export function describeModule(module: AnyModule, path: string): string {
  return path === "" ? module.constructor.name : `${module.constructor.name} at "${path}"`;
}

/** Converts `module` (found at `path` in the exported tree) applied to `inputs`. */
export function convert(graph: GraphBuilder, module: AnyModule, inputs: Value[], path: string): Value[] {
  const converter = converterFor(module);
  if (converter === undefined) {
    throw new ExportError(describeModule(module, path), "no ONNX converter is known for this module " +
      "class; register one with registerOnnxConverter(Class, converter)");
  }
  return converter({ graph, path }, module, inputs);
}

/** Converts the child `name` of the module at `ctx.path`, on one input, returning its one output. */
export function child(ctx: ConvertContext, module: AnyModule, name: string, x: Value): Value {
  return convert(ctx.graph, module, [x], join(ctx.path, name))[0];
}

/** zendl's own output of a one-tensor module for the probe value (what the ONNX node must compute). */
export function forwardSample(module: AnyModule, x: Tensor): Tensor {
  return module.forward(x) as Tensor;
}

/** A one-in, one-out converter from a function of the input value that returns the output's name. */
export function simple<M extends AnyModule>(
  emit: (ctx: ConvertContext, module: M, x: Value) => string,
): OnnxConverter<M> {
  return (ctx, module, [x]) => [{ name: emit(ctx, module, x), sample: forwardSample(module, x.sample) }];
}
