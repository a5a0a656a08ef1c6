import type { Gpu, GpuDevice } from "./gpu-types.js";
import { GpuRunner } from "./runner.js";
import { noAdapterMessage, type GpuAdapterSummary, type GpuCommand, type GpuExecutor } from "./protocol.js";

/** The limits zendl raises to the adapter's maximum: large tensors need large storage bindings. */
const RAISED_LIMITS = ["maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupStorageSize"];

/** Requests an adapter and a device from `gpu`, or throws saying why there is none and what to try. */
export async function openDevice(gpu: Gpu | undefined, where: "node" | "browser"):
  Promise<{ device: GpuDevice; adapter: GpuAdapterSummary }> {
  if (!gpu) throw new Error(noAdapterMessage(where,
    where === "node" ? "no GPU object" : "navigator.gpu is missing"));
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new Error(noAdapterMessage(where, "requestAdapter() returned null"));
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) if (adapter.limits[name]) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits });
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.device, info.description]
    .filter((s) => s).join(" / ") || "unknown adapter";
  return { device, adapter: {
    description, isFallbackAdapter: adapter.isFallbackAdapter === true,
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
  } };
}

/** Commands queued before a batch is handed to the runner (one encoder, one parameter upload). */
export const BATCH = 256;

/**
 * The executor of a thread that owns its device (browsers): commands gather into a batch that runs
 * at the next read, when it is full, or at the end of the current task. Reads are asynchronous only:
 * a page's thread cannot wait for the GPU.
 */
export function directExecutor(device: GpuDevice, adapter: GpuAdapterSummary): GpuExecutor {
  const runner = new GpuRunner(device);
  let pending: GpuCommand[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    runner.run(batch);
  };
  return {
    adapter,
    enqueue(command) {
      if (pending.push(command) === 1) queueMicrotask(flush);
      if (pending.length >= BATCH) flush();
    },
    readSync: null,
    async read(id, byteOffset, bytes) {
      flush();
      const data = await runner.read(id, byteOffset, bytes);
      const error = runner.takeError();
      if (error !== null) throw new Error(`webgpu backend: ${error}`);
      return data;
    },
  };
}
