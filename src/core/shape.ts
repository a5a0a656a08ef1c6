/** Shape arithmetic shared by ops and backends. Errors name the op so users see where they went wrong. */
export type Shape = readonly number[];

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function checkShape(op: string, shape: Shape): number[] {
  if (!Array.isArray(shape)) {
    throw new Error(`${op}: expected a shape (array of sizes), got ${String(shape)}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: shape ${formatShape(shape)} has an invalid size ${d}; sizes are integers >= 0`);
    }
  }
  return [...shape];
}

/** NumPy broadcasting: align from the right; sizes must match or be 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast: ` +
        `dimension ${i - n} has sizes ${da} and ${db} (they must match or one must be 1)`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had the (broadcast) shape `target`. */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

export function normalizeAxis(op: string, axis: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(axis) || axis < -n || axis >= n) {
    throw new Error(`${op}: dimension ${axis} is out of range for a tensor with ${ndim} dimension(s) ` +
      `(expected an integer in [${-n}, ${n - 1}])`);
  }
  return axis < 0 ? axis + n : axis;
}

/** `undefined`/`null` means every axis; returns sorted unique axes. */
export function normalizeAxes(op: string, axes: number | readonly number[] | null | undefined,
  ndim: number): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(op, a, ndim));
  if (new Set(out).size !== out.length) {
    throw new Error(`${op}: dimension list [${list}] repeats a dimension`);
  }
  return out.sort((x, y) => x - y);
}
