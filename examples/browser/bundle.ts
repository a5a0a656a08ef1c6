// Bundles a page script (the demo, the browser tests' pages) the way tools/build-browser.mjs bundles the
// library: esbuild with the `browser` condition, the pool's worker.js and the kernel binaries beside it.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";

/** The repository root (this file is dist/examples/browser/bundle.js). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const kernelsBeside: Plugin = {
  name: "kernels-beside-bundle",
  setup(b) {
    b.onLoad({ filter: /backend[\\/]wasm[\\/]loader\.js$/ }, (args) => ({
      contents: readFileSync(args.path, "utf8").replaceAll('"../../../kernels/', '"./'), loader: "js",
    }));
  },
};

/**
 * Bundles `entry` into `outDir`/page.js (plus worker.js, the kernels and an index.html that loads it),
 * and each of `extra` into `outDir`/<its name>.
 */
export async function bundlePage(entry: string, outDir: string, extra: string[] = [],
  html = "<!doctype html><meta charset=utf-8><title>zendl</title><script type=module src=./page.js></script>\n",
): Promise<Metafile> {
  mkdirSync(outDir, { recursive: true });
  const common: BuildOptions = { bundle: true, format: "esm", platform: "browser", target: "es2022",
    logLevel: "error", plugins: [kernelsBeside] };
  const result = await build({ ...common, entryPoints: [entry], outfile: join(outDir, "page.js"), metafile: true });
  await build({ ...common, entryPoints: [join(ROOT, "dist/src/backend/wasm/worker.js")],
    outfile: join(outDir, "worker.js") });
  for (const file of extra) {
    await build({ ...common, entryPoints: [file], outfile: join(outDir, file.split(/[\\/]/).at(-1) as string) });
  }
  for (const file of ["zendl-relaxed.wasm", "zendl-simd.wasm"]) {
    copyFileSync(join(ROOT, "dist/kernels", file), join(outDir, file));
  }
  writeFileSync(join(outDir, "index.html"), html);
  return result.metafile as Metafile;
}
