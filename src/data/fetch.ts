/**
 * Data from anywhere bytes come from (io/sources.ts): a path in Node, a URL, a Response, a Blob or the
 * bytes; gzip is recognised by its magic bytes and undone with the host's gunzip (Node) or a
 * `DecompressionStream` (browsers).
 */
import { platform } from "#platform";
import { readSource, type ByteSource } from "../io/sources.js";

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `bytes` decompressed when they are gzip data, else unchanged. */
export async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  if (platform.name === "node") return platform.gunzipSync(bytes);
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The bytes of `source`, gunzipped when they are gzip data.
 * @example const csv = new TextDecoder().decode(await zd.data.fetchBytes("/data/digits.csv.gz"));
 */
export async function fetchBytes(source: ByteSource, op = "fetchBytes"): Promise<Uint8Array> {
  return gunzipIfNeeded(await readSource(op, source));
}
