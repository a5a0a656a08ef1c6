// Packaging: the browser build resolves with no Node built-ins and no polyfills (esbuild with
// --platform=browser, as a web app's bundler would), the prebuilt bundle imports nothing, and Node's
// `import "zendl"` still has every name of the library.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "../../examples/browser/bundle.js";

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

test("esbuild --platform=browser --bundle of the package entry pulls in no Node built-in", async () => {
  const result = await build({
    stdin: { contents: 'export * from "zendl";', resolveDir: ROOT }, bundle: true, platform: "browser",
    format: "esm", write: false, metafile: true, logLevel: "silent", outfile: "out.js",
  });
  assert.deepEqual(result.errors, []);
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((f) => f.endsWith("dist/src/platform/browser.js")), "the browser host is bundled");
  assert.ok(!inputs.some((f) => f.includes("/node/")), "nothing from src/node is bundled");
  const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((m) => m.path));
  assert.deepEqual(imports.filter((p) => BUILTINS.has(p) || p.startsWith("node:")), []);
  const text = result.outputFiles[0].text;
  assert.doesNotMatch(text, /from\s*["'](node:|fs|path|zlib|worker_threads)["']|require\(/);
});

test("the prebuilt bundle (dist/browser) is self-contained, with the kernels and worker beside it", () => {
  const bundle = readFileSync(join(ROOT, "dist/browser/zendl.js"), "utf8");
  assert.doesNotMatch(bundle, /^\s*import\s.*from\s*["']/m, "no import statements left");
  assert.match(bundle, /new URL\("\.\/zendl-relaxed\.wasm", import\.meta\.url\)/);
  assert.match(bundle, /new URL\("\.\/worker\.js", import\.meta\.url\)/);
  for (const file of ["worker.js", "zendl-relaxed.wasm", "zendl-simd.wasm"]) {
    assert.ok(readFileSync(join(ROOT, "dist/browser", file)).length > 1000, `${file} beside the bundle`);
  }
});

test("Node's import \"zendl\" keeps every name of the library and adds the Node helpers", async () => {
  const core = await import(join(ROOT, "dist/src/index.js"));
  const node: Record<string, unknown> = await import("zendl");
  assert.deepEqual(Object.keys(core).filter((k) => !(k in node)), []);
  for (const name of ["save", "load", "saveSync", "writePng", "fitAsync", "ready", "getNumThreads"]) {
    assert.equal(typeof node[name], "function", name);
  }
  assert.equal(typeof node.writeFileAtomic, "function");
  const nodeEntry = await import("zendl/node");
  assert.equal(nodeEntry.writeFileAtomicSync, node.writeFileAtomicSync);
});

test("the build leaves the CLI executable (npm ci links it, a later rebuild by npm test rewrites it)", () => {
  const mode = statSync(join(ROOT, "dist/src/cli/main.js")).mode;
  assert.equal(mode & 0o111, 0o111, `dist/src/cli/main.js mode ${mode.toString(8)}`);
});
