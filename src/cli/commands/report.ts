import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomicSync } from "../../node/atomic-write.js";
import { renderReport } from "../../report/page.js";
import { UsageError } from "../errors.js";
import { gatherReport } from "../report-data.js";

/** Writes `dir/report.html` from the run folder's metrics.jsonl, model file and figures; returns its path. */
export async function reportCommand(dir: string): Promise<string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`report: ${dir} is not a folder written by "zendl train --out"`);
  }
  if (!existsSync(join(dir, "metrics.jsonl")) && !existsSync(join(dir, "model.safetensors"))) {
    throw new UsageError(`report: ${dir} has neither metrics.jsonl nor model.safetensors`);
  }
  const path = join(dir, "report.html");
  writeFileAtomicSync(path, renderReport(await gatherReport(dir)));
  return path;
}
