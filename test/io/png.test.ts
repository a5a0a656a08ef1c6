import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pngjs from "pngjs";
import * as zd from "../../src/index.js";
import { makeImageGrid } from "../../src/io/png.js";

interface Decoded { width: number; height: number; colorType: number; data: Buffer }

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "zendl-png-"));
  try { body(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

// skipRescale keeps 8-bit samples; the decoder always returns RGBA, colorType tells what the file holds.
function readBack(path: string): Decoded {
  const png = pngjs.PNG.sync.read(readFileSync(path), { skipRescale: true });
  return { width: png.width, height: png.height, colorType: png.colorType, data: png.data };
}

function rgbaAt(png: Decoded, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return [...png.data.subarray(i, i + 4)];
}

test("writePng round trips gray, RGB and RGBA pixels exactly and leaves no temporary file", () => {
  withDir((dir) => {
    const gray = new Uint8Array([0, 64, 128, 255, 1, 254]);
    zd.writePng(join(dir, "gray.png"), gray, 3, 2, 1);
    const g = readBack(join(dir, "gray.png"));
    assert.deepEqual([g.width, g.height, g.colorType], [3, 2, 0]);
    for (let i = 0; i < 6; i++) {
      assert.deepEqual(rgbaAt(g, i % 3, Math.floor(i / 3)), [gray[i], gray[i], gray[i], 255]);
    }

    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    zd.writePng(join(dir, "rgb.png"), rgb, 2, 2, 3);
    const c = readBack(join(dir, "rgb.png"));
    assert.equal(c.colorType, 2);
    assert.deepEqual(rgbaAt(c, 0, 0), [255, 0, 0, 255]);
    assert.deepEqual(rgbaAt(c, 1, 1), [10, 20, 30, 255]);

    const rgba = new Uint8Array([1, 2, 3, 4, 250, 251, 252, 0]);
    zd.writePng(join(dir, "rgba.png"), rgba, 1, 2, 4);
    const a = readBack(join(dir, "rgba.png"));
    assert.equal(a.colorType, 6);
    assert.deepEqual([...a.data], [...rgba]);
    assert.deepEqual(readdirSync(dir).sort(), ["gray.png", "rgb.png", "rgba.png"]);
  });
});

test("writePng names the numbers when pixels and sizes disagree", () => {
  withDir((dir) => {
    const path = join(dir, "x.png");
    const write = (bytes: number, w: number, h: number, c: number) => () =>
      zd.writePng(path, new Uint8Array(bytes), w, h, c as zd.PngChannels);
    assert.throws(write(5, 3, 2, 1), /3x2 pixels with 1 channel\(s\) need 6 bytes, given 5/);
    assert.throws(write(6, 0, 2, 1), /width must be an integer from 1/);
    assert.throws(write(6, 3, 2.5, 1), /height must be an integer from 1 .* given 2.5/);
    assert.throws(write(12, 3, 2, 2), /channels must be 1 \(gray\), 3 \(RGB\) or 4/);
    assert.throws(() => zd.writePng("", new Uint8Array(1), 1, 1, 1), /path must be a non-empty string/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

test("saveImageGrid lays out, clips, pads and upscales gray images", () => {
  withDir((dir) => {
    // Three 2x2 images: image k has the value k/2 except its top-left pixel, which is out of range.
    const values: number[] = [];
    for (let k = 0; k < 3; k++) values.push(k === 1 ? -3 : 7, k / 2, k / 2, k / 2);
    const path = join(dir, "grid.png");
    zd.saveImageGrid(path, zd.tensor(values, { shape: [3, 2, 2] }), { nrow: 2, padding: 1, scale: 3 });
    const png = readBack(path);
    // 2 columns of 6 pixels and 3 padding pixels; 2 rows likewise.
    assert.deepEqual([png.width, png.height, png.colorType], [15, 15, 0]);
    const at = (x: number, y: number): number => rgbaAt(png, x, y)[0];
    assert.equal(at(0, 0), 128, "padding is mid-gray");
    assert.equal(at(7, 4), 128, "padding between columns");
    // Image 0 at (1,1): clipped 7 -> 255 over its top-left 3x3 block, then 0.
    for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) assert.equal(at(x, y), 255);
    assert.equal(at(4, 1), 0);
    // Image 1 at (8,1): clipped -3 -> 0, then 0.5 -> 128.
    assert.equal(at(8, 1), 0);
    assert.equal(at(13, 6), 128);
    // Image 2 on the second row, first column; the empty fourth cell stays padding.
    assert.equal(at(4, 11), 255);
    assert.equal(at(10, 11), 128);
  });
});

test("saveImageGrid writes RGB for [N, 3, H, W] and one channel for [N, 1, H, W]", () => {
  const rgb = zd.tensor([1, 0, 0.2, 0, 1, 0.2, 0, 0, 0.2], { shape: [1, 3, 1, 3] });
  const grid = makeImageGrid(rgb, { padding: 0 });
  assert.deepEqual([grid.width, grid.height, grid.channels], [3, 1, 3]);
  assert.deepEqual([...grid.pixels], [255, 0, 0, 0, 255, 0, 51, 51, 51]);
  const one = makeImageGrid(zd.ones([2, 1, 2, 2], { dtype: "float64" }), { padding: 0, nrow: 1 });
  assert.deepEqual([one.width, one.height, one.channels], [2, 4, 1]);
  assert.ok(one.pixels.every((v) => v === 255));
  const nan = makeImageGrid(zd.tensor([Number.NaN], { shape: [1, 1, 1] }), { padding: 0 });
  assert.equal(nan.pixels[0], 0, "NaN is drawn black");
});

test("saveImageGrid rejects bad shapes and options with the numbers", () => {
  const path = join(tmpdir(), "zendl-never-written.png");
  const grid = (shape: number[], options: zd.ImageGridOptions = {}) => () =>
    zd.saveImageGrid(path, zd.zeros(shape), options);
  assert.throws(grid([8, 8]), /\[N, H, W\] or \[N, C, H, W\], given shape \[8, 8\]/);
  assert.throws(grid([2, 2, 4, 4]), /C = 1 or 3 channels, given 2 \(shape \[2, 2, 4, 4\]\)/);
  assert.throws(grid([0, 4, 4]), /no pixels to draw in shape \[0, 4, 4\]/);
  assert.throws(grid([1, 4, 4], { scale: 1.5 }), /scale must be a positive integer, got 1.5/);
  assert.throws(grid([1, 4, 4], { nrow: 0 }), /nrow must be a positive integer/);
  assert.throws(grid([1, 4, 4], { padding: -1 }), /padding must be a non-negative integer/);
  assert.throws(grid([1, 4, 4], { padValue: 2 }), /padValue must be in \[0, 1\], given 2/);
  assert.throws(() => zd.saveImageGrid(path, [[1]] as unknown as zd.Tensor), /images must be a Tensor/);
});
