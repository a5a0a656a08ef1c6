// What optimizer constructors accept (tensors, or groups of tensors with options), made into groups.
import { Tensor } from "../core/tensor.js";
import type { BaseOptions, ParamGroupInput, Params } from "./optimizer.js";
import { describe, isPlainObject } from "./validation.js";

/** @internal The items of an iterable, with a clear error when it is not one. */
export function toArray<T>(prefix: string, items: Iterable<T>): T[] {
  if (items === null || typeof items !== "object" || !(Symbol.iterator in items)) {
    throw new Error(`${prefix}params must be an iterable of tensors, got ${describe(items)}`);
  }
  return [...items];
}

/** @internal Splits the constructor's `params` into groups: one group of tensors, or the groups given. */
export function toGroups<O extends BaseOptions>(name: string, params: Params<O>): ParamGroupInput<O>[] {
  if (params instanceof Tensor) {
    throw new Error(`${name}: params must be an iterable of tensors or an array of param groups, ` +
      "got one Tensor; wrap it in an array");
  }
  const items: unknown[] = toArray(`${name}: `, params as Iterable<unknown>);
  if (items.length === 0) throw new Error(`${name}: got an empty parameter list`);
  if (items.every((item) => item instanceof Tensor)) {
    return [{ params: items as Tensor[] } as unknown as ParamGroupInput<O>];
  }
  if (items.every((item) => isPlainObject(item) && "params" in item)) return items as ParamGroupInput<O>[];
  throw new Error(`${name}: params must be all tensors or all param groups ({ params, ...options })`);
}
