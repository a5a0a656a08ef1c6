// Hyper-parameter checks of optimizers and schedulers: the shared checks of util/check.ts under a
// prefix such as "Adam: " or "SGD: param group 1: ", plus the checks of option objects.

import * as check from "../util/check.js";

export { describe } from "../util/check.js";

/** "Adam: " or "SGD: param group 1: " as the `where` of util/check.ts. */
const where = (prefix: string): string => prefix.replace(/:\s*$/, "");

export function checkFinite(prefix: string, key: string, value: unknown): asserts value is number {
  check.checkFinite(where(prefix), key, value);
}

export function checkNonNegative(prefix: string, key: string, value: unknown): asserts value is number {
  check.checkNonNegative(where(prefix), key, value);
}

/** `value` in [low, high) or, with `highInclusive`, [low, high]. */
export function checkInRange(prefix: string, key: string, value: unknown, low: number, high: number,
  { lowInclusive = true, highInclusive = false } = {}): asserts value is number {
  check.checkInRange(where(prefix), key, value, low, high, { lowInclusive, highInclusive });
}

export function checkInteger(prefix: string, key: string, value: unknown,
  min: number): asserts value is number {
  check.checkInt(where(prefix), key, value, min);
}

export function checkBoolean(prefix: string, key: string, value: unknown): asserts value is boolean {
  check.checkBoolean(where(prefix), key, value);
}

export function checkChoice<T extends string>(prefix: string, key: string, value: unknown,
  choices: readonly T[]): asserts value is T {
  check.checkOneOf(where(prefix), key, value, choices);
}

/** Rejects misspelled options (`momentom`) instead of silently ignoring them. */
export function checkKnownKeys(prefix: string, options: object, known: readonly string[]): void {
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !known.includes(key)) {
      throw new Error(`${prefix}unknown option "${key}"; expected one of ${known.join(", ")}`);
    }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);
}
