/**
 * Seedable random numbers. xoshiro128** gives 32-bit outputs with a 2^128 period and is cheap in JS;
 * the sequence is ours, not PyTorch's, so seeded results are reproducible within zendl only.
 */
/** A generator's position: four 32-bit words of xoshiro128** and the cached second normal. */
export interface GeneratorState { s: number[]; spareNormal: number | null }

export class Generator {
  private s0 = 0; private s1 = 0; private s2 = 0; private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed: number = Date.now()) {
    this.seed(seed);
  }

  seed(seed: number): this {
    if (!Number.isFinite(seed)) throw new Error(`manualSeed: expected a finite number, got ${seed}`);
    // splitmix32 spreads a small integer seed over the 128-bit state.
    let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
    this.spareNormal = null;
    return this;
  }

  /** The generator's exact position, to save in a checkpoint. @example const s = g.getState() */
  getState(): GeneratorState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spareNormal };
  }

  /** Puts the generator back where `getState()` found it. @example g.setState(saved) */
  setState(state: GeneratorState): this {
    const words = state?.s;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w))) {
      throw new Error(`Generator.setState: expected { s: four integers, spareNormal }, ` +
        `got ${JSON.stringify(state)}`);
    }
    const spare = state.spareNormal;
    if (spare !== null && typeof spare !== "number") {
      throw new Error(`Generator.setState: spareNormal must be a number or null, ` +
        `got ${JSON.stringify(spare)}`);
    }
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w >>> 0);
    this.spareNormal = spare;
    return this;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by the Box-Muller transform (the second value is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** Fisher-Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalGenerator = new Generator(0x5eed);

/** Seeds the global generator used by every random function that is not given its own `seed`. */
export function manualSeed(seed: number): void {
  globalGenerator = new Generator(seed);
}

/** The global generator's state (for checkpoints). @example const rng = zd.getRngState() */
export function getRngState(): GeneratorState {
  return globalGenerator.getState();
}

/** Restores the global generator from `getRngState()`. @example zd.setRngState(rng) */
export function setRngState(state: GeneratorState): void {
  globalGenerator.setState(state);
}

/** A generator for one call: a fresh one from `seed`, or the global one. */
export function generatorFor(seed?: number): Generator {
  return seed === undefined ? globalGenerator : new Generator(seed);
}
