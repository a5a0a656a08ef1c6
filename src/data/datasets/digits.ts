import { fromFlat } from "../../core/creation.js";
import type { Tensor } from "../../core/tensor.js";
import { platform } from "#platform";
import type { ByteSource } from "../../io/sources.js";
import { parseCsvValues, readCsvText } from "../csv.js";
import { fetchBytes } from "../fetch.js";
import { packageDataPath } from "./package-data.js";

export interface DigitsOptions {
  /** Keep only the digits 0 .. nClass-1 (scikit-learn's `n_class`). Default 10. */
  nClass?: number;
}

export interface Digits {
  /** Pixel values, [samples, 64] float32, integers 0..16 (8x8 images, row-major). */
  x: Tensor;
  /** The digit of each image, [samples] int32 in 0..9. */
  y: Tensor;
}

// Parsed once per process; every call gets fresh tensors so callers may dispose or modify theirs.
let cache: { pixels: Float32Array; labels: Int32Array } | null = null;

// Parsed to arrays, never to tensors and back: a GPU tensor cannot be read back synchronously in a page.
function remember({ features, labels }: { features: number[]; labels: number[] | null }): void {
  cache = { pixels: Float32Array.from(features), labels: Int32Array.from(labels ?? []) };
}

function readDigits(): { pixels: Float32Array; labels: Int32Array } {
  if (cache === null && platform.name === "browser") {
    throw new Error("loadDigits: a browser cannot read the bundled file; call " +
      "`await zd.data.fetchDigits(url)` once with the URL where data/digits.csv.gz is served");
  }
  if (cache === null) {
    const text = readCsvText(packageDataPath("digits.csv.gz"));
    remember(parseCsvValues(text, { header: false, labelColumn: -1 }));
  }
  return cache as { pixels: Float32Array; labels: Int32Array };
}

/**
 * `loadDigits` from a URL, `Response`, `Blob` or bytes of data/digits.csv.gz (or its gunzipped CSV): the
 * browser's way in. Afterwards `loadDigits()` works synchronously too. In Node the source is optional.
 * @example const { x, y } = await zd.data.fetchDigits("/data/digits.csv.gz");
 */
export async function fetchDigits(source?: ByteSource, options: DigitsOptions = {}): Promise<Digits> {
  if (source === undefined && platform.name === "node") return loadDigits(options);
  if (source === undefined) {
    throw new Error("fetchDigits: in a browser pass where data/digits.csv.gz is served, e.g. " +
      "fetchDigits(\"/data/digits.csv.gz\")");
  }
  const text = new TextDecoder().decode(await fetchBytes(source, "fetchDigits"));
  remember(parseCsvValues(text, { header: false, labelColumn: -1 }, "digits"));
  return loadDigits(options);
}

/**
 * The 1797 8x8 handwritten digits bundled with zendl (the UCI "Optical Recognition of Handwritten
 * Digits" test set, Alpaydin & Kaynak 1998, CC BY 4.0; the same data as scikit-learn's `load_digits`).
 * About 180 images per digit. Attribution: data/README.md.
 * @example
 * const { x, y } = loadDigits();          // x [1797, 64] float32 in 0..16, y [1797] int32
 * const xs = x.div(16);                   // scale pixels to [0, 1]
 */
export function loadDigits(options: DigitsOptions = {}): Digits {
  const { nClass = 10 } = options;
  if (!Number.isInteger(nClass) || nClass < 1 || nClass > 10) {
    throw new Error(`loadDigits: nClass must be an integer in [1, 10], got ${nClass}`);
  }
  const { pixels, labels } = readDigits();
  const keep: number[] = [];
  labels.forEach((label, i) => { if (label < nClass) keep.push(i); });
  if (keep.length === labels.length) {
    const n = labels.length;
    return { x: fromFlat(pixels, [n, 64], "float32"), y: fromFlat(labels, [n], "int32") };
  }
  const x = new Float32Array(keep.length * 64);
  keep.forEach((row, i) => x.set(pixels.subarray(row * 64, row * 64 + 64), i * 64));
  const y = Int32Array.from(keep, (row) => labels[row]);
  return { x: fromFlat(x, [keep.length, 64], "float32"), y: fromFlat(y, [keep.length], "int32") };
}
