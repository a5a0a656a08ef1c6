import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "../core/tensor.js";
import { StandardScaler } from "../data/transforms.js";
import { saveImageGrid } from "../io/png.js";
import { writeFileAtomicSync } from "../node/atomic-write.js";
import { splitDataset, type PreparedData } from "./datasets.js";

// The largest raw feature value of each data set: digits pixels are 0..16, Fashion-MNIST is already [0, 1].
const RAW_MAXIMUM: Record<string, number> = { digits: 16 };

/**
 * A data set with features scaled to [0, 1] (pixel / maximum) rather than standardized: what RBMs and DBNs
 * model (probabilities of binary pixels) and what makes Euclidean distances meaningful for RBF units.
 * The scaling is recorded as a StandardScaler with mean 0 and scale = maximum, so model files written with
 * `modelMetadata` are evaluated by `zendl evaluate` on the same inputs.
 */
export function prepareUnitData(name: string, split = { testSize: 0.25, seed: 0 }): PreparedData {
  const { parts, numClasses } = splitDataset(name, split);
  const maximum = RAW_MAXIMUM[name] ?? 1;
  const features = parts[0].shape[1];
  const scaler = StandardScaler.fromJSON({ type: "StandardScaler", withMean: true, withStd: true,
    mean: new Array<number>(features).fill(0), scale: new Array<number>(features).fill(maximum) });
  return {
    name, xTrain: scaler.transform(parts[0]), xTest: scaler.transform(parts[1]), yTrain: parts[2],
    yTest: parts[3], scaler, numClasses, split,
  };
}

/** Side of the square images flattened into `features` columns (8 for digits, 28 for Fashion-MNIST). */
export function imageSide(features: number): number | null {
  const side = Math.round(Math.sqrt(features));
  return side * side === features ? side : null;
}

/**
 * Rows [n, side²] as a PNG grid, each row stretched to [0, 1] on its own (weights have no natural scale);
 * nothing is written when the rows are not square images. Returns the path written, or null.
 */
export function saveFilterGrid(path: string, rows: Tensor,
  options: { normalize: boolean; nrow?: number }): string | null {
  const [n, features] = rows.shape;
  const side = imageSide(features);
  if (side === null) return null;
  let images = rows;
  if (options.normalize) {
    const low = rows.min(1, true), high = rows.max(1, true);
    images = rows.sub(low).div(high.sub(low).add(1e-12));
  }
  saveImageGrid(path, images.reshape([n, side, side]), {
    nrow: options.nrow ?? Math.ceil(Math.sqrt(n)), scale: side <= 8 ? 4 : 2, padding: 1,
  });
  return path;
}

/** Creates `dir` and writes `metrics.json` there (pretty-printed, atomically); returns its path. */
export function writeMetrics(dir: string, metrics: object): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "metrics.json");
  writeFileAtomicSync(path, JSON.stringify(metrics, null, 2) + "\n");
  return path;
}
