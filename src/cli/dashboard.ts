import { Worker } from "node:worker_threads";
import { renderMain, renderReport } from "../report/page.js";
import type { ReportData } from "../report/records.js";
import type { DashboardMessage } from "./dashboard-worker.js";
import { UsageError } from "./errors.js";

/** The live dashboard: a loopback server in a worker thread fed with rendered pages. */
export class Dashboard {
  private constructor(private readonly worker: Worker, readonly port: number) {}

  /** Starts the server on 127.0.0.1:`port` (0: any free port) and resolves once it listens. */
  static async start(port: number): Promise<Dashboard> {
    const worker = new Worker(new URL("./dashboard-worker.js", import.meta.url), { workerData: { port } });
    const bound = await new Promise<number>((resolve, reject) => {
      worker.once("error", reject);
      worker.on("message", (m: { type: string; port?: number; message?: string }) => {
        if (m.type === "listening") resolve(m.port!);
        if (m.type !== "error") return;
        reject(new UsageError(`--dashboard: cannot listen on port ${port}: ${m.message}`));
      });
    }).catch(async (error: unknown) => { await worker.terminate(); throw error; });
    worker.unref();
    return new Dashboard(worker, bound);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  private post(message: DashboardMessage): void {
    this.worker.postMessage(message);
  }

  update(data: ReportData): void {
    this.post({ type: "update", page: renderReport(data, { live: true }), main: renderMain(data) });
  }

  /**
   * Sends the final page. Without `keepServing` the server closes and this resolves once it has; with
   * it, the server keeps running (and the process alive) until the process is stopped.
   */
  async finish(data: ReportData, keepServing: boolean): Promise<void> {
    this.worker.ref(); // keep the process alive until the server has closed (or for good, when kept serving)
    const closed = keepServing ? Promise.resolve() : new Promise<void>((resolve) => {
      this.worker.on("message", (m: { type: string }) => { if (m.type === "closed") resolve(); });
    });
    this.post({ type: "end", page: renderReport(data), main: renderMain(data), keepServing });
    await closed;
    if (!keepServing) await this.worker.terminate();
  }
}
