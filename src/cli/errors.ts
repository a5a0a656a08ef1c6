/** A mistake in how the command was called: reported in one line with exit code 2. */
export class UsageError extends Error {}

export function parseInteger(flag: string, min = 1): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min) {
      throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
    }
    return n;
  };
}

export function parsePositiveNumber(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
      throw new UsageError(`${flag} must be a positive number, got "${value}"`);
    }
    return n;
  };
}

export function parseChoice<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new UsageError(`${flag} must be one of ${choices.join(", ")}, got "${value}"`);
    }
    return value as T;
  };
}
