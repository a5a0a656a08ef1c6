#!/usr/bin/env node
/**
 * Writes data/fashion-mnist-subset/: the first 2,000 training and the first 500 test images and labels of
 * Fashion-MNIST, in the original IDX format, gzip-compressed, so tests and examples run without a download.
 *   node tools/make-fashion-subset.mjs [FOLDER]   (FOLDER: default /usr/share/datasets/fashion-mnist)
 * Only the first dimension of each header changes; the bytes that follow are the originals, in order.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = process.argv[2] ?? "/usr/share/datasets/fashion-mnist";
const out = join(root, "data", "fashion-mnist-subset");
const parts = [
  ["train-images-idx3-ubyte", 2000], ["train-labels-idx1-ubyte", 2000],
  ["t10k-images-idx3-ubyte", 500], ["t10k-labels-idx1-ubyte", 500],
];

function read(base) {
  for (const name of [base, `${base}.gz`]) {
    const path = join(source, name);
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    return { path, bytes: bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes };
  }
  throw new Error(`${base}[.gz] not found in ${source}`);
}

mkdirSync(out, { recursive: true });
for (const [base, keep] of parts) {
  const { path, bytes } = read(base);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) throw new Error(`${path}: not a uint8 IDX file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rank = bytes[3];
  const dims = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d));
  if (dims[0] < keep) throw new Error(`${path}: has ${dims[0]} items, fewer than ${keep}`);
  const itemSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const header = Buffer.from(bytes.subarray(0, 4 + 4 * rank));
  header.writeUInt32BE(keep, 4);
  const body = bytes.subarray(header.length, header.length + keep * itemSize);
  // level 9 and gzip's fixed header (mtime 0) keep the output byte-identical from run to run
  const file = join(out, `${base}.gz`);
  writeFileSync(file, gzipSync(Buffer.concat([header, body]), { level: 9 }));
  console.log(`${file}: [${[keep, ...dims.slice(1)].join(", ")}] from ${path}`);
}
