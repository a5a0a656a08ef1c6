import { enableGrad, noGrad } from "../core/autograd.js";
import { isFloat } from "../core/dtype.js";
import { keep, tidy } from "../core/memory.js";
import { formatShape, shapesEqual } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { toArray, toGroups } from "./params.js";
import { checkFinite, checkKnownKeys, describe, isPlainObject } from "./validation.js";

/** Hyper-parameters every optimizer has; each algorithm adds its own. */
export interface BaseOptions {
  lr: number;
}

/**
 * Parameters that share hyper-parameters. Change `lr` (or any option) between steps to adjust
 * training; schedulers do exactly that. `initialLr` is recorded by the first scheduler attached.
 */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & { params: Tensor[]; initialLr?: number };

/** A group as given to a constructor or `addParamGroup`: parameters plus optional overrides. */
export type ParamGroupInput<O extends BaseOptions = BaseOptions> =
  Partial<O> & { params: Iterable<Tensor> | Tensor; initialLr?: number };

/** What optimizer constructors accept: parameters (e.g. `model.parameters()`) or a list of groups. */
export type Params<O extends BaseOptions = BaseOptions> = Iterable<Tensor> | readonly ParamGroupInput<O>[];

/** Per-parameter state: running averages as tensors, counters as numbers. */
export type ParamState = { [key: string]: Tensor | number | undefined };

/**
 * PyTorch's layout: parameters are numbered in the order they appear across groups, `state` is keyed
 * by that number and each group lists the numbers of its parameters.
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

function copyValue(value: unknown): unknown {
  return Array.isArray(value) ? [...(value as unknown[])] : value;
}

/**
 * Base class of the optimizers. A subclass supplies `validate`, `initState` (the state of one parameter,
 * created lazily at its first step) and `update` (one step for one parameter). `update` runs under
 * `noGrad` inside `tidy`, so its temporaries are freed at once; it writes the parameter with
 * `p.assign(...)` (module references stay valid) and may replace state entries with new tensors.
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions, S extends ParamState = ParamState> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Options of the constructor merged over the algorithm's defaults; new groups start from them. */
  readonly defaults: Readonly<O>;
  /** Per-parameter state, created at a parameter's first step. Entries may be replaced each step. */
  readonly state = new Map<Tensor, S>();
  /** The algorithm's name, used in error messages. */
  readonly name: string;

  protected constructor(name: string, params: Params<O>, options: Partial<O>, fallbacks: O) {
    this.name = name;
    if (!isPlainObject(options)) {
      throw new Error(`${name}: options must be an object, got ${describe(options)}`);
    }
    this.defaults = this.resolve(fallbacks, options, `${name}: `);
    for (const group of toGroups(name, params)) this.addParamGroup(group);
  }

  /** Throws a clear error for an invalid option; `prefix` starts the message. */
  protected abstract validate(options: O, prefix: string): void;
  /** The state of a parameter before its first update. */
  protected abstract initState(param: Tensor, group: ParamGroup<O>): S;
  /** One step for one parameter whose gradient (in the parameter's dtype) is `grad`. */
  protected abstract update(param: Tensor, grad: Tensor, state: S, group: ParamGroup<O>): void;

  /**
   * Adds a group of parameters, with options overriding the defaults (e.g. a smaller `lr` for a
   * pretrained backbone). A parameter may belong to one group only.
   * @example opt.addParamGroup({ params: head.parameters(), lr: 1e-2 });
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const prefix = `${this.name}: param group ${this.paramGroups.length}: `;
    if (!isPlainObject(group) || !("params" in group)) {
      throw new Error(`${prefix}expected an object { params, ...options }, got ${describe(group)}`);
    }
    const { params: given, initialLr, ...overrides } = group;
    const params = given instanceof Tensor ? [given] : toArray(prefix, given);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) {
        throw new Error(`${prefix}params[${i}] is not a Tensor, got ${describe(p)}`);
      }
      if (!isFloat(p.dtype)) {
        throw new Error(`${prefix}params[${i}] has dtype ${p.dtype}; only float tensors can be trained`);
      }
      if (!p.isLeaf) {
        throw new Error(`${prefix}params[${i}] is not a leaf tensor (it was computed by ${p.gradFnName}); ` +
          "optimize the tensors it was computed from");
      }
      if (seen.has(p)) throw new Error(`${prefix}params[${i}] appears more than once among the parameters`);
      seen.add(p);
    });
    const options = this.resolve(this.defaults, overrides as unknown as Partial<O>, prefix);
    const resolved: ParamGroup<O> = { ...options, params };
    if (initialLr !== undefined) {
      checkFinite(prefix, "initialLr", initialLr);
      resolved.initialLr = initialLr;
    }
    this.paramGroups.push(resolved);
  }

  /** Clears the gradient (`.grad = null`) of every parameter. */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.grad = null;
  }

  /**
   * Updates every parameter that has a gradient (parameters whose `.grad` is null are skipped).
   * `closure`, when given, runs first with gradients enabled and its result is returned.
   * @example opt.zeroGrad(); loss.backward(); opt.step();
   */
  step<T>(closure?: () => T): T | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    noGrad(() => {
      let index = 0;
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad !== null) this.stepOne(p, p.grad, group, index);
          index++;
        }
      }
    });
    return loss;
  }

  private stepOne(p: Tensor, grad: Tensor, group: ParamGroup<O>, index: number): void {
    if (!shapesEqual(grad.shape, p.shape)) {
      throw new Error(`${this.name}.step: the gradient of parameter ${index} has shape ` +
        `${formatShape(grad.shape)} but the parameter has shape ${formatShape(p.shape)}`);
    }
    let state = this.state.get(p);
    if (state === undefined) {
      state = this.initState(p, group);
      this.state.set(p, state);
    }
    const current = state;
    const previous = { ...current };
    // Returning the state keeps the tensors `update` stored in it; every other temporary is freed.
    tidy(() => {
      this.update(p, grad.dtype === p.dtype ? grad : grad.to(p.dtype), current, group);
      return current;
    });
    // the state outlives any tidy() the caller wrapped around step()
    for (const value of Object.values(current)) if (value instanceof Tensor) keep(value);
    for (const [key, old] of Object.entries(previous)) {
      if (old instanceof Tensor && old !== current[key] && old !== p && old !== grad) old.dispose();
    }
  }

  /**
   * A snapshot of the optimizer: options of each group and copies of the per-parameter state, in
   * PyTorch's layout (parameters numbered in order across groups).
   * @example const saved = opt.stateDict(); later.loadStateDict(saved);
   */
  stateDict(): OptimizerStateDict {
    const state: Record<number, Record<string, Tensor | number>> = {};
    let index = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      const entry: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(options)) entry[key] = copyValue(value);
      const ids = params.map((p) => {
        const s = this.state.get(p);
        if (s !== undefined) state[index] = noGrad(() => copyState(s));
        return index++;
      });
      return { ...entry, params: ids };
    });
    return { state, paramGroups };
  }

  /**
   * Restores a snapshot from `stateDict()` of an optimizer of the same kind over parameters of the same
   * shapes, grouped the same way. Everything is checked before anything changes; tensors are copied.
   * @example opt.loadStateDict(checkpoint.optimizer);
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict: `;
    const sd: unknown = stateDict;
    if (!isPlainObject(sd) || !Array.isArray(sd.paramGroups) || !isPlainObject(sd.state)) {
      throw new Error(`${where}expected { state, paramGroups }, got ${describe(stateDict)}`);
    }
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length) {
      throw new Error(`${where}the state dict has ${saved.length} param groups, this optimizer has ` +
        `${this.paramGroups.length}`);
    }
    const byId = new Map<number, { param: Tensor; group: number }>();
    const groups = saved.map((savedGroup, g) => {
      const prefix = `${where}param group ${g}: `;
      if (!isPlainObject(savedGroup) || !Array.isArray(savedGroup.params)) {
        throw new Error(`${prefix}expected an object with a params array, got ${describe(savedGroup)}`);
      }
      const current = this.paramGroups[g];
      if (savedGroup.params.length !== current.params.length) {
        throw new Error(`${prefix}has ${savedGroup.params.length} parameters in the state dict and ` +
          `${current.params.length} in this optimizer`);
      }
      savedGroup.params.forEach((id, i) => {
        if (!Number.isInteger(id) || byId.has(id)) {
          throw new Error(`${prefix}invalid or repeated parameter id ${describe(id)}`);
        }
        byId.set(id, { param: current.params[i], group: g });
      });
      const { params: _ids, initialLr, ...options } = savedGroup;
      const { params: _params, initialLr: _initial, ...base } = current;
      const resolved = this.resolve(base as unknown as O, options as Partial<O>, prefix);
      if (initialLr !== undefined) checkFinite(prefix, "initialLr", initialLr);
      return { options: resolved, initialLr: initialLr as number | undefined };
    });
    const states = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(stateDict.state)) {
      const target = byId.get(Number(key));
      if (target === undefined) {
        throw new Error(`${where}state for parameter ${key}, which no param group lists`);
      }
      const group = { ...groups[target.group].options, params: [target.param] };
      const prefix = `${where}state of parameter ${key}: `;
      states.set(target.param, this.checkState(prefix, target.param, group, entry));
    }
    // Everything is valid: commit.
    groups.forEach(({ options, initialLr }, g) => {
      const group = this.paramGroups[g];
      Object.assign(group, options);
      if (initialLr === undefined) delete group.initialLr;
      else group.initialLr = initialLr;
    });
    this.state.clear();
    noGrad(() => {
      for (const [p, s] of states) this.state.set(p, copyState(s, p) as S);
    });
  }

  /** Checks a saved state against the one `initState` makes: same keys, kinds and shapes. */
  private checkState(prefix: string, p: Tensor, group: ParamGroup<O>, entry: unknown): S {
    if (!isPlainObject(entry)) throw new Error(`${prefix}expected an object, got ${describe(entry)}`);
    const template = noGrad(() => this.initState(p, group));
    for (const [key, value] of Object.entries(template)) {
      if (value !== undefined && !(key in entry)) throw new Error(`${prefix}missing "${key}"`);
    }
    for (const [key, value] of Object.entries(entry)) {
      const expected = template[key];
      if (value instanceof Tensor) {
        const shape = expected instanceof Tensor ? expected.shape : p.shape;
        if (!shapesEqual(value.shape, shape)) {
          throw new Error(`${prefix}"${key}" has shape ${formatShape(value.shape)}, ` +
            `expected ${formatShape(shape)}`);
        }
      } else if (typeof value !== "number" || expected instanceof Tensor) {
        throw new Error(`${prefix}"${key}" must be a ${expected instanceof Tensor ? "Tensor" : "number"}, ` +
          `got ${describe(value)}`);
      }
    }
    for (const value of Object.values(template)) if (value instanceof Tensor) value.dispose();
    return entry as S;
  }

  /** `base` with `overrides` applied (undefined values ignored), checked by `validate`. */
  private resolve(base: O, overrides: Partial<O>, prefix: string): O {
    checkKnownKeys(prefix, overrides, Object.keys(base));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(base)) out[key] = copyValue(value);
    for (const [key, value] of Object.entries(overrides)) {
      if (value !== undefined) out[key] = copyValue(value);
    }
    this.validate(out as O, prefix);
    return out as O;
  }
}

/** A copy of a state record; tensors are cloned (and cast to `like`'s dtype when given). */
function copyState(state: ParamState, like?: Tensor): Record<string, Tensor | number> {
  const out: Record<string, Tensor | number> = {};
  for (const [key, value] of Object.entries(state)) {
    if (value instanceof Tensor) {
      out[key] = like !== undefined && value.dtype !== like.dtype ? value.to(like.dtype) : value.clone();
    } else if (value !== undefined) out[key] = value;
  }
  return out;
}
