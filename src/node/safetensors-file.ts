/**
 * Reading a safetensors file piece by piece: the header first (checked in full), then each tensor straight
 * into its own array, so a file is never held in memory twice and a header-only read touches no data.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parseHeader, readTensors, type ReadAt } from "../io/safetensors-decode.js";
import type { SafetensorsContents } from "../io/safetensors-format.js";

/**
 * The tensors and metadata of the safetensors file at `path` (`headerOnly`: the metadata, no tensors).
 * Errors name the file.
 * @example const { metadata } = readSafetensorsFile("m.safetensors", { headerOnly: true })
 */
export function readSafetensorsFile(path: string,
  options: { headerOnly?: boolean } = {}): SafetensorsContents {
  const fail = (message: string): Error => new Error(`Invalid safetensors file "${path}": ${message}`);
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const readAt: ReadAt = (position, length) => {
      const out = new Uint8Array(length);
      for (let got = 0; got < length;) {
        const n = readSync(fd, out, got, length - got, position + got);
        if (n === 0) throw fail(`the file ended at byte ${position + got}; ${length} bytes were expected`);
        got += n;
      }
      return out;
    };
    const parsed = parseHeader(readAt, size, fail);
    const tensors = options.headerOnly ? new Map() : readTensors(parsed, readAt, fail);
    return { tensors, metadata: parsed.metadata };
  } finally {
    closeSync(fd);
  }
}
