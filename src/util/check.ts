/**
 * Argument checks, in one place so that every message reads the same: `<where>: <name> must be
 * <expected>, got <value>`. `where` names the op, layer, model or optimizer (and, where it helps, more:
 * "SGD: param group 1"). Each check returns the value it accepted, typed, so callers can write
 * `this.size = checkPositiveInt("Linear", "inFeatures", size)`.
 */

/** A short, readable rendering of an offending value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(", ")}]`;
  if (typeof value === "boolean") return String(value);
  return typeof value;
}

function fail(where: string, name: string, expected: string, value: unknown): never {
  throw new Error(`${where}: ${name} must be ${expected}, got ${describe(value)}`);
}

function integerWords(min: number, max: number): string {
  if (max !== Infinity) return `an integer in [${min}, ${max}]`;
  if (min === 1) return "a positive integer";
  if (min === 0) return "a non-negative integer";
  return min === -Infinity ? "an integer" : `an integer >= ${min}`;
}

/** An integer in [min, max]. */
export function checkInt(where: string, name: string, value: unknown, min = -Infinity,
  max = Infinity): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(where, name, integerWords(min, max), value);
  }
  return value;
}

/** An integer >= 1. */
export function checkPositiveInt(where: string, name: string, value: unknown): number {
  return checkInt(where, name, value, 1);
}

/** An integer >= 0. */
export function checkNonNegativeInt(where: string, name: string, value: unknown): number {
  return checkInt(where, name, value, 0);
}

/** A finite number (not NaN, not ±inf). */
export function checkFinite(where: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(where, name, "a finite number", value);
  return value;
}

/** A finite number > 0. */
export function checkPositive(where: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !(value > 0)) {
    fail(where, name, "a positive number", value);
  }
  return value;
}

/** A finite number >= 0. */
export function checkNonNegative(where: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !(value >= 0)) {
    fail(where, name, "a non-negative number", value);
  }
  return value;
}

export interface RangeOptions {
  /** Whether `low` itself is allowed (default true). */
  lowInclusive?: boolean;
  /** Whether `high` itself is allowed (default true). */
  highInclusive?: boolean;
}

/** A number in [low, high], with either end open on request. */
export function checkInRange(where: string, name: string, value: unknown, low: number, high: number,
  { lowInclusive = true, highInclusive = true }: RangeOptions = {}): number {
  const ok = typeof value === "number" && (lowInclusive ? value >= low : value > low) &&
    (highInclusive ? value <= high : value < high);
  if (!ok) {
    const range = `${lowInclusive ? "[" : "("}${low}, ${high}${highInclusive ? "]" : ")"}`;
    fail(where, name, `a number in ${range}`, value);
  }
  return value as number;
}

export function checkBoolean(where: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") fail(where, name, "true or false", value);
  return value;
}

/** One of the listed strings. */
export function checkOneOf<T extends string>(where: string, name: string, value: unknown,
  allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    fail(where, name, `one of ${allowed.map((a) => `"${a}"`).join(", ")}`, value);
  }
  return value as T;
}
