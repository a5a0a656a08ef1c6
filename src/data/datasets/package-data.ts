import { platform } from "#platform";

/**
 * @internal Absolute path of `data/<name>` shipped inside the zendl package (Node only: the search walks
 * up from the module to the package root, so it works from `src/`, `dist/src/` and `node_modules/zendl`).
 */
export function packageDataPath(name: string): string {
  return platform.packageDataPath(name);
}

export { MAX_GUNZIP_BYTES } from "../../platform/limits.js";
