// What the WebGPU backend asks of the thread that owns the GPU device. In a browser that is the page's
// own thread; in Node it is a worker (src/node/webgpu-worker.ts), so the calling thread can block on a
// read (Atomics.wait) while the worker's event loop lets Dawn finish the map: that is what makes
// `dataSync()` work in Node. Commands are plain data so that they cross postMessage unchanged.

/** One step of GPU work, in submission order. Buffer ids are the backend's; params are int32 words. */
export type GpuCommand =
  | { t: "alloc"; id: number; bytes: number }
  | { t: "destroy"; id: number }
  | { t: "write"; id: number; byteOffset: number; data: ArrayBuffer }
  | { t: "copy"; src: number; srcOffset: number; dst: number; dstOffset: number; bytes: number }
  | { t: "run"; shader: number; source?: string; buffers: number[]; params: Int32Array; groups: number[] };

/** The adapter the device came from, as `zd.backendInfo()`-style text and numbers. */
export interface GpuAdapterSummary {
  description: string;
  isFallbackAdapter: boolean;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupsPerDimension: number;
}

/** The calling thread's handle on the device: commands go in, bytes come back. */
export interface GpuExecutor {
  readonly adapter: GpuAdapterSummary;
  /** Queues a command; it runs after everything queued before it. */
  enqueue(command: GpuCommand): void;
  /** Bytes of buffer `id` after all queued work, or null where the platform cannot wait (browsers). */
  readSync: ((id: number, byteOffset: number, bytes: number) => ArrayBuffer) | null;
  read(id: number, byteOffset: number, bytes: number): Promise<ArrayBuffer>;
}

/** Why there is no adapter, and what to try: thrown by `setBackend("webgpu")` on every platform. */
export function noAdapterMessage(where: string, reason: string): string {
  return `webgpu backend: no WebGPU adapter (${reason}). ${where === "node"
    ? "In Node it needs the optional package \"webgpu\" (npm install webgpu) and a Vulkan driver Dawn " +
      "accepts; without a GPU, Chromium's SwiftShader works: start node with " +
      "VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium " +
      "(Debian's chromium package)."
    : "Use a browser with WebGPU (Chrome or Edge 113+, Safari 26, Firefox 141+ on Windows); headless " +
      "Chromium needs --enable-unsafe-webgpu."}`;
}
