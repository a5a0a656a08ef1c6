/**
 * Where model and data bytes can come from: a file path (Node), a URL (fetched; `file:` URLs read as
 * files in Node), a `Response`, a `Blob`, or the bytes themselves. In a browser a string is a URL.
 */
import { platform } from "#platform";

/** Anything `zd.load`, `zd.loadStateDict` and the data loaders accept as the source of bytes. */
export type ByteSource = string | URL | Uint8Array | ArrayBuffer | Response | Blob;

function isByteSource(source: unknown): source is ByteSource {
  return typeof source === "string" || source instanceof Uint8Array || source instanceof ArrayBuffer ||
    (typeof URL === "function" && source instanceof URL) ||
    (typeof Response === "function" && source instanceof Response) ||
    (typeof Blob === "function" && source instanceof Blob);
}

/** A short name of the source for error messages. */
export function describeSource(source: ByteSource): string {
  if (typeof source === "string") return source;
  if (source instanceof URL) return source.href;
  if (typeof Response === "function" && source instanceof Response) return source.url || "<Response>";
  if (typeof Blob === "function" && source instanceof Blob) return "<Blob>";
  return "<bytes>";
}

/** True when a string source names a file (Node), false when it is a URL to fetch (browsers). */
function isPath(source: string): boolean {
  return platform.name === "node" && !/^(https?|data|blob):/i.test(source);
}

async function fetchBytes(op: string, url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${op}: fetching ${url} failed: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The bytes of `source`; errors name the operation and the source.
 * @example const bytes = await readSource("load", "model.safetensors");
 */
export async function readSource(op: string, source: ByteSource): Promise<Uint8Array> {
  if (!isByteSource(source) || source === "") {
    throw new Error(`${op}: expected a path, URL, Uint8Array, ArrayBuffer, Response or Blob, ` +
      `got ${source === "" ? "an empty string" : typeof source}`);
  }
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  try {
    if (typeof Response === "function" && source instanceof Response) {
      if (!source.ok) throw new Error(`HTTP ${source.status}`);
      return new Uint8Array(await source.arrayBuffer());
    }
    if (typeof Blob === "function" && source instanceof Blob) {
      return new Uint8Array(await source.arrayBuffer());
    }
    if (source instanceof URL) {
      if (source.protocol === "file:" && platform.name === "node") {
        return await platform.readFile(decodeURIComponent(source.pathname));
      }
      return await fetchBytes(op, source.href);
    }
    if (typeof source !== "string") throw new Error(`unsupported source ${typeof source}`);
    return isPath(source) ? await platform.readFile(source) : await fetchBytes(op, source);
  } catch (err) {
    throw new Error(`${op}: cannot read "${describeSource(source)}": ${(err as Error).message}`);
  }
}

/** The bytes of a path (Node) or of bytes given directly, synchronously: the `*Sync` functions' sources. */
export function readSourceSync(op: string, source: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source !== "string" || source === "") {
    throw new Error(`${op}: expected a non-empty path, a Uint8Array or an ArrayBuffer, got ${typeof source}`);
  }
  try {
    return platform.readFileSync(source);
  } catch (err) {
    throw new Error(`${op}: cannot read "${source}": ${(err as Error).message}`);
  }
}
