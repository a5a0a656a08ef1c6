// A square canvas to draw on with mouse, pen or finger; read back as a coarse grid of ink coverage.

export class DrawPad {
  private drawing = false;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly onChange: () => void) {
    this.ctx = canvas.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
    this.clear();
    canvas.addEventListener("pointerdown", (e) => { this.drawing = true; this.stroke(e, true); });
    canvas.addEventListener("pointermove", (e) => { if (this.drawing) this.stroke(e, false); });
    const end = (): void => { if (this.drawing) { this.drawing = false; this.onChange(); } };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointerleave", end);
  }

  clear(): void {
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  private stroke(e: PointerEvent, start: boolean): void {
    const r = this.canvas.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * this.canvas.width;
    const y = ((e.clientY - r.top) / r.height) * this.canvas.height;
    const ctx = this.ctx;
    ctx.strokeStyle = ctx.fillStyle = "#fff";
    ctx.lineWidth = this.canvas.width / 9;
    ctx.lineCap = ctx.lineJoin = "round";
    if (start) { ctx.beginPath(); ctx.moveTo(x, y); }
    ctx.lineTo(x, y);
    ctx.stroke();
    this.onChange();
  }

  /**
   * Ink coverage in [0, 1] of each of size x size cells, row-major, after centring the drawing's
   * bounding box in the square as the digits data set's preprocessing did (normalised 32x32 bitmaps).
   */
  toGrid(size: number): number[] {
    const { width, height } = this.canvas;
    const pixels = this.ctx.getImageData(0, 0, width, height).data;
    let top = height, bottom = -1, left = width, right = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (pixels[(y * width + x) * 4] > 64) {
          top = Math.min(top, y); bottom = Math.max(bottom, y);
          left = Math.min(left, x); right = Math.max(right, x);
        }
      }
    }
    if (bottom < 0) return Array<number>(size * size).fill(0);
    const side = Math.max(bottom - top, right - left) + 1;
    const cx = (left + right) / 2, cy = (top + bottom) / 2;
    const grid: number[] = [];
    for (let gy = 0; gy < size; gy++) {
      for (let gx = 0; gx < size; gx++) {
        let sum = 0, n = 0;
        for (let sy = 0; sy < 4; sy++) {
          for (let sx = 0; sx < 4; sx++) {
            const x = Math.round(cx - side / 2 + ((gx + (sx + 0.5) / 4) / size) * side);
            const y = Math.round(cy - side / 2 + ((gy + (sy + 0.5) / 4) / size) * side);
            n++;
            if (x >= 0 && y >= 0 && x < width && y < height) sum += pixels[(y * width + x) * 4] / 255;
          }
        }
        grid.push(sum / n);
      }
    }
    return grid;
  }
}
