/** Argument checks shared by the layers, so their messages read the same everywhere. */
import { formatShape } from "../../core/shape.js";
import { Tensor } from "../../core/tensor.js";

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

export function checkPositiveInt(layer: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${layer}: ${name} must be a positive integer, got ${show(value)}`);
  }
  return value;
}

export function checkInt(layer: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new Error(`${layer}: ${name} must be an integer, got ${show(value)}`);
  }
  return value;
}

export function checkFinite(layer: string, name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${layer}: ${name} must be a finite number, got ${show(value)}`);
  }
  return value;
}

export function checkBoolean(layer: string, name: string, value: boolean): boolean {
  if (typeof value !== "boolean") {
    throw new Error(`${layer}: ${name} must be true or false, got ${show(value)}`);
  }
  return value;
}

export function checkOneOf<T extends string>(
  layer: string, name: string, value: T, allowed: readonly T[],
): T {
  if (!allowed.includes(value)) {
    const choices = allowed.map((a) => `"${a}"`).join(", ");
    throw new Error(`${layer}: ${name} must be one of ${choices}, got ${show(value)}`);
  }
  return value;
}

/** The input itself, after checking it is a tensor with at least `minDims` dimensions. */
export function checkInput(layer: string, x: Tensor, minDims = 0): Tensor {
  if (!(x instanceof Tensor)) {
    throw new Error(`${layer}: expected a Tensor input, got ${x === null ? "null" : typeof x}`);
  }
  if (x.ndim < minDims) {
    throw new Error(`${layer}: expected an input with at least ${minDims} dimension(s), ` +
      `got shape ${formatShape(x.shape)}`);
  }
  return x;
}
