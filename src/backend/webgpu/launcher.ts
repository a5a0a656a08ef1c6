import type { Storage } from "../backend.js";
import type { GpuExecutor } from "./protocol.js";
import { BufferPool, GpuStorage } from "./storage.js";

/**
 * Turns kernel calls into commands: each WGSL source gets a number the first time it is used (and
 * travels with that first call only), and every storage is checked to belong to this backend.
 */
export class Launcher {
  private readonly shaders = new Map<string, number>();
  readonly pool: BufferPool;

  constructor(readonly exec: GpuExecutor) {
    this.pool = new BufferPool((c) => exec.enqueue(c), exec.adapter.maxStorageBufferBindingSize);
  }

  /** `storage` as a GPU storage, or an error naming both backends. */
  own(storage: Storage, op: string): GpuStorage {
    if (storage instanceof GpuStorage) return storage;
    throw new Error(`${op}: a tensor on the "${storage.backend}" backend was given to an op running on ` +
      `"webgpu"; tensors of one op must share a backend (move one with t.to("webgpu") or t.to("${
        storage.backend}"))`);
  }

  /**
   * Queues one dispatch: `out` is binding 1 (written), `inputs` the bindings after it. An input that
   * is the output's own buffer is read from a copy (WebGPU forbids binding one buffer both ways).
   */
  run(source: string, out: GpuStorage, inputs: readonly GpuStorage[], params: readonly number[],
    groups: readonly number[]): void {
    out.host = null;
    let id = this.shaders.get(source);
    const first = id === undefined;
    if (id === undefined) this.shaders.set(source, (id = this.shaders.size + 1));
    const temps: GpuStorage[] = [];
    const ids = inputs.map((s) => {
      if (s.id !== out.id) return s.id;
      const temp = this.pool.take(s.capacity / 4, s.dtype);
      this.exec.enqueue({ t: "copy", src: s.id, srcOffset: 0, dst: temp.id, dstOffset: 0,
        bytes: s.capacity });
      temps.push(temp);
      return temp.id;
    });
    const words = Int32Array.from(params.length > 0 ? params : [0]);
    this.exec.enqueue({ t: "run", shader: id, source: first ? source : undefined, buffers: [out.id, ...ids],
      params: words, groups: [...groups] });
    for (const temp of temps) this.pool.give(temp);
  }
}
