// The JSON description of a module that `zd.save` stores and `nn.buildModule` reads.

/** A JSON value, as stored in a module config. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a module needs to be rebuilt without its code: a registered type name, the constructor
 * arguments and, for containers, the configs of its children in order.
 */
export interface ModuleConfig {
  type: string;
  args?: { [key: string]: JsonValue };
  children?: ModuleConfig[];
}

/** The `args` of a config, as read back from JSON. */
export type ConfigArgs = { readonly [key: string]: JsonValue };

/** A tuple as Python prints it, `(3,)` or `(3, 3)`: layers print their options as PyTorch does. */
export function pyTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(", ")})`;
}
