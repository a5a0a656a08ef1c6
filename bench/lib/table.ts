/** Plain-text tables: the same layout for every benchmark, readable in a terminal and in CI logs. */

export type Cell = string | number | null | undefined;

/** `null`/`undefined` print as "n/a"; numbers with `digits` decimals. */
export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return value.toFixed(digits);
}

type Maybe = number | null | undefined;

export function ratio(ours: Maybe, theirs: Maybe, digits = 2): string {
  if (!ours || !theirs || !Number.isFinite(ours) || !Number.isFinite(theirs)) return "n/a";
  return `${(ours / theirs).toFixed(digits)}x`;
}

/** Left-aligns the first column, right-aligns the others. */
export function printTable(title: string, header: readonly string[],
  rows: readonly (readonly Cell[])[]): void {
  const text = rows.map((row) => row.map((cell) => (cell ?? "n/a").toString()));
  const widths = header.map((h, c) => Math.max(h.length, ...text.map((row) => (row[c] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of text) console.log(line(row));
}
