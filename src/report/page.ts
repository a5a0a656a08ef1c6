/**
 * The report page: one self-contained HTML file (inline CSS and SVG, pictures as data URIs, no script
 * and no network access) built from a run's records. The live dashboard serves the same page with a
 * small script that swaps in each update it receives.
 */
import { barChart } from "./chart.js";
import { confusionHeatmap, mistakesGrid, perClassTable } from "./classification.js";
import { curveCharts } from "./curves.js";
import { escapeHtml, formatBytes, formatDuration, formatValue } from "./format.js";
import type { ReportData } from "./records.js";
import { REPORT_CSS } from "./style.js";

const section = (id: string, title: string, body: string): string =>
  `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;

const CARD_LABELS: Record<string, string> = {
  seconds: "training time", baselineSeconds: "baseline training time", valLoss: "validation loss",
  valBitsPerChar: "validation bits per character",
  tokensPerSecond: "characters per second", classesCoveredConfidently: "classes with confident samples",
  classifierTestAccuracy: "judge's test accuracy", baselineTestAccuracy: "test accuracy without pre-training",
};

/** The end result's scalar figures as cards (curves, arrays and nested objects are shown elsewhere). */
function resultCards(data: ReportData): string {
  const result = data.end?.result;
  if (result === undefined) {
    const last = data.epochs.at(-1);
    return last === undefined ? "<p class=\"muted\">Waiting for the first epoch…</p>"
      : `<p class="muted">Training: epoch ${last.epoch}, ${formatDuration(last.wallSeconds)} so far.</p>`;
  }
  // the coverage section explains the GAN's judged figures; the arg-max class count alone misleads
  const skip = new Set(["model", "dataset", "classCounts", "confidentClassCounts", "classesCovered",
    "confidenceThreshold", "judgedSamples", "confidentShare", "meanTopProbability"]);
  const cards = Object.entries(result).filter(([k, v]) => !skip.has(k) &&
    (typeof v === "number" || (typeof v === "string" && v.length < 24)))
    .map(([k, v]) => `<div class="card"><div class="card-value">${escapeHtml(/^seconds$|Seconds$/.test(k)
      ? formatDuration(v as number) : formatValue(v))}</div><div class="card-label">` +
      `${escapeHtml(CARD_LABELS[k] ?? k.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase())}</div></div>`);
  return `<div class="cards">${cards.join("")}</div>`;
}

function chartsSection(data: ReportData): string {
  const charts = curveCharts(data.run, data.epochs, data.steps);
  if (charts.length === 0) return "";
  const onTest = data.epochs.some((e) => e.metrics.valAccuracy !== undefined)
    ? "<p class=\"muted\">“Validation” is the held-out test split, the one the test accuracy is " +
      "reported on (the CLI keeps no third split).</p>" : "";
  return section("curves", "Training curves", `${onTest}<div class="charts">${charts.map((c) =>
    `<div class="chart" data-chart="${c.id}">${c.svg}</div>`).join("")}</div>`);
}

function classificationSections(data: ReportData): string {
  const c = data.classification;
  if (c === null) return "";
  return section("classification", "Test-set classification",
    `<div class="side-by-side"><div class="chart" data-chart="confusion">${confusionHeatmap(c)}</div>` +
    `<div>${perClassTable(c)}</div></div>`) +
    section("mistakes", "Most confident mistakes", mistakesGrid(c));
}

/** The GAN's judged samples: an honest count (confidence ≥ the threshold) beside the raw arg-max one. */
function coverageSection(data: ReportData): string {
  const r = data.end?.result;
  if (r === undefined || typeof r.confidentShare !== "number") return "";
  const counts = Array.isArray(r.confidentClassCounts) ? (r.confidentClassCounts as number[]) : [];
  const threshold = typeof r.confidenceThreshold === "number" ? r.confidenceThreshold : 0.9;
  const samples = typeof r.judgedSamples === "number" ? r.judgedSamples : counts.reduce((s, v) => s + v, 0);
  const text = `<p class="lead"><b>${formatValue(r.classesCoveredConfidently)} of ${counts.length} ` +
    "classes</b> " +
    `appear among the samples with the judge's confidence ≥ ${threshold}; ` +
    `<b>${(r.confidentShare * 100).toFixed(1)}%</b> of ${formatValue(samples)} samples reach that ` +
    "confidence. " +
    `Mean top-class probability ${formatValue(r.meanTopProbability)}` +
    (typeof r.classesCovered === "number"
      ? ` (by arg-max alone ${r.classesCovered} classes win some sample, ` +
      "which says little: noise has an arg-max too)" : "") + `; the judge (an MLP trained on the real ` +
    `digits) classifies the real test digits with accuracy ${formatValue(r.classifierTestAccuracy)}.</p>`;
  const chart = counts.length === 0 ? "" : `<div class="chart" data-chart="coverage">${barChart({
    title: `Samples judged with confidence ≥ ${threshold}, by class`, xLabel: "class (the judge's arg-max)",
    yLabel: "samples", categories: counts.map((_, i) => String(i)), values: counts })}</div>`;
  return section("coverage", "How digit-like and varied the samples are", text + chart);
}

function samplesSection(data: ReportData): string {
  if (data.samplesByEpoch.length === 0) return "";
  return section("samples", "Samples by epoch (the same latent vectors each time)",
    `<div class="figures">${data.samplesByEpoch.map((s) => `<figure class="sample-grid"><img alt="samples ` +
      `after epoch ${s.epoch}" src="${s.src}"><figcaption>epoch ${s.epoch}</figcaption></figure>`)
      .join("")}` +
    "</div>");
}

function figuresSection(data: ReportData): string {
  if (data.figures.length === 0) return "";
  return section("figures", "Figures", `<div class="figures">${data.figures.map((f) => `<figure>` +
    `<img alt="${escapeHtml(f.title)}" src="${f.src}"${f.width === undefined ? "" : ` width="${f.width}"`}>` +
    `<figcaption><b>${escapeHtml(f.title)}</b> ` +
    `${escapeHtml(f.caption)}</figcaption></figure>`).join("")}</div>`);
}

function textSection(data: ReportData): string {
  const t = data.textSample;
  if (t === null) return "";
  const bits = data.end?.result.valBitsPerChar;
  const head = `<p>${typeof bits === "number" ? `Validation: <b>${formatValue(bits)} bits per character</b>. `
    : ""}Generated with temperature ${t.temperature}, seed ${t.seed}:</p>`;
  return section("text", "Text sample", `${head}<pre class="text-sample">${escapeHtml(t.text)}</pre>`);
}

function summarySection(data: ReportData): string {
  const s = data.summary;
  if (s === null) return "";
  const rows = s.rows.map((r) => `<tr><td class="layer" style="padding-left:${0.6 + r.depth * 1.1}em">` +
    `${escapeHtml(r.name === "" ? "(model)" : r.name)} <span class="muted">${escapeHtml(r.type)}</span>` +
    `</td><td>${r.outputShapes === null ? "–"
      : escapeHtml(r.outputShapes.map((x) => `[${x.join(", ")}]`).join(", "))}` +
    `</td><td>${r.parameters.toLocaleString("en-US")}</td></tr>`).join("");
  const foot = `<p class="muted">${s.totalParameters.toLocaleString("en-US")} parameters ` +
    `(${s.trainableParameters.toLocaleString("en-US")} trainable), ${formatBytes(s.parameterBytes)}` +
    `${s.inputShape === null ? "" : `; output shapes for an input of shape [${s.inputShape.join(", ")}]`}.` +
    `${s.rows.some((r) => r.outputShapes === null) && s.inputShape !== null
      ? " “–”: the module is not called by the model's forward (a GAN's discriminator judges images " +
        "separately)." : ""}</p>`;
  return section("summary", "Model", `<table class="numbers summary"><thead><tr><th>layer</th>` +
    `<th>output shape</th><th>parameters</th></tr></thead><tbody>${rows}</tbody></table>${foot}`);
}

function configSection(data: ReportData): string {
  const run = data.run;
  if (run === null) return "";
  const last = data.epochs.at(-1);
  const perEpoch = last === undefined || last.epoch === 0 ? null : last.wallSeconds / last.epoch;
  const rows: Array<[string, string]> = [
    ["command", `zendl ${run.command.join(" ")}`], ["seed", String(run.seed)],
    ["started", run.startedAt], ["total time", data.end ? formatDuration(data.end.wallSeconds) : "running"],
    ["time per epoch", perEpoch === null ? "–" : formatDuration(perEpoch)],
    ["zendl", run.zendlVersion], ["backend", `${run.backend}, ${run.threads} threads`],
    ["machine", `${run.machine.cpu}, ${run.machine.cores} cores, ${formatBytes(run.machine.memoryBytes)}, ` +
      `${run.machine.platform}`], ["Node.js", run.machine.node],
  ];
  return section("config", "Run", `<table class="config">${rows.map(([k, v]) =>
    `<tr><th scope="row">${k}</th>` +
    `<td>${escapeHtml(v)}</td></tr>`).join("")}</table>`);
}

/** The inside of `<main>`: what the dashboard replaces on each update. */
export function renderMain(data: ReportData): string {
  const notes = data.notes.length === 0 ? "" : section("notes", "Notes",
    `<ul>${data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`);
  const when = data.run === null ? ""
    : ` · ${escapeHtml(data.run.startedAt.replace("T", " ").slice(0, 16))} UTC`;
  return `<header><h1>${escapeHtml(data.title)}</h1><p class="muted">zendl training report${when}</p>` +
    "</header>" +
    resultCards(data) + chartsSection(data) + classificationSections(data) + coverageSection(data) +
    samplesSection(data) + textSection(data) + figuresSection(data) + summarySection(data) +
    configSection(data) + notes;
}

// The dashboard's only script: replace <main> with each server-sent update; stop at the end.
const LIVE_SCRIPT = `const source = new EventSource("/events");
const show = (event) => { document.getElementById("report").innerHTML = JSON.parse(event.data).html; };
source.addEventListener("update", show);
source.addEventListener("end", (event) => { show(event); source.close();
  document.title = document.title.replace(" (live)", ""); });`;

/** The whole page; `live` adds the dashboard's update script. */
export function renderReport(data: ReportData, options: { live?: boolean } = {}): string {
  const title = `${data.title}${options.live ? " (live)" : ""}`;
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; ` +
    `style-src 'unsafe-inline'; ${options.live ? "script-src 'unsafe-inline'; connect-src 'self'" : ""}">` +
    `<title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head>` +
    `<body><main id="report">${renderMain(data)}</main>` +
    `${options.live ? `<script>${LIVE_SCRIPT}</script>` : ""}</body></html>\n`;
}
