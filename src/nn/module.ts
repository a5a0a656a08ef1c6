import { Tensor } from "../core/tensor.js";
import { Parameter } from "./parameter.js";
import { checkStateDict, type LoadStateDictOptions, type LoadStateDictResult } from "./load-state-dict.js";
import type { JsonValue, ModuleConfig } from "./config.js";
import { summarize, type ModelSummary, type SummaryOptions } from "./summary.js";

/** Parameters and persistent buffers by dotted name (`encoder.0.weight`), in registration order. */
export type StateDict = Map<string, Tensor>;

/** Any module, whatever its forward signature (for walking trees of modules). */
export type AnyModule = Module<unknown[], unknown>;

interface BufferInfo { names: Set<string>; nonPersistent: Set<string> }
// Kept off the instance so that walking its own fields sees only what the user put there.
const bufferInfo = new WeakMap<object, BufferInfo>();

interface OwnMembers {
  params: Array<[string, Parameter]>;
  buffers: Array<[string, Tensor, boolean]>;
  children: Array<[string, AnyModule]>;
}

/**
 * Members found on the module's own enumerable fields, in declaration order. PyTorch lists a module's
 * own parameters before its buffers and both before its children, whatever order they were assigned
 * in; doing the same keeps parameter indices (and so optimizer state) compatible.
 */
function ownMembers(module: AnyModule): OwnMembers {
  const info = bufferInfo.get(module);
  const members: OwnMembers = { params: [], buffers: [], children: [] };
  for (const [name, value] of Object.entries(module)) {
    if (info?.names.has(name)) {
      if (value instanceof Tensor) members.buffers.push([name, value, !info.nonPersistent.has(name)]);
    } else if (value instanceof Parameter) {
      members.params.push([name, value]);
    } else if (value instanceof Module) {
      members.children.push([name, value]);
    } else if (Array.isArray(value)) {
      value.forEach((item: unknown, i) => {
        if (item instanceof Parameter) members.params.push([`${name}.${i}`, item]);
        else if (item instanceof Module) members.children.push([`${name}.${i}`, item]);
      });
    }
  }
  return members;
}

function checkName(kind: string, module: object, name: string): void {
  if (typeof name !== "string" || name === "" || name.includes(".")) {
    throw new Error(`${kind}: name must be a non-empty string without ".", got ${JSON.stringify(name)}`);
  }
  if (name === "training") throw new Error(`${kind}: "training" is the mode flag and cannot name a member`);
  if (name in module && !Object.hasOwn(module, name)) {
    const owner = `${module.constructor.name}.${name}`;
    throw new Error(`${kind}: "${name}" would hide the ${owner} property or method`);
  }
}

function setField(module: object, name: string, value: unknown): void {
  Object.defineProperty(module, name, { value, enumerable: true, writable: true, configurable: true });
}

/** PyTorch's `_addindent`: indents every line of a child's repr but the first. */
function indentTail(text: string): string {
  return text.split("\n").join("\n  ");
}

/**
 * Base class of every layer and model. Subclasses assign `Parameter`s, child `Module`s and arrays of
 * them to fields; the module finds them by walking its fields, so there is nothing to register.
 * @example
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: zd.Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * const net = new Net();
 * net.namedParameters().map(([name]) => name); // ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** True in training mode (the default); `eval()` turns it off here and in every descendant. */
  training = true;

  abstract forward(...inputs: In): Out;

  /** Same as `forward` (PyTorch's `module(x)`). */
  call(...inputs: In): Out {
    return this.forward(...inputs);
  }

  /** Registers a parameter under a name that is not a field name in code; `null` reserves the name. */
  registerParameter(name: string, parameter: Parameter | null): void {
    checkName("registerParameter", this, name);
    if (parameter !== null && !(parameter instanceof Parameter)) {
      throw new Error(`registerParameter: "${name}" must be a Parameter or null; ` +
        "wrap tensors in new Parameter(t)");
    }
    this.forgetBuffer(name);
    setField(this, name, parameter);
  }

  /**
   * Registers a tensor that is part of the module's state but not trained (running statistics).
   * Persistent buffers (the default) are saved in the state dict.
   * @example this.registerBuffer("running_mean", zd.zeros([features]));
   */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    checkName("registerBuffer", this, name);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new Error(`registerBuffer: "${name}" must be a Tensor or null, got ${typeof tensor}`);
    }
    let info = bufferInfo.get(this);
    if (info === undefined) bufferInfo.set(this, info = { names: new Set(), nonPersistent: new Set() });
    info.names.add(name);
    if (options.persistent === false) info.nonPersistent.add(name);
    else info.nonPersistent.delete(name);
    setField(this, name, tensor);
  }

  /** Registers a child module under a name that is not a field name in code (Sequential uses "0", "1"). */
  registerModule(name: string, module: AnyModule): void {
    checkName("registerModule", this, name);
    if (!(module instanceof Module)) {
      throw new Error(`registerModule: "${name}" must be a Module, got ${typeof module}`);
    }
    this.forgetBuffer(name);
    setField(this, name, module);
  }

  private forgetBuffer(name: string): void {
    bufferInfo.get(this)?.names.delete(name);
  }

  /** Direct children with their names (a child held twice is listed once). */
  namedChildren(): Array<[string, AnyModule]> {
    const seen = new Set<AnyModule>();
    return ownMembers(this).children.filter(([, child]) => {
      const first = !seen.has(child);
      seen.add(child);
      return first;
    });
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, child]) => child);
  }

  /** This module and every descendant (each once), depth first, with dotted names ("" for this one). */
  namedModules(prefix = ""): Array<[string, AnyModule]> {
    const out: Array<[string, AnyModule]> = [];
    const seen = new Set<AnyModule>();
    const path: AnyModule[] = [];
    const visit = (module: AnyModule, name: string): void => {
      if (path.includes(module)) {
        throw new Error(`Module: "${name}" contains itself; module trees cannot have cycles`);
      }
      if (seen.has(module)) return;
      seen.add(module);
      out.push([name, module]);
      path.push(module);
      for (const [childName, child] of ownMembers(module).children) {
        visit(child, name === "" ? childName : `${name}.${childName}`);
      }
      path.pop();
    };
    visit(this, prefix);
    return out;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, module]) => module);
  }

  /** Every parameter once (a shared one under its first name), the module's own before its children's. */
  namedParameters(): Array<[string, Parameter]> {
    return this.collect((module) => ownMembers(module).params);
  }

  /** Every parameter once, in the order optimizers index them. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer once (persistent or not), with dotted names. */
  namedBuffers(): Array<[string, Tensor]> {
    return this.collect((module) => ownMembers(module).buffers.map(([name, t]) => [name, t]));
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** Each module's own tensors of one kind, prefixed with its name, each tensor once. */
  private collect<T extends Tensor>(own: (module: AnyModule) => Array<[string, T]>): Array<[string, T]> {
    const out: Array<[string, T]> = [];
    const seen = new Set<T>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, t] of own(module)) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([prefix === "" ? name : `${prefix}.${name}`, t]);
      }
    }
    return out;
  }

  /** Sets training mode here and in every descendant; returns this. */
  train(mode = true): this {
    for (const module of this.modules()) module.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off, batch norm uses running statistics); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient (sets it to null, as PyTorch's `set_to_none`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Number of scalar weights (each shared parameter counted once). */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    const counted = this.parameters().filter((p) => !options.trainableOnly || p.requiresGrad);
    return counted.reduce((n, p) => n + p.size, 0);
  }

  /**
   * Layers (dotted names), their output shapes on a zero input of `inputShape` (batch dimension
   * included) and parameter counts, like Keras's `summary()`; print it with `toString()`.
   * @example console.log(String(model.summary([1, 64])));
   */
  summary(inputShape?: number[], options?: SummaryOptions): ModelSummary {
    return summarize(this, inputShape, options);
  }

  /** Calls `fn` on every descendant and then on this module (PyTorch order, children first). */
  apply(fn: (module: AnyModule) => void): this {
    const visit = (module: AnyModule): void => {
      for (const child of module.children()) visit(child);
      fn(module);
    };
    visit(this);
    return this;
  }

  /** Every state entry by name, targets not detached: what `stateDict` copies and `loadStateDict` writes. */
  private stateEntries(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    const path: AnyModule[] = [];
    const visit = (module: AnyModule, prefix: string): void => {
      if (path.includes(module)) {
        throw new Error(`Module: "${prefix}" contains itself; module trees cannot have cycles`);
      }
      path.push(module);
      const own = ownMembers(module);
      for (const [name, p] of own.params) out.push([prefix + name, p]);
      for (const [name, t, persistent] of own.buffers) if (persistent) out.push([prefix + name, t]);
      for (const [name, child] of own.children) visit(child, `${prefix}${name}.`);
      path.pop();
    };
    visit(this, "");
    return out;
  }

  /**
   * Parameters and persistent buffers by PyTorch name, detached (they share storage with the model).
   * A parameter shared by two layers appears under both names, as in PyTorch.
   * @example await zd.save(model.stateDict(), "weights.safetensors");
   */
  stateDict(): StateDict {
    return new Map(this.stateEntries().map(([name, t]) => [name, t.detach()]));
  }

  /**
   * Copies `stateDict` into the module's tensors in place (converting dtypes), so optimizers that hold
   * them keep working. Every missing or unexpected key and every shape mismatch is reported in one
   * error, thrown before anything is written; `strict: false` ignores missing and unexpected keys.
   * @example model.loadStateDict(await zd.loadStateDict("weights.safetensors"));
   */
  loadStateDict(
    stateDict: StateDict | Record<string, Tensor>, options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const targets = this.stateEntries();
    const result = checkStateDict(this.constructor.name, targets, stateDict, options.strict ?? true);
    for (const [target, source] of result.copies) target.assign(source);
    return { missingKeys: result.missingKeys, unexpectedKeys: result.unexpectedKeys };
  }

  /** Describes this layer's own settings for `toString()` (`in_features=4, out_features=2, bias=true`). */
  extraRepr(): string {
    return "";
  }

  /**
   * How to rebuild this module from a file, or null when it cannot be (a subclass whose type was not
   * registered). `zd.save` stores it; `zd.load` rebuilds the module from it.
   */
  getConfig(): ModuleConfig | null {
    return null;
  }

  /** The architecture, printed as PyTorch prints modules. */
  toString(): string {
    const extra = this.extraRepr();
    const lines = [...this.namedChildren()].map(([name, child]) => `(${name}): ${indentTail(String(child))}`);
    const head = `${this.constructor.name}(`;
    if (lines.length === 0) return `${head}${extra})`;
    const body = [...(extra === "" ? [] : extra.split("\n")), ...lines];
    return `${head}\n  ${body.join("\n  ")}\n)`;
  }
}

export type { LoadStateDictOptions, LoadStateDictResult, JsonValue, ModuleConfig };
