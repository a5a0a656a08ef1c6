import fc from "fast-check";

/** One way of damaging a file: what a bad disk, a cut download or a hostile author does. */
export type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "truncate"; at: number }
  | { kind: "overwrite"; at: number; bytes: number[] }
  | { kind: "insert"; at: number; bytes: number[] }
  | { kind: "number"; at: number; text: string }
  | { kind: "none" };

const HUGE = ["1e400", "-1e400", "99999999999999999999", "18446744073709551615", "-1", "NaN", "1e-400",
  "4294967296", "9007199254740993", "0", "[", "{", "\"\"", "null"];

/** Mutations, with positions as fractions of the length so they fit any file. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("overwrite" as const), at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant("number" as const), at: fc.nat(), text: fc.constantFrom(...HUGE) }),
  fc.constant({ kind: "none" as const }),
);

/** Applies the mutations in order; a digit run is replaced by a huge number for "number". */
export function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = Uint8Array.from(input);
  for (const m of mutations) {
    if (m.kind === "none" || bytes.length === 0) continue;
    const at = m.at % bytes.length;
    if (m.kind === "flip") bytes[at] ^= 1 << m.bit;
    else if (m.kind === "truncate") bytes = bytes.slice(0, at);
    else if (m.kind === "overwrite") bytes.set(m.bytes.slice(0, bytes.length - at), at);
    else if (m.kind === "insert") bytes = Uint8Array.from([...bytes.slice(0, at), ...m.bytes,
      ...bytes.slice(at)]);
    else {
      const text = new TextDecoder().decode(bytes);
      const digits = /\d+/g;
      digits.lastIndex = at % Math.max(1, text.length);
      const found = digits.exec(text) ?? /\d+/.exec(text);
      if (found) {
        const out = text.slice(0, found.index) + m.text + text.slice(found.index + found[0].length);
        bytes = new TextEncoder().encode(out);
      }
    }
  }
  return bytes;
}

/** How many cases each property runs: a quick CI pass, or `FUZZ_RUNS=20000 npm run fuzz`. */
export function runs(ci: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ci;
}

/**
 * A failed read is fine when it is an ordinary Error that names the file (not a stack overflow, not a
 * bare engine message); the same error class as zendl's own (`Error` or `UsageError`).
 */
export function isCleanError(err: unknown, file: string): boolean {
  if (!(err instanceof Error)) return false;
  const engine = /call stack|Array buffer allocation|Invalid typed array length/;
  if (err instanceof RangeError && engine.test(err.message)) {
    return false;
  }
  return err.message.includes(file);
}
