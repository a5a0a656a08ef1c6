// The thread that owns the WebGPU device in Node (see src/backend/webgpu/protocol.ts for why). It runs
// batches of commands as they arrive, and answers reads through shared memory: header [state, length],
// then the bytes (or the error text). Dawn's promises settle here because this thread's event loop
// turns while the caller waits in Atomics.wait.
import { parentPort, workerData } from "node:worker_threads";
import { openDevice } from "../backend/webgpu/device.js";
import type { Gpu } from "../backend/webgpu/gpu-types.js";
import type { GpuCommand } from "../backend/webgpu/protocol.js";
import { GpuRunner } from "../backend/webgpu/runner.js";

export type WorkerRequest =
  | { batch: GpuCommand[] }
  | { stop: true }
  | { read: { id: number; byteOffset: number; bytes: number }; answer: SharedArrayBuffer };

const progress = new Int32Array((workerData as { progress: SharedArrayBuffer }).progress);
const port = parentPort;
/**
 * Dawn's instance lives as long as the object `create` returned is reachable: collected, it takes the
 * device with it (a crash in the next ProcessEvents). Held here for the worker's lifetime.
 */
let instance: Gpu | null = null;

function answer(sab: SharedArrayBuffer, state: 1 | 2, bytes: Uint8Array): void {
  const header = new Int32Array(sab, 0, 2);
  new Uint8Array(sab, 8).set(bytes.subarray(0, sab.byteLength - 8));
  header[1] = bytes.length;
  Atomics.store(header, 0, state);
  Atomics.notify(header, 0);
}

async function main(): Promise<void> {
  let gpu: Gpu;
  try {
    const name = "webgpu";   // a variable, so that no bundler or type check looks for the optional package
    const dawn = (await import(name)) as { create(options: string[]): Gpu };
    gpu = instance = dawn.create([]);
  } catch (error) {
    const reason = `the optional package "webgpu" did not load: ${(error as Error).message.split("\n")[0]}`;
    port?.postMessage({ error: reason, noAdapter: true });
    return;
  }
  let opened;
  try {
    opened = await openDevice(gpu, "node");
  } catch (error) {
    port?.postMessage({ error: (error as Error).message });
    return;
  }
  const runner = new GpuRunner(opened.device);
  if (!port) return;
  port.on("message", (request: WorkerRequest) => {
    if ("stop" in request) {
      // leave when the GPU is done: killed inside a Dawn call, the thread takes the process down
      void runner.idle().then(() => port.close());
      return;
    }
    if ("batch" in request) {
      runner.run(request.batch);
      // counted once the GPU has done it, so the caller never runs far ahead of the device
      void runner.idle().then(() => {
        Atomics.add(progress, 0, 1);
        Atomics.notify(progress, 0);
      });
      return;
    }
    const { id, byteOffset, bytes } = request.read;
    runner.read(id, byteOffset, bytes).then((data) => {
      const error = runner.takeError();
      if (error !== null) answer(request.answer, 2, new TextEncoder().encode(error));
      else answer(request.answer, 1, new Uint8Array(data));
    }, (error: Error) => answer(request.answer, 2, new TextEncoder().encode(error.message)));
  });
  port?.postMessage({ adapter: opened.adapter });
}

void main();
