/**
 * Option and input checks shared by the autoencoder and the GAN, so that their messages read alike:
 * each names the model, the option and the value given.
 */
import { formatShape } from "../core/shape.js";
import { Tensor } from "../core/tensor.js";
import { checkOneOf, checkPositiveInt } from "../nn/layers/check.js";
import { Module } from "../nn/module.js";
import { checkInRange } from "../util/check.js";

export { checkOneOf, checkPositiveInt };

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** A non-empty list of positive integers (layer widths or channel counts). */
export function checkSizeList(model: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 ||
      value.some((v) => typeof v !== "number" || !Number.isInteger(v) || v < 1)) {
    throw new Error(`${model}: ${name} must be a non-empty array of positive integers, got ${show(value)}`);
  }
  return [...value] as number[];
}

/** A number in [min, max]. */
export function checkNumberIn(model: string, name: string, value: unknown, min: number, max: number): number {
  return checkInRange(model, name, value, min, max);
}

/** An image shape [C, H, W] of positive integers. */
export function checkImageShape(model: string, name: string, value: unknown): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3 ||
      value.some((v) => typeof v !== "number" || !Number.isInteger(v) || v < 1)) {
    throw new Error(
      `${model}: ${name} must be [channels, height, width] (positive integers), got ${show(value)}`);
  }
  return [value[0], value[1], value[2]];
}

export const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Checks a batch against a per-sample shape: `[N, ...sampleShape]` or flat rows `[N, prod(sampleShape)]`
 * are accepted; returns N.
 */
export function checkBatch(
  model: string, x: unknown, sampleShape: readonly number[], what = "input",
): number {
  if (!(x instanceof Tensor)) throw new Error(`${model}: ${what} must be a Tensor, got ${typeof x}`);
  const size = product(sampleShape);
  const flat = x.ndim === 2 && x.shape[1] === size;
  const full = x.ndim === sampleShape.length + 1 && sampleShape.every((d, i) => x.shape[i + 1] === d);
  if (!flat && !full) {
    const options = sampleShape.length === 1 ? `[N, ${size}]`
      : `[N, ${size}] or [N, ${sampleShape.join(", ")}]`;
    throw new Error(`${model}: ${what} of shape ${formatShape(x.shape)} does not match; expected ${options}`);
  }
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new Error(`${model}: ${what} must be a float32 or float64 tensor, got ${x.dtype}`);
  }
  return x.shape[0];
}

/**
 * Reshapes [N, prod(shape)] to [N, ...shape] between a dense and a convolutional stage. Private to the
 * models: their own configs rebuild them, so it needs no registry entry of its own.
 */
export class Unflatten extends Module {
  constructor(readonly shape: readonly number[]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.reshape([x.shape[0], ...this.shape]);
  }

  override extraRepr(): string {
    return `unflattened_size=(${this.shape.join(", ")})`;
  }
}
