import * as zd from "../../index.js";

/** `zendl info`: the backend in use and, for the native kernels, their instruction set or why not. */
export function infoCommand(): { text: string; info: zd.BackendInfo & { threads: number } } {
  const info = { ...zd.backendInfo(), threads: zd.getNumThreads() };
  const native = info.native.isa ? `native kernels: ${info.native.isa}`
    : `native kernels: off (${info.native.reason})`;
  return { text: `backend: ${info.backend}, ${info.threads} thread(s)\n${native}`, info };
}
