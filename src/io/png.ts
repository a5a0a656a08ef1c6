/**
 * PNG output: raw 8-bit pixels (`writePng`) and tensors of images laid out as a grid (`saveImageGrid`),
 * for looking at what autoencoders, GANs and RBMs produce (png-encode.ts); files are written under a
 * temporary name and renamed, so a crash never leaves half an image. In a browser, draw a grid on a
 * canvas with `toImageData`.
 */
import { platform } from "#platform";
import { Tensor } from "../core/tensor.js";
import { checkInt } from "../util/check.js";
import { encodePngBytes } from "./png-encode.js";

/** Samples per pixel of `writePng`'s input: gray, RGB or RGBA, row-major, interleaved. */
export type PngChannels = 1 | 3 | 4;

// PNG colour types (spec section 11.2.2): 0 grayscale, 2 truecolour, 6 truecolour with alpha.
const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const;
// The PNG format caps width and height at 2^31 - 1; far below that, an array would overflow first.
const MAX_SIDE = 2 ** 31 - 1;

function checkSide(op: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_SIDE) {
    throw new Error(`${op}: ${name} must be an integer from 1 to ${MAX_SIDE}, given ${String(value)}`);
  }
}

/** Encodes 8-bit pixels as PNG bytes (no file); the checks are those of `writePng`. */
export function encodePng(
  pixels: Uint8Array, width: number, height: number, channels: PngChannels,
): Uint8Array {
  checkSide("writePng", "width", width);
  checkSide("writePng", "height", height);
  if (!Object.hasOwn(COLOR_TYPE, channels)) {
    throw new Error(
      `writePng: channels must be 1 (gray), 3 (RGB) or 4 (RGBA), given ${String(channels)}`);
  }
  if (!(pixels instanceof Uint8Array)) {
    throw new Error("writePng: pixels must be a Uint8Array of 8-bit samples");
  }
  const expected = width * height * channels;
  if (pixels.length !== expected) {
    throw new Error(`writePng: ${width}x${height} pixels with ${channels} channel(s) need ` +
      `${expected} bytes, given ${pixels.length}`);
  }
  return encodePngBytes(pixels, width, height, channels, COLOR_TYPE[channels]);
}

/**
 * Writes 8-bit pixels (row-major, channels interleaved) to a PNG file.
 * @example zd.writePng("red.png", new Uint8Array([255, 0, 0]), 1, 1, 3);
 */
export function writePng(path: string, pixels: Uint8Array, width: number, height: number,
  channels: PngChannels): void {
  if (typeof path !== "string" || path === "") throw new Error("writePng: path must be a non-empty string");
  platform.writeFileAtomicSync(path, encodePng(pixels, width, height, channels));
}

export interface ImageGridOptions {
  /** Images per row (default 8, fewer when there are fewer images). */
  nrow?: number;
  /** Pixels between images and around the grid, in output pixels (default 2). */
  padding?: number;
  /** Integer upscaling of every image, nearest neighbour, so 8x8 digits are visible (default 1). */
  scale?: number;
  /** Gray level of the padding in [0, 1] (default 0.5, so black and white images both stand out). */
  padValue?: number;
}

/** A grid of images as 8-bit pixels, ready for `writePng`. */
export interface ImageGrid { pixels: Uint8Array; width: number; height: number; channels: 1 | 3 }

function checkCount(name: string, value: number, min: number): void {
  checkInt("saveImageGrid", name, value, min);
}

// Clipped to [0, 1] and rounded; NaN (a diverged generator, say) shows as black rather than aborting a run.
function toByte(value: number): number {
  if (!(value > 0)) return 0;
  return value >= 1 ? 255 : Math.round(value * 255);
}

/**
 * Lays out images `[N, H, W]` or `[N, C, H, W]` (C = 1 or 3, values in [0, 1], clipped) as one picture,
 * `nrow` images per row, like torchvision's `make_grid`.
 */
export function makeImageGrid(images: Tensor, options: ImageGridOptions = {}): ImageGrid {
  if (!(images instanceof Tensor)) throw new Error("saveImageGrid: images must be a Tensor");
  const shape = images.shape;
  if (shape.length !== 3 && shape.length !== 4) {
    throw new Error(
      `saveImageGrid: images must be [N, H, W] or [N, C, H, W], given shape [${shape.join(", ")}]`);
  }
  const [n, c, h, w] = shape.length === 3 ? [shape[0], 1, shape[1], shape[2]] : shape;
  if (c !== 1 && c !== 3) {
    throw new Error(
      `saveImageGrid: images [N, C, H, W] need C = 1 or 3 channels, given ${c} ` +
      `(shape [${shape.join(", ")}])`);
  }
  if (n < 1 || h < 1 || w < 1) {
    throw new Error(`saveImageGrid: no pixels to draw in shape [${shape.join(", ")}]`);
  }
  const { nrow = 8, padding = 2, scale = 1, padValue = 0.5 } = options;
  checkCount("nrow", nrow, 1);
  checkCount("padding", padding, 0);
  checkCount("scale", scale, 1);
  if (!(padValue >= 0 && padValue <= 1)) {
    throw new Error(`saveImageGrid: padValue must be in [0, 1], given ${String(padValue)}`);
  }
  const cols = Math.min(nrow, n), rows = Math.ceil(n / cols);
  const cellH = h * scale, cellW = w * scale;
  const width = cols * (cellW + padding) + padding, height = rows * (cellH + padding) + padding;
  checkSide("saveImageGrid", "grid width", width);
  checkSide("saveImageGrid", "grid height", height);
  const pixels = new Uint8Array(width * height * c).fill(toByte(padValue));
  const data = images.dataSync();
  for (let img = 0; img < n; img++) {
    const top = padding + Math.floor(img / cols) * (cellH + padding);
    const left = padding + (img % cols) * (cellW + padding);
    for (let ch = 0; ch < c; ch++) {
      const plane = (img * c + ch) * h * w;
      for (let y = 0; y < cellH; y++) {
        const srcRow = plane + Math.floor(y / scale) * w;
        const dstRow = ((top + y) * width + left) * c + ch;
        for (let x = 0; x < cellW; x++) pixels[dstRow + x * c] = toByte(data[srcRow + Math.floor(x / scale)]);
      }
    }
  }
  return { pixels, width, height, channels: c };
}

/**
 * Saves images `[N, H, W]` or `[N, C, H, W]` (C = 1 or 3, values in [0, 1], clipped) as a PNG grid.
 * @example zd.saveImageGrid("samples.png", zd.rand([16, 8, 8]), { nrow: 4, scale: 4 });
 */
export function saveImageGrid(path: string, images: Tensor, options: ImageGridOptions = {}): void {
  const grid = makeImageGrid(images, options);
  writePng(path, grid.pixels, grid.width, grid.height, grid.channels);
}

/**
 * A grid (or any 8-bit gray/RGB/RGBA pixels) as an `ImageData` for a canvas: browsers only.
 * @example ctx.putImageData(zd.toImageData(zd.makeImageGrid(samples, { scale: 4 })), 0, 0);
 */
export function toImageData(grid: ImageGrid | { pixels: Uint8Array; width: number; height: number;
  channels: PngChannels }): ImageData {
  if (typeof ImageData !== "function") throw new Error("toImageData: ImageData exists only in browsers");
  const { pixels, width, height, channels } = grid;
  if (pixels.length !== width * height * channels) {
    throw new Error(`toImageData: ${width}x${height}x${channels} needs ${width * height * channels} bytes, ` +
      `given ${pixels.length}`);
  }
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const at = i * channels;
    rgba[i * 4] = pixels[at];
    rgba[i * 4 + 1] = pixels[channels >= 3 ? at + 1 : at];
    rgba[i * 4 + 2] = pixels[channels >= 3 ? at + 2 : at];
    rgba[i * 4 + 3] = channels === 4 ? pixels[at + 3] : 255;
  }
  return new ImageData(rgba, width, height);
}
