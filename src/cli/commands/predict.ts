import { loadCsv } from "../../data/csv.js";
import { load } from "../../io/checkpoint.js";
import { predict } from "../../train/fit.js";
import { UsageError } from "../errors.js";
import { checkFiniteRows } from "../finite-rows.js";
import { parseModelInfo, readMetadata } from "../model-file.js";

/**
 * Class labels for each row of a CSV of raw features, prepared with the model's saved scaler. Rows with
 * NaN or infinite features are refused (row and column named) unless `allowNan`.
 */
export async function predictCommand(file: string, csvPath: string,
  options: { allowNan: boolean } = { allowNan: false }): Promise<number[]> {
  const info = parseModelInfo(file, await readMetadata(file));
  if (info.input === "images") {
    throw new UsageError(`${file} is an image model; predict reads feature rows (use "zendl evaluate")`);
  }
  let x;
  try {
    x = loadCsv(csvPath, { labelColumn: null }).x;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code !== undefined ? `cannot read ${csvPath}: ${code}` : (err as Error).message);
  }
  const features = info.scaler.mean.shape[0];
  if (x.shape[1] !== features) {
    throw new UsageError(`${csvPath} has ${x.shape[1]} columns, the model expects ${features} features`);
  }
  if (!options.allowNan) checkFiniteRows(x, csvPath);
  const model = await load(file);
  const index = predict(model, info.scaler.transform(x)).argmax(1).dataSync();
  return Array.from(index, (i) => info.classes[i]);
}
