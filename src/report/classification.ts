/**
 * The classifier sections of a report: the confusion matrix as a heat map, the per-class table
 * (scikit-learn's classification report) and a grid of the most confident mistakes.
 */
import { escapeHtml } from "./format.js";
import type { ClassificationSection, PixelImage } from "./records.js";

/** White to deep blue: how much of a true class lands in a cell (a row-normalized share). */
function cellColor(share: number): string {
  const mix = (a: number, b: number): number => Math.round(a + (b - a) * share);
  return `rgb(${mix(247, 8)},${mix(251, 48)},${mix(255, 107)})`;
}

/** Rows are true classes, columns predicted ones; the colour is the share of the row. */
export function confusionHeatmap(section: ClassificationSection): string {
  const k = section.labels.length;
  const cell = Math.max(18, Math.min(44, Math.floor(440 / k)));
  // rows carry "label name" when classes have names (Fashion-MNIST); columns the label only
  const rowNames = section.names.map((name, i) =>
    (name === String(section.labels[i]) ? name : `${section.labels[i]} ${name}`));
  const left = 70 + Math.max(...rowNames.map((n) => n.length)) * 7, top = 64;
  const size = cell * k;
  const width = left + size + 16, height = top + size + 20;
  const cells: string[] = [];
  section.confusion.forEach((row, i) => {
    const total = row.reduce((s, v) => s + v, 0);
    row.forEach((count, j) => {
      const share = total === 0 ? 0 : count / total;
      const x = left + j * cell, y = top + i * cell;
      cells.push(`<rect class="cm-cell" data-count="${count}" x="${x}" y="${y}" width="${cell}" ` +
        `height="${cell}" ` +
        `fill="${cellColor(share)}" stroke="#fff"><title>true ${escapeHtml(section.names[i])}, predicted ` +
        `${escapeHtml(section.names[j])}: ${count} (${(share * 100).toFixed(1)}% of the row)</title></rect>`);
      if (count > 0 && cell >= 22) {
        cells.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" class="cm-text" ` +
          `fill="${share > 0.5 ? "#fff" : "#1a1a1a"}">${count}</text>`);
      }
    });
  });
  const labels = rowNames.map((name, i) =>
    `<text class="tick" x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">` +
    `${escapeHtml(name)}</text><text class="tick" x="${left + i * cell + cell / 2}" y="${top - 8}" ` +
    `text-anchor="middle">${section.labels[i]}</text>`).join("");
  const axes = `<text class="axis-label" x="${left + size / 2}" y="${top - 28}" text-anchor="middle">` +
    `predicted class</text><text class="axis-label" text-anchor="middle" ` +
    `transform="translate(16 ${top + size / 2}) rotate(-90)">true class</text>`;
  const total = section.confusion.flat().reduce((s, v) => s + v, 0);
  const title = `Confusion matrix (${total.toLocaleString("en-US")} test samples)`;
  return `<svg class="chart-svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    'role="img" ' +
    `aria-label="${title}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>` +
    `<text class="chart-title" x="8" y="20">${title}</text>${cells.join("")}${labels}${axes}</svg>`;
}

/** The classification report as an HTML table, with the averages below the classes. */
export function perClassTable(section: ClassificationSection): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  const row = (name: string, s: { precision: number; recall: number; f1: number; support: number }, cls = ""):
    string => `<tr${cls}><th scope="row">${escapeHtml(name)}</th><td>${pct(s.precision)}</td>` +
    `<td>${pct(s.recall)}</td><td>${pct(s.f1)}</td><td>${s.support.toLocaleString("en-US")}</td></tr>`;
  const total = section.weightedAvg.support;
  const topK = section.topKAccuracy === undefined ? "" : `<tr class="avg"><th scope="row">top-` +
    `${section.topKAccuracy.k} accuracy</th><td></td><td></td><td>${pct(section.topKAccuracy.value)}</td>` +
    `<td>${total.toLocaleString("en-US")}</td></tr>`;
  return `<table class="numbers"><caption>Per-class precision, recall and F1 on the test set</caption>` +
    "<thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead>" +
    "<tbody>" +
    section.perClass.map((s, i) => row(section.names[i] === String(section.labels[i]) ? section.names[i]
      : `${section.labels[i]} ${section.names[i]}`, s)).join("") +
    `<tr class="avg"><th scope="row">accuracy</th><td></td><td></td><td>${pct(section.accuracy)}</td>` +
    `<td>${total.toLocaleString("en-US")}</td></tr>${topK}` +
    row("macro average", section.macroAvg, ' class="avg"') +
    row("weighted average", section.weightedAvg, ' class="avg"') + "</tbody></table>";
}

/** A small picture as SVG rectangles (no PNG encoder needed, crisp at any zoom). */
export function pixelImageSvg(image: PixelImage, size = 72): string {
  const { width, height, channels, pixels } = image;
  const plane = width * height;
  const rects: string[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * width + x;
      const level = (c: number): number => Math.round(255 * Math.min(1, Math.max(0, pixels[c * plane + at])));
      const [r, g, b] = channels === 3 ? [level(0), level(1), level(2)] : [level(0), level(0), level(0)];
      if (r + g + b === 0) continue;
      rects.push(`<rect x="${x}" y="${y}" width="1.02" height="1.02" fill="rgb(${r},${g},${b})"/>`);
    }
  }
  return `<svg class="pixels" viewBox="0 0 ${width} ${height}" width="${size}" height="${size}" ` +
    `xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">` +
    `<rect width="${width}" height="${height}" ` +
    `fill="#000"/>${rects.join("")}</svg>`;
}

/** The most confident wrong predictions, each with its picture when the data are images. */
export function mistakesGrid(section: ClassificationSection): string {
  if (section.mistakes.length === 0) return "<p>No mistakes on the test set.</p>";
  const name = (label: number): string =>
    escapeHtml(section.names[section.labels.indexOf(label)] ?? String(label));
  const items = section.mistakes.map((m) => {
    const picture = m.image === null ? "" : pixelImageSvg(m.image);
    return `<figure class="mistake">${picture}<figcaption><b>${name(m.trueLabel)}</b> → <b class="wrong">` +
      `${name(m.predicted)}</b><br><span class="muted">${(m.confidence * 100).toFixed(0)}% · ` +
      `#${m.index}</span>` +
      "</figcaption></figure>";
  }).join("");
  const legend = "<p class=\"muted\">Each picture: true class → predicted class, the model's probability " +
    "for its prediction, and the sample's index in the test set.</p>";
  return `${legend}<div class="mistakes">${items}</div>`;
}
