import { Generator, generatorFor, type GeneratorState } from "../core/random.js";

/**
 * Where a loader stands, for checkpoints: its own generator, the generator's state when the running
 * epoch drew its order, and how many batches of that epoch were handed out.
 */
export interface LoaderState {
  generator: GeneratorState | null;
  epochStart: GeneratorState | null;
  position: number;
}

/**
 * The resumable part of a loader. An epoch's order is drawn from a generator when the epoch starts;
 * to resume inside an epoch the same order is drawn again from the saved state and the batches already
 * handed out are skipped without being loaded.
 */
export class EpochCursor {
  private epochStart: GeneratorState | null = null;
  private position = 0;
  private pending: LoaderState | null = null;

  constructor(private readonly own: Generator | null, private readonly shuffle: boolean,
    private readonly name: string) {}

  /**
   * Starts an epoch: `draw` runs on the generator in the state the epoch needs (a saved one when
   * resuming); returns what it drew and the first batch to hand out.
   */
  begin<T>(draw: (g: Generator) => T): { drawn: T | null; first: number } {
    const resume = this.pending;
    this.pending = null;
    this.position = resume?.position ?? 0;
    if (!this.shuffle) return { drawn: null, first: this.position };
    const generator = this.own ?? generatorFor();
    if (resume?.epochStart) {
      // A loader without its own generator shares the global one: draw from the saved state, then put
      // the global generator back where its other users (dropout, init) left it.
      const current = this.own ? null : generator.getState();
      generator.setState(resume.epochStart);
      this.epochStart = resume.epochStart;
      const drawn = draw(generator);
      if (current) generator.setState(current);
      return { drawn, first: this.position };
    }
    this.epochStart = generator.getState();
    return { drawn: draw(generator), first: 0 };
  }

  /** Records that `count` batches of this epoch were handed out. */
  advance(count: number): void {
    this.position = count;
  }

  /** The epoch ran to its end: the next one starts afresh. */
  finish(): void {
    this.position = 0;
    this.epochStart = null;
  }

  state(): LoaderState {
    return { generator: this.own?.getState() ?? null, epochStart: this.epochStart, position: this.position };
  }

  /**
   * The next epoch resumes at `state.position`: 0 starts a fresh epoch, `batches` ends the saved one
   * without a batch (its order is still drawn, so the generator moves on as it did).
   */
  load(state: LoaderState, batches: number): void {
    const ok = state !== null && typeof state === "object" && Number.isInteger(state.position) &&
      state.position >= 0 && state.position <= batches;
    if (!ok) {
      throw new Error(`${this.name}.loadStateDict: expected { generator, epochStart, position } with ` +
        `position ` +
        `in [0, ${batches}], got ${JSON.stringify(state)}`);
    }
    if (state.generator && this.own) this.own.setState(state.generator);
    const midEpoch = state.position > 0;
    this.pending = midEpoch ? state : null;
    this.position = midEpoch ? state.position : 0;
    this.epochStart = state.epochStart;
  }
}
