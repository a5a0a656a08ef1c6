// npm run demo: bundles the demo page (dist/examples/browser/www) with the data it trains on and serves
// it on http://127.0.0.1:8080/ with the COOP/COEP headers, so the page gets every core.
import { copyFileSync, cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, bundlePage } from "./bundle.js";
import { serveStatic, type StaticServer } from "./server.js";

/** Builds the demo into `outDir`: page.js, worker.js, the kernels, index.html and data/. */
export async function buildDemo(outDir: string): Promise<void> {
  await bundlePage(join(ROOT, "dist/examples/browser/demo.js"), outDir, [],
    readFileSync(join(ROOT, "examples/browser/index.html"), "utf8"));
  cpSync(join(ROOT, "data/fashion-mnist-subset"), join(outDir, "data/fashion-mnist-subset"), { recursive: true });
  copyFileSync(join(ROOT, "data/digits.csv.gz"), join(outDir, "data/digits.csv.gz"));
}

/** Builds and serves the demo; `port` 0 picks a free one. */
export async function startDemo(port = 8080, isolated = true): Promise<StaticServer> {
  const outDir = join(ROOT, "dist/examples/browser/www");
  await buildDemo(outDir);
  return serveStatic({ root: outDir, port, isolated });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 8080);
  const server = await startDemo(port);
  console.log(`zendl demo: ${server.url} (Ctrl-C to stop)`);
}
