import { writeFileAtomicSync } from "../../node/atomic-write.js";
import { renderReport } from "../../report/page.js";
import type { ReportData } from "../../report/records.js";
import { Dashboard } from "../dashboard.js";
import { gatherReport, liveReportData } from "../report-data.js";
import { RunLog, runRecord, setActiveRunLog } from "../run-log.js";
import type { TrainFlags } from "./train-flags.js";
import type { TrainOutcome } from "./trainers.js";
import { TRAINERS } from "./trainers-table.js";
import { join } from "node:path";

/** The flags of `zendl train` that watch a run rather than shape it. */
export interface RecordFlags {
  /** Serve the live dashboard on this port of 127.0.0.1 (`true`: the default port; 0: any free port). */
  dashboard?: number | true;
  /** Keep the dashboard running after training, until the process is stopped. */
  keepServing?: boolean;
}

export const DEFAULT_DASHBOARD_PORT = 6060;

/**
 * Runs a trainer while recording it: with `--out DIR`, `DIR/metrics.jsonl` (a line per epoch) and then
 * `DIR/report.html`; with `--dashboard`, the live page. Without either it just runs the trainer.
 */
export async function recordRun(model: string, flags: TrainFlags & RecordFlags,
  run: () => Promise<TrainOutcome>): Promise<TrainOutcome> {
  // an unknown model is the trainer table's usage error, before anything is written
  if ((!flags.out && flags.dashboard === undefined) || !Object.hasOwn(TRAINERS, model)) return run();
  const log = new RunLog(flags.out, runRecord(model, flags.dataset, flags.seed, process.argv.slice(2)));
  let dashboard: Dashboard | null = null;
  if (flags.dashboard !== undefined) {
    dashboard = await Dashboard.start(flags.dashboard === true ? DEFAULT_DASHBOARD_PORT : flags.dashboard);
    process.stderr.write(`dashboard: ${dashboard.url}\n`);
    const live = dashboard;
    live.update(liveReportData(log));
    log.onLine(() => live.update(liveReportData(log)));
  }
  setActiveRunLog(log);
  try {
    const outcome = await run();
    log.finish(outcome.result);
    let data: ReportData = liveReportData(log);
    if (flags.out) {
      data = await gatherReport(flags.out);
      const path = join(flags.out, "report.html");
      writeFileAtomicSync(path, renderReport(data));
      if (!flags.quiet) process.stderr.write(`wrote ${path}\n`);
    }
    if (dashboard !== null && flags.keepServing) {
      process.stderr.write(`training done; the dashboard keeps serving ${dashboard.url} (Ctrl-C to stop)\n`);
    }
    await dashboard?.finish(data, flags.keepServing === true);
    return outcome;
  } catch (error) {
    await dashboard?.finish(liveReportData(log), false);
    throw error;
  } finally {
    setActiveRunLog(null);
  }
}
