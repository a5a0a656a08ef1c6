#!/usr/bin/env node
// The prebuilt browser bundle: dist/browser/zendl.js (ES module, the whole public API), worker.js (the
// thread-pool worker) and the two kernel binaries beside them, usable from <script type="module">
// without a bundler. Built from the compiled dist/src with the `browser` condition, so `#platform` is
// the browser host; the kernels are looked up beside the bundle instead of in ../../../kernels.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "browser");
mkdirSync(out, { recursive: true });

const kernelsBesideBundle = {
  name: "kernels-beside-bundle",
  setup(b) {
    b.onLoad({ filter: /backend[\\/]wasm[\\/]loader\.js$/ }, (args) => ({
      contents: readFileSync(args.path, "utf8").replaceAll('"../../../kernels/', '"./'),
      loader: "js",
    }));
  },
};
const common = {
  bundle: true, format: "esm", platform: "browser", target: "es2022", sourcemap: true, logLevel: "warning",
  plugins: [kernelsBesideBundle],
};
await build({ ...common, entryPoints: [join(root, "dist", "src", "index.js")], outfile: join(out, "zendl.js") });
await build({ ...common, entryPoints: [join(root, "dist", "src", "backend", "wasm", "worker.js")],
  outfile: join(out, "worker.js") });
for (const file of ["zendl-relaxed.wasm", "zendl-simd.wasm"]) {
  copyFileSync(join(root, "dist", "kernels", file), join(out, file));
}
console.log(`browser bundle: ${out}`);
