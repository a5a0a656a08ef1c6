/**
 * Hand-written SVG line and bar charts: axes with "nice" ticks (1, 2, 5 × 10^k), labelled axes with
 * units, a legend, and the Okabe–Ito palette (distinguishable with the common colour-vision
 * deficiencies). Pure strings, so the same code renders the file report and the live dashboard.
 */
import { escapeHtml, formatTick } from "./format.js";

export const PALETTE = [
  "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
];

export interface Series { name: string; points: Array<[number, number]>; dashed?: boolean }

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Fixed y range (e.g. [0, 1] for accuracy); otherwise fitted to the data. */
  yDomain?: [number, number];
  /** Shows y values as percentages (ticks × 100 with "%"). */
  percent?: boolean;
  width?: number;
  height?: number;
}

const MARGIN = { left: 64, right: 20, top: 40, bottom: 46 };

/** About `count` round tick values covering [low, high]. */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
    return niceTicks(low - pad, high + pad, count);
  }
  const rough = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.floor(low / step) * step; v <= high + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  if (ticks[ticks.length - 1] < high) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

function extent(values: number[]): [number, number] {
  let low = Infinity, high = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { low = Math.min(low, v); high = Math.max(high, v); }
  return low === Infinity ? [0, 1] : [low, high];
}

function frame(width: number, height: number, title: string, body: string): string {
  return `<svg class="chart-svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(title)}</title>` +
    `<text class="chart-title" x="${MARGIN.left}" y="20">${escapeHtml(title)}</text>${body}</svg>`;
}

// Rough text widths (px per character) of the title and legend fonts, for the layout only.
const TITLE_CHAR = 7.8, LEGEND_CHAR = 6.6;
const legendWidth = (series: Array<{ name: string }>): number =>
  series.reduce((w, s) => w + 26 + s.name.length * LEGEND_CHAR, 0);

/** Whether the legend fits on the title's line; if not it goes on a line of its own below. */
function legendOnTitleLine(title: string, series: Array<{ name: string }>, width: number): boolean {
  return MARGIN.left + title.length * TITLE_CHAR + 24 + legendWidth(series) <= width - MARGIN.right;
}

function legend(series: Array<{ name: string; dashed?: boolean }>, right: number, y: number): string {
  let x = right;
  const items: string[] = [];
  // laid out right to left from the plot's right edge
  for (let i = series.length - 1; i >= 0; i--) {
    x -= 26 + series[i].name.length * LEGEND_CHAR;
    const color = PALETTE[i % PALETTE.length];
    const dash = series[i].dashed ? ' stroke-dasharray="5 3"' : "";
    items.push(`<g class="legend-item"><line x1="${x.toFixed(1)}" x2="${(x + 16).toFixed(1)}" ` +
      `y1="${y - 4}" y2="${y - 4}" stroke="${color}" stroke-width="2.5"${dash}/>` +
      `<text x="${(x + 20).toFixed(1)}" y="${y}">${escapeHtml(series[i].name)}</text></g>`);
  }
  return items.join("");
}

/** A chart of series over a shared numeric x axis (epochs, steps); one marker per point when few. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 560;
  const oneLine = legendOnTitleLine(options.title, options.series, width);
  const top = oneLine ? MARGIN.top : MARGIN.top + 18;
  const height = (options.height ?? 300) + top - MARGIN.top;
  const plotW = width - MARGIN.left - MARGIN.right, plotH = height - top - MARGIN.bottom;
  const points = options.series.flatMap((s) => s.points);
  const [x0, x1] = extent(points.map((p) => p[0]));
  // epochs and steps are whole numbers: no tick at epoch 1.5
  const integerX = points.every((p) => Number.isInteger(p[0]));
  const xTicks = integerX && x1 - x0 < 6 ? Array.from({ length: x1 - x0 + 1 }, (_, i) => x0 + i)
    : niceTicks(x0, x1, 6).filter((t) => !integerX || Number.isInteger(t));
  const yTicks = options.yDomain ? niceTicks(options.yDomain[0], options.yDomain[1], 5)
    : niceTicks(...extent(points.map((p) => p[1])), 5);
  const xLow = Math.min(x0, xTicks[0]), xHigh = Math.max(x1, xTicks[xTicks.length - 1]);
  const yLow = yTicks[0], yHigh = yTicks[yTicks.length - 1];
  const sx = (x: number): number =>
    MARGIN.left + (xHigh === xLow ? plotW / 2 : ((x - xLow) / (xHigh - xLow)) * plotW);
  const sy = (y: number): number => top + plotH - ((y - yLow) / (yHigh - yLow)) * plotH;
  const fmt = (v: number): string => (options.percent ? `${formatTick(v * 100)}%` : formatTick(v));
  const grid = yTicks.map((t) => `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" ` +
    `y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}"/><text class="tick" x="${MARGIN.left - 8}" ` +
    `y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`).join("");
  const xAxis = xTicks.filter((t) => t >= xLow && t <= xHigh).map((t) => `<line class="axis" x1="${sx(t)
    .toFixed(1)}" x2="${sx(t).toFixed(1)}" y1="${top + plotH}" y2="${top + plotH + 5}"/>` +
    `<text class="tick" x="${sx(t).toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle">` +
    `${formatTick(t)}</text>`).join("");
  const lines = options.series.map((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const finite = s.points.filter((p) => Number.isFinite(p[1]));
    const path = finite.map((p, j) => `${j === 0 ? "M" : "L"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`)
      .join("");
    const markers = finite.length <= 40 ? finite.map((p) => `<circle cx="${sx(p[0]).toFixed(1)}" ` +
      `cy="${sy(p[1]).toFixed(1)}" r="2.8" fill="${color}"><title>${escapeHtml(s.name)}: ${fmt(p[1])} at ` +
      `${formatTick(p[0])}</title></circle>`).join("") : "";
    return `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"` +
      `${s.dashed ? ' stroke-dasharray="5 3"' : ""} stroke-linejoin="round"/>${markers}`;
  }).join("");
  const axes = `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${top + plotH}" ` +
    `y2="${top + plotH}"/><line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${top}" ` +
    `y2="${top + plotH}"/>`;
  const labels = `<text class="axis-label" x="${MARGIN.left + plotW / 2}" y="${height - 8}" ` +
    `text-anchor="middle">${escapeHtml(options.xLabel)}</text><text class="axis-label" ` +
    `transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">` +
    `${escapeHtml(options.yLabel)}</text>`;
  return frame(width, height, options.title,
    grid + xAxis + axes + `<g class="plot">${lines}</g>` + labels +
    legend(options.series, width - MARGIN.right, oneLine ? 20 : 40));
}

export interface BarChartOptions {
  title: string; xLabel: string; yLabel: string; categories: string[]; values: number[];
  width?: number; height?: number;
}

/** Vertical bars, one per category, each labelled with its value. */
export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 560, height = options.height ?? 260;
  const plotW = width - MARGIN.left - MARGIN.right, plotH = height - MARGIN.top - MARGIN.bottom;
  const yTicks = niceTicks(0, Math.max(1, ...options.values), 4);
  const yHigh = yTicks[yTicks.length - 1];
  const band = plotW / Math.max(1, options.categories.length);
  const sy = (y: number): number => MARGIN.top + plotH - (y / yHigh) * plotH;
  const grid = yTicks.map((t) => `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" ` +
    `y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}"/><text class="tick" x="${MARGIN.left - 8}" ` +
    `y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${formatTick(t)}</text>`).join("");
  const bars = options.values.map((v, i) => {
    const x = MARGIN.left + i * band + band * 0.15, w = band * 0.7, y = sy(v);
    const mid = (x + w / 2).toFixed(1), name = escapeHtml(options.categories[i]);
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" ` +
      `height="${(MARGIN.top + plotH - y).toFixed(1)}" fill="${PALETTE[0]}"><title>${name}: ${v}</title>` +
      `</rect><text class="tick" x="${mid}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${v}</text>` +
      `<text class="tick" x="${mid}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${name}</text>`;
  }).join("");
  const axes = `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" ` +
    `y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}"/>`;
  const labels = `<text class="axis-label" x="${MARGIN.left + plotW / 2}" y="${height - 8}" ` +
    `text-anchor="middle">${escapeHtml(options.xLabel)}</text><text class="axis-label" ` +
    `transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">` +
    `${escapeHtml(options.yLabel)}</text>`;
  return frame(width, height, options.title, grid + axes + `<g class="plot">${bars}</g>` + labels);
}
