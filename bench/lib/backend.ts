import * as zd from "../../src/index.js";

/**
 * Makes `name` the active zendl backend; returns why it could not (a backend under construction may
 * throw while loading), or null. Guards against a silent fallback measuring the wrong backend.
 */
export function useBackend(name: string): string | null {
  try {
    zd.setBackend(name);
    return zd.getBackend() === name ? null : `setBackend("${name}") left ${zd.getBackend()} active`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

type ThreadSetter = (threads: number) => void;
const setter = (zd as unknown as { setNumThreads?: unknown }).setNumThreads;

/** `zd.setNumThreads` where this build has it (it is being written), else null. */
export const setNumThreads: ThreadSetter | null =
  typeof setter === "function" ? (setter as ThreadSetter) : null;
