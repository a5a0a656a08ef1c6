import { load } from "../../io/checkpoint.js";
import { readMetadata } from "../model-file.js";
import { inputOf, summarizeModel } from "../report-data.js";

/**
 * `zendl summary <model-file>`: the model's layers, output shapes and parameters. The input shape comes
 * from the file's metadata (its data set) or the model's type; otherwise shapes are left out.
 */
export async function summaryCommand(file: string): Promise<string> {
  const metadata = await readMetadata(file);
  const model = await load(file);
  const { summary, note } = summarizeModel(model, inputOf(model, metadata));
  return note === null ? String(summary) : `${String(summary)}\n(${note})`;
}
