import type { Tensor } from "./tensor.js";
import type { DType } from "./dtype.js";
import { keep, tidy } from "./memory.js";
import { formatShape, shapesEqual } from "./shape.js";

/** What a backward rule returns: one gradient per input, or null where the input gets none. */
export type BackwardRule =
  (gradOutput: Tensor, output: Tensor, inputs: readonly Tensor[]) => (Tensor | null)[];

/**
 * A node of the graph, stored on the tensor it produced. Rules may keep only the inputs and the
 * output (passed to them), so releasing a node after backward frees every saved tensor.
 */
export interface GradFn {
  readonly name: string;
  inputs: readonly Tensor[];
  rule: BackwardRule | null;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording a graph (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Runs `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Gradients a backward rule made for one input alone (a fresh, contiguous tensor nobody else holds):
 * a leaf may take such a gradient as its `.grad` instead of a copy.
 */
const exclusiveGrads = new WeakSet<Tensor>();

/** Marks a gradient a rule made for one input alone (see `exclusiveGrads`); returns it. */
export function exclusive<T extends Tensor | null>(grad: T): T {
  if (grad !== null) exclusiveGrads.add(grad);
  return grad;
}

/** Records `output = name(inputs)` in the graph when any input needs a gradient. */
export function attach(output: Tensor, name: string, inputs: readonly Tensor[], rule: BackwardRule): Tensor {
  if (!gradEnabled) return output;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i].requiresGrad) {
      output._setGradFn({ name, inputs, rule });
      break;
    }
  }
  return output;
}

export interface BackwardOptions {
  /** Keep the graph so `backward` can run through it again. */
  retainGraph?: boolean;
}

type Unbroadcast = (grad: Tensor, shape: readonly number[]) => Tensor;
type Accumulate = (a: Tensor, b: Tensor) => Tensor;
type Cast = (t: Tensor, dtype: DType) => Tensor;
let unbroadcast: Unbroadcast;
let accumulate: Accumulate;
let cloneTensor: (t: Tensor) => Tensor;
let castTensor: Cast;

/** Wires in the ops the engine needs without importing them (ops import this file). */
export function setEngineOps(ops: {
  sumToShape: Unbroadcast; add: Accumulate; clone: (t: Tensor) => Tensor; cast: Cast;
}): void {
  unbroadcast = ops.sumToShape;
  accumulate = ops.add;
  cloneTensor = ops.clone;
  castTensor = ops.cast;
}

const RELEASED_MESSAGE = "backward: trying to backward through the graph a second time " +
  "(its saved tensors were freed after the first backward); " +
  "pass { retainGraph: true } to the first backward() if you need this";

/** Reverse-mode sweep from `root`: topological order, then each rule once, gradients summed. */
export function backward(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error("backward: the tensor does not require grad and has no grad function; " +
      "set requiresGrad on the leaf tensors you want gradients for");
  }
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new Error(`backward: a gradient can be created implicitly only for scalar outputs, ` +
        `got shape ${formatShape(root.shape)}; pass backward(gradient)`);
    }
  } else if (typeof gradient !== "object" || gradient === null || !Array.isArray(gradient.shape)) {
    throw new Error(`backward: gradient must be a Tensor of shape ${formatShape(root.shape)}, ` +
      `got ${String(gradient)}`);
  } else if (!shapesEqual(gradient.shape, root.shape)) {
    throw new Error(`backward: gradient shape ${formatShape(gradient.shape)} ` +
      `does not match the output shape ${formatShape(root.shape)}`);
  }
  const order = topologicalOrder(root);
  const run = (): void => {
    const seed = gradient === undefined ? root.onesLike()
      : gradient.dtype === root.dtype ? gradient : castTensor(gradient, root.dtype);
    const grads = new Map<Tensor, Tensor>([[root, seed]]);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      const fn = t._gradFn;
      if (fn === null) {
        // .grad belongs to the leaf, not to a tidy() that happens to enclose backward()
        t.grad = keep(t.grad !== null ? accumulate(t.grad, g) : exclusiveGrads.has(g) ? g : cloneTensor(g));
        continue;
      }
      const rule = fn.rule;
      if (rule === null) throw new Error(RELEASED_MESSAGE);
      const inputGrads = rule(g, t, fn.inputs);
      fn.inputs.forEach((input, k) => {
        const gi = inputGrads[k];
        if (!input.requiresGrad || gi === null || gi === undefined) return;
        let shaped = shapesEqual(gi.shape, input.shape) ? gi : unbroadcast(gi, input.shape);
        // a mixed-dtype op (float32 + float64) promotes its output; the gradient takes the input's dtype
        // again, as in PyTorch, so `x.grad` always has x's dtype and accumulation never promotes
        if (shaped.dtype !== input.dtype) shaped = castTensor(shaped, input.dtype);
        const previous = grads.get(input);
        grads.set(input, previous === undefined ? shaped : accumulate(previous, shaped));
      });
    }
  };
  // Every tensor made here (the gradients flowing between nodes, the temporaries of each rule) is
  // dead once the sweep ends, except the leaves' .grad, which are kept: free them now rather than at
  // the next garbage collection, so a step's memory is reused warm by the next one.
  tidy(() => noGrad(run));
  if (!options.retainGraph) {
    for (const t of order) {
      const fn = t._gradFn;
      if (fn !== null) { fn.rule = null; fn.inputs = []; }
    }
  }
}

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  const stack: Array<[Tensor, number]> = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const fn = top[0]._gradFn;
    if (fn !== null && fn.rule === null) throw new Error(RELEASED_MESSAGE);
    if (fn !== null && top[1] < fn.inputs.length) {
      const input = fn.inputs[top[1]++];
      if (input.requiresGrad && !visited.has(input)) {
        visited.add(input);
        stack.push([input, 0]);
      }
    } else {
      stack.pop();
      order.push(top[0]);
    }
  }
  return order;
}
