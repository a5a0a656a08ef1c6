// Canvas drawing for the demo: a loss/accuracy chart, a confusion matrix and probability bars.

export interface Series { label: string; color: string; values: number[]; axis: "left" | "right" }

function prepare(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = "12px system-ui, sans-serif";
  return ctx;
}

/** Lines over steps: loss on the left axis (0..max), accuracy on the right (0..1). */
export function drawChart(canvas: HTMLCanvasElement, series: Series[], xLabel: string): void {
  const ctx = prepare(canvas);
  const pad = { l: 44, r: 44, t: 14, b: 30 };
  const w = canvas.width - pad.l - pad.r, h = canvas.height - pad.t - pad.b;
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const leftMax = Math.max(1e-6, ...series.filter((s) => s.axis === "left").flatMap((s) => s.values)) * 1.05;
  ctx.strokeStyle = "#e3e6ee";
  ctx.fillStyle = "#667";
  for (let i = 0; i <= 4; i++) {
    const y = pad.t + (h * i) / 4;
    ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(pad.l + w, y); ctx.stroke();
    ctx.fillText((leftMax * (1 - i / 4)).toFixed(2), 4, y + 4);
    ctx.fillText((1 - i / 4).toFixed(2), pad.l + w + 6, y + 4);
  }
  ctx.fillText(xLabel, pad.l + w - 50, canvas.height - 8);
  for (const s of series) {
    if (s.values.length === 0) continue;
    const max = s.axis === "left" ? leftMax : 1;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.values.forEach((v, i) => {
      const x = pad.l + (w * i) / (n - 1), y = pad.t + h * (1 - Math.min(1, v / max));
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  // the legend sits under the plot, where no line can hide it
  series.forEach((s, i) => {
    ctx.fillStyle = s.color;
    ctx.fillRect(pad.l + i * 110, canvas.height - 17, 10, 10);
    ctx.fillStyle = "#333";
    ctx.fillText(s.label, pad.l + 14 + i * 110, canvas.height - 8);
  });
}

/** counts[true][predicted], shaded by row share, with the class names down the side. */
export function drawConfusion(canvas: HTMLCanvasElement, counts: number[][], names: string[]): void {
  const ctx = prepare(canvas);
  const k = counts.length, left = 70, top = 6;
  const cell = Math.min((canvas.width - left - 6) / k, (canvas.height - top - 6) / k);
  counts.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((c, p) => {
      const share = c / total;
      ctx.fillStyle = t === p ? `rgba(37, 99, 235, ${0.1 + 0.9 * share})` : `rgba(220, 38, 38, ${share * 1.5})`;
      ctx.fillRect(left + p * cell, top + t * cell, cell - 1, cell - 1);
      if (c > 0 && cell >= 18) {
        ctx.fillStyle = share > 0.5 ? "#fff" : "#222";
        ctx.fillText(String(c), left + p * cell + 3, top + t * cell + cell / 2 + 4);
      }
    });
    ctx.fillStyle = "#333";
    ctx.fillText(names[t].slice(0, 10), 2, top + t * cell + cell / 2 + 4);
  });
}

/** Horizontal bars of class probabilities, the most likely highlighted. */
export function drawBars(canvas: HTMLCanvasElement, probabilities: number[], names: string[]): void {
  const ctx = prepare(canvas);
  const best = probabilities.indexOf(Math.max(...probabilities));
  const rowH = canvas.height / probabilities.length;
  probabilities.forEach((p, i) => {
    ctx.fillStyle = i === best ? "#2563eb" : "#a5b4fc";
    ctx.fillRect(30, i * rowH + 2, (canvas.width - 80) * p, rowH - 4);
    ctx.fillStyle = "#333";
    ctx.fillText(names[i], 4, i * rowH + rowH / 2 + 4);
    ctx.fillText(`${(p * 100).toFixed(1)}%`, canvas.width - 46, i * rowH + rowH / 2 + 4);
  });
}
