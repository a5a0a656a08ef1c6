import { platform } from "#platform";
import { fromFlat } from "../core/creation.js";
import { isDType, type DType } from "../core/dtype.js";
import type { Tensor } from "../core/tensor.js";

export interface CsvOptions {
  /** Whether the first row names the columns; "auto" (default) says yes when it has a non-empty cell that
   * is not a number. */
  header?: boolean | "auto";
  /** Cell separator. Default ",". */
  delimiter?: string;
  /** The label column: an index (negative counts from the end), a header name, or null for none.
   * Default -1 (the last column). */
  labelColumn?: number | string | null;
  /** Element type of `x`. Default float32. */
  dtype?: DType;
}

export interface CsvData {
  /** The feature columns, [rows, columns]. */
  x: Tensor;
  /** The label column, [rows]: int32 when every label is a whole number, else `dtype`; null without
   * labels. */
  y: Tensor | null;
  /** Names of the columns of `x`: the header cells, or "0", "1", ... (positions in the file) without one. */
  columns: string[];
  /** Name of the label column, or null. */
  labelName: string | null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// numpy and pandas write non-finite values as nan, inf and -inf.
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** The value of a numeric cell, or undefined when the cell is not a number. */
function parseNumber(cell: string): number | undefined {
  if (NUMBER.test(cell)) return Number(cell);
  const m = SPECIAL.exec(cell);
  if (m === null) return undefined;
  return m[2].toLowerCase() === "nan" ? NaN : m[1] === "-" ? -Infinity : Infinity;
}

/** Splits one line; double quotes may wrap a cell (a doubled quote inside is a literal quote). */
function splitRow(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter).map((c) => c.trim());
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (line.startsWith(delimiter, i)) { cells.push(cell.trim()); cell = ""; i += delimiter.length - 1; }
    else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

function resolveLabel(label: number | string | null, names: string[], hasHeader: boolean,
  where: string): number | null {
  if (label === null) return null;
  const n = names.length;
  if (typeof label === "string") {
    if (!hasHeader) {
      throw new Error(`loadCsv: ${where}: labelColumn "${label}" needs a header row, the file has none`);
    }
    const k = names.indexOf(label);
    if (k < 0) {
      throw new Error(`loadCsv: ${where}: no column named "${label}"; columns are ${names.join(", ")}`);
    }
    return k;
  }
  if (!Number.isInteger(label) || label < -n || label >= n) {
    throw new Error(`loadCsv: ${where}: labelColumn ${label} is out of range for ${n} columns`);
  }
  return label < 0 ? n + label : label;
}

/**
 * Parses CSV text of numbers into features and labels; `source` names the text in error messages.
 * Blank lines are skipped; every other row needs the same number of cells.
 * @example
 * const { x, y, columns } = parseCsv("a,b,label\n1,2,0\n3,4,1\n");   // x [2,2], y int32 [2]
 */
export function parseCsv(text: string, options: CsvOptions = {}, source = "<text>"): CsvData {
  const { rows, cols, features, labels, columns, labelName } = parseCsvValues(text, options, source);
  const dtype = options.dtype ?? "float32";
  const x = fromFlat(features, [rows, cols], dtype);
  let y: Tensor | null = null;
  if (labels !== null) {
    const integral = labels.every((v) => Number.isInteger(v) && Math.abs(v) <= 2147483647);
    y = fromFlat(labels, [rows], integral ? "int32" : dtype);
  }
  return { x, y, columns, labelName };
}

/** A CSV's cells as numbers (parseCsv without the tensors): the bundled data sets parse with it. */
export function parseCsvValues(text: string, options: CsvOptions = {}, source = "<text>"): {
  rows: number; cols: number; features: number[]; labels: number[] | null; columns: string[];
  labelName: string | null;
} {
  const { header = "auto", delimiter = ",", labelColumn = -1, dtype = "float32" } = options;
  if (typeof delimiter !== "string" || delimiter.length === 0) {
    throw new Error("loadCsv: delimiter must be a non-empty string");
  }
  if (!isDType(dtype)) throw new Error(`loadCsv: unknown dtype "${String(dtype)}"`);
  const lines = text.split(/\r?\n/);
  let row = lines.findIndex((l) => l.trim() !== "");
  if (row < 0) throw new Error(`loadCsv: ${source}: the file has no rows`);
  const firstCells = splitRow(lines[row].replace(/^\uFEFF/, ""), delimiter);
  // An empty first cell is common in headers (pandas' unnamed index), so it alone does not decide.
  const named = firstCells.some((c) => c !== "" && parseNumber(c) === undefined);
  const hasHeader = header === "auto" ? named : header;
  const width = firstCells.length;
  const names = hasHeader ? firstCells : firstCells.map((_, k) => String(k));
  const label = resolveLabel(labelColumn, names, hasHeader, source);
  if (hasHeader) row++;
  const features: number[] = [];
  const labels: number[] = [];
  for (; row < lines.length; row++) {
    if (lines[row].trim() === "") continue;
    const cells = splitRow(lines[row], delimiter);
    if (cells.length !== width) {
      throw new Error(`loadCsv: ${source}:${row + 1}: expected ${width} cells, got ${cells.length} ` +
        "(ragged row)");
    }
    for (let c = 0; c < width; c++) {
      const value = parseNumber(cells[c]);
      if (value === undefined) {
        const what = cells[c] === "" ? "empty cell" : `"${cells[c]}" is not a number`;
        throw new Error(`loadCsv: ${source}:${row + 1}: column ${c + 1}` +
          `${hasHeader ? ` ("${names[c]}")` : ""}: ${what}`);
      }
      if (c === label) labels.push(value);
      else features.push(value);
    }
  }
  const rows = label === null ? features.length / Math.max(width, 1) : labels.length;
  const cols = width - (label === null ? 0 : 1);
  const columns = names.filter((_, k) => k !== label);
  return { rows, cols, features, labels: label === null ? null : labels, columns,
    labelName: label === null ? null : names[label] };
}

/**
 * Reads a CSV file of numbers (gzip-compressed when the name ends in `.gz`) into a feature tensor and,
 * by default, labels from the last column. Every cell must be a number (encode class names first); errors
 * name the file, the line and the column (both 1-based).
 * @example
 * const { x, y, columns } = loadCsv("houses.csv.gz", { labelColumn: "price" });
 */
export function loadCsv(path: string, options: CsvOptions = {}): CsvData {
  return parseCsv(readCsvText(path), options, path);
}

/** A CSV file's text, gunzipped when the name ends in `.gz` (Node only), errors naming the file. */
export function readCsvText(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = platform.readFileSync(path);
  } catch (e) {
    throw new Error(`loadCsv: cannot read ${path}: ${(e as Error).message}`);
  }
  if (path.endsWith(".gz")) {
    try {
      bytes = platform.gunzipSync(bytes);
    } catch (e) {
      throw new Error(`loadCsv: ${path} is not valid gzip data: ${(e as Error).message}`);
    }
  }
  return new TextDecoder().decode(bytes);
}
