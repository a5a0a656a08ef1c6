import type { Tensor } from "../../core/tensor.js";
import { Module, type AnyModule, type ModuleConfig } from "../module.js";

function checkModule(container: string, module: unknown, position: number): void {
  if (!(module instanceof Module)) {
    const got = module === null ? "null" : typeof module;
    throw new Error(`${container}: argument ${position} must be a Module, got ${got}`);
  }
}

/** Children's configs in order, or null when any child cannot describe itself. */
function childConfigs(children: Iterable<AnyModule>): ModuleConfig[] | null {
  const configs: ModuleConfig[] = [];
  for (const child of children) {
    const config = child.getConfig();
    if (config === null) return null;
    configs.push(config);
  }
  return configs;
}

/** Resolves a possibly negative index as `Array.prototype.at` does, with a clear error when out of range. */
function resolveIndex(container: string, index: number, length: number): number {
  const i = Number.isInteger(index) && index < 0 ? index + length : index;
  if (!Number.isInteger(i) || i < 0 || i >= length) {
    throw new Error(`${container}: index ${index} is out of range for ${length} module(s)`);
  }
  return i;
}

/**
 * Modules applied one after another; children are named "0", "1", ... as in PyTorch, so a
 * `Sequential` state dict loads into `torch.nn.Sequential` and back.
 * @example
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
 * model.forward(zd.randn([2, 4])).shape; // [2, 3]
 */
export class Sequential extends Module implements Iterable<Module> {
  private count = 0;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => checkModule("Sequential", m, i));
    for (const m of modules) this.append(m);
  }

  /** Adds a module at the end; returns this. */
  append(module: Module): this {
    checkModule("Sequential", module, this.count);
    this.registerModule(String(this.count++), module);
    return this;
  }

  get length(): number {
    return this.count;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    return (this as unknown as Record<string, Module>)[String(resolveIndex("Sequential", index, this.count))];
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this.count; i++) yield this.at(i);
  }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const module of this) out = module.forward(out);
    return out;
  }

  override getConfig(): ModuleConfig | null {
    const children = childConfigs(this);
    return children === null ? null : { type: "Sequential", children };
  }
}

/**
 * A list of child modules that is registered (its parameters are found) but has no forward of its
 * own; iterate over it in the parent's forward. A plain array field works as well.
 * @example
 * class Deep extends nn.Module {
 *   layers = new nn.ModuleList([1, 2, 3].map(() => new nn.Linear(8, 8)));
 *   forward(x: zd.Tensor) { for (const l of this.layers) x = l.forward(x).relu(); return x; }
 * }
 */
export class ModuleList<M extends AnyModule = Module> extends Module<never[], never> implements Iterable<M> {
  private count = 0;

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Adds a module at the end; returns this. */
  append(module: M): this {
    checkModule("ModuleList", module, this.count);
    this.registerModule(String(this.count++), module);
    return this;
  }

  get length(): number {
    return this.count;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): M {
    return (this as unknown as Record<string, M>)[String(resolveIndex("ModuleList", index, this.count))];
  }

  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; i < this.count; i++) yield this.at(i);
  }

  forward(): never {
    throw new Error("ModuleList: has no forward(); iterate over it (for (const m of list)) in the " +
      "parent's forward");
  }

  override getConfig(): ModuleConfig | null {
    const children = childConfigs(this);
    return children === null ? null : { type: "ModuleList", children };
  }
}
