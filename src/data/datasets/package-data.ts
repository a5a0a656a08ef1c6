import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * @internal Absolute path of `data/<name>` shipped inside the zendl package. The search walks up from
 * this module to the package root (the directory holding package.json and the data file), so it works
 * from `src/` run by a TypeScript loader, from the compiled `dist/src/`, and from `node_modules/zendl`.
 */
export function packageDataPath(name: string): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, "data", name);
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`zendl: the bundled data file data/${name} was not found in any package directory ` +
    `above ${start}; ` +
    "the installation looks incomplete (the package's \"files\" must include data/)");
}

/**
 * The most a compressed data file may expand to (1 GiB; the largest shipped or known file, the Fashion-MNIST
 * training images, is 47 MB): a corrupt or hostile gzip stream fails instead of exhausting memory.
 */
export const MAX_GUNZIP_BYTES = 2 ** 30;
