// Hyper-parameter checks shared by optimizers and schedulers. Each throws an Error whose message
// starts with `prefix` (e.g. "Adam: " or "SGD: param group 1: ") and names the option and the value.

/** A short, readable rendering of an offending value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(", ")}]`;
  return typeof value;
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && !Number.isNaN(value);
}

export function checkFinite(prefix: string, key: string, value: unknown): asserts value is number {
  if (!isNumber(value) || !Number.isFinite(value)) {
    throw new Error(`${prefix}${key} must be a finite number, got ${describe(value)}`);
  }
}

export function checkNonNegative(prefix: string, key: string, value: unknown): asserts value is number {
  if (!isNumber(value) || value < 0 || value === Infinity) {
    throw new Error(`${prefix}${key} must be a non-negative number, got ${describe(value)}`);
  }
}

/** `value` in [low, high) or, with `highInclusive`, [low, high]. */
export function checkInRange(prefix: string, key: string, value: unknown, low: number, high: number,
  { lowInclusive = true, highInclusive = false } = {}): asserts value is number {
  const ok = isNumber(value) && (lowInclusive ? value >= low : value > low) &&
    (highInclusive ? value <= high : value < high);
  if (!ok) {
    const range = `${lowInclusive ? "[" : "("}${low}, ${high}${highInclusive ? "]" : ")"}`;
    throw new Error(`${prefix}${key} must be in ${range}, got ${describe(value)}`);
  }
}

export function checkInteger(prefix: string, key: string, value: unknown,
  min: number): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < min) {
    const what = min === 1 ? "a positive integer" : min === 0 ? "a non-negative integer"
      : `an integer >= ${min}`;
    throw new Error(`${prefix}${key} must be ${what}, got ${describe(value)}`);
  }
}

export function checkBoolean(prefix: string, key: string, value: unknown): asserts value is boolean {
  if (typeof value !== "boolean") {
    throw new Error(`${prefix}${key} must be true or false, got ${describe(value)}`);
  }
}

export function checkChoice<T extends string>(prefix: string, key: string, value: unknown,
  choices: readonly T[]): asserts value is T {
  if (!choices.includes(value as T)) {
    throw new Error(`${prefix}${key} must be one of ${choices.map((c) => `"${c}"`).join(", ")}, ` +
      `got ${describe(value)}`);
  }
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
