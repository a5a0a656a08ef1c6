/** Worker threads sharing the heap; a placeholder that runs everything on the calling thread. */
export class ThreadPool {
  constructor(readonly module: WebAssembly.Module, readonly memory: WebAssembly.Memory) {}

  get size(): number {
    return 1;
  }
}
