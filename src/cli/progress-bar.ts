import { SingleBar } from "cli-progress";
import { ProgressLogger, formatLogs, type Callback } from "../train/callbacks.js";
import type { BatchEndEvent, EpochBeginEvent, EpochEndEvent } from "../train/events.js";

/** A progress bar per epoch on a terminal, replaced by the epoch's summary line when it ends. */
export class ProgressBar implements Callback {
  private bar: SingleBar | null = null;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  onEpochBegin(event: EpochBeginEvent): void {
    this.bar = new SingleBar({
      stream: this.stream, clearOnComplete: false, hideCursor: true,
      format: `epoch ${event.epoch}/${event.epochs} [{bar}] {value}/{total} loss={loss}`,
    });
  }

  onBatchEnd(event: BatchEndEvent): void {
    if (!this.bar) return;
    if (!this.bar.isActive) this.bar.start(event.stepsPerEpoch, event.step - 1, { loss: "-" });
    this.bar.update(event.step, { loss: event.loss.toFixed(4) });
  }

  onEpochEnd(event: EpochEndEvent): void {
    const line = `epoch ${event.epoch}/${event.epochs} ${formatLogs(event.logs)} ` +
      `(${event.seconds.toFixed(2)}s)`;
    if (this.bar?.isActive) {
      this.bar.stop();
      this.stream.write(`\x1b[1A\x1b[2K${line}\n`);
    } else {
      this.stream.write(`${line}\n`);
    }
    this.bar = null;
  }
}

/** The CLI's progress: a bar on a terminal, one line per epoch otherwise, nothing when quiet. */
export function progressCallback(quiet: boolean | undefined): Callback {
  if (quiet) return {};
  return process.stderr.isTTY ? new ProgressBar() : new ProgressLogger({ verbose: 1 });
}
