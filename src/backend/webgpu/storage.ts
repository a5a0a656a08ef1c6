import type { DType } from "../../core/dtype.js";
import type { Storage } from "../backend.js";
import type { GpuCommand } from "./protocol.js";

/** A tensor's elements in a GPU buffer, named by id (the buffer itself lives with the device). */
export class GpuStorage implements Storage {
  readonly backend = "webgpu";
  /** The elements as the host last wrote them, for small int32 storages (see host-copy.ts). */
  host: Int32Array | null = null;
  constructor(readonly dtype: DType, readonly size: number, readonly id: number, readonly capacity: number) {}
}

const MiB = 2 ** 20;

/**
 * Buffer bytes for a request: multiples of 16 up to 256 bytes, then four classes per power of two
 * (at most 25% slack), so a freed buffer fits the next request of about the same size.
 */
export function sizeClass(bytes: number): number {
  const b = Math.max(bytes, 16);
  if (b <= 256) return Math.ceil(b / 16) * 16;
  const step = 2 ** Math.floor(Math.log2(b - 1)) / 4;
  return Math.ceil(b / step) * step;
}

/**
 * GPU buffers by size class. Freed buffers wait in the pool for the next allocation of their class
 * (creating a GPU buffer costs far more than reusing one); beyond max(64 MiB, the live bytes) they are
 * destroyed instead, so a loop's memory stays flat and a finished phase gives its memory back.
 * Reuse is safe while the GPU still works on a buffer: commands run in the order they were queued.
 */
export class BufferPool {
  private readonly idle = new Map<number, number[]>();
  private nextId = 1;
  /** Bytes the live storages asked for. */
  liveBytes = 0;
  /** Bytes of every GPU buffer that exists, pooled ones included. */
  heldBytes = 0;
  private pooledBytes = 0;

  constructor(private readonly enqueue: (command: GpuCommand) => void, private readonly maxBytes: number) {}

  take(size: number, dtype: DType): GpuStorage {
    const bytes = size * 4;
    if (bytes > this.maxBytes) {
      throw new Error(`webgpu backend: a tensor of ${size} elements (${bytes} bytes) exceeds the adapter's ` +
        `largest storage binding (${this.maxBytes} bytes)`);
    }
    const capacity = sizeClass(bytes);
    let id = this.idle.get(capacity)?.pop();
    if (id === undefined) {
      id = this.nextId++;
      this.enqueue({ t: "alloc", id, bytes: capacity });
      this.heldBytes += capacity;
    } else {
      this.pooledBytes -= capacity;
    }
    this.liveBytes += bytes;
    return new GpuStorage(dtype, size, id, capacity);
  }

  give(storage: GpuStorage): void {
    this.liveBytes -= storage.size * 4;
    if (this.pooledBytes + storage.capacity > Math.max(64 * MiB, this.liveBytes)) {
      this.enqueue({ t: "destroy", id: storage.id });
      this.heldBytes -= storage.capacity;
      return;
    }
    let list = this.idle.get(storage.capacity);
    if (!list) this.idle.set(storage.capacity, (list = []));
    list.push(storage.id);
    this.pooledBytes += storage.capacity;
  }
}
