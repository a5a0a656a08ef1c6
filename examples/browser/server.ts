// A small static file server for the demo, the browser tests and the browser benchmark: loopback only,
// files under one root only, and with `isolated` the COOP/COEP headers that make a page
// crossOriginIsolated (SharedArrayBuffer, so zendl's Web Workers share the WebAssembly memory).
import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript",
  ".json": "application/json", ".wasm": "application/wasm", ".css": "text/css", ".map": "application/json",
  ".png": "image/png", ".svg": "image/svg+xml", ".gz": "application/gzip", ".csv": "text/csv",
  ".safetensors": "application/octet-stream",
};

export interface StaticServerOptions {
  root: string;
  /** Send Cross-Origin-Opener-Policy / Cross-Origin-Embedder-Policy (default true). */
  isolated?: boolean;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface StaticServer { url: string; server: Server; close(): Promise<void> }

/** Serves `root` on http://127.0.0.1:PORT/ until closed. */
export function serveStatic(options: StaticServerOptions): Promise<StaticServer> {
  const root = normalize(options.root + sep);
  const isolated = options.isolated ?? true;
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const size = statSync(file).size;
      const headers: Record<string, string | number> = {
        "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Content-Length": size,
        "Cache-Control": "no-store",
      };
      if (isolated) {
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Embedder-Policy"] = "require-corp";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
      }
      response.writeHead(200, headers);
      createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404, { "Content-Type": "text/plain" }).end(`not found: ${path}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      resolve({
        url: `http://127.0.0.1:${port}/`, server,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
