import { Worker } from "node:worker_threads";
import { BATCH } from "../backend/webgpu/device.js";
import { noAdapterMessage, type GpuAdapterSummary, type GpuCommand, type GpuExecutor } from
  "../backend/webgpu/protocol.js";
import type { WorkerRequest } from "./webgpu-worker.js";

/** Node 16+ has it; TypeScript's ES2022 library does not declare it. */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeout: number):
    { async: false; value: string } | { async: true; value: Promise<string> };
}

/** Batches the caller may have sent beyond what the GPU has finished before it waits. */
const MAX_AHEAD = 4;
/** A read that takes longer than this is a hung device, not a slow one. */
const READ_TIMEOUT_MS = 300_000;

/**
 * The Node executor: the device lives in a worker thread, commands go there in batches, and a read
 * blocks in Atomics.wait until the worker has the bytes: so `dataSync()` and `item()` work in Node,
 * as on the CPU backends. The worker never keeps the process alive.
 */
export async function nodeWebGpuExecutor(): Promise<GpuExecutor> {
  const progress = new SharedArrayBuffer(4);
  const done = new Int32Array(progress);
  const worker = new Worker(new URL("./webgpu-worker.js", import.meta.url), {
    workerData: { progress }, execArgv: [],
  });
  const reply = await new Promise<{ adapter?: GpuAdapterSummary; error?: string; noAdapter?: boolean }>(
    (resolve) => {
      worker.once("message", resolve);
      worker.once("error", (error) => resolve({ error: error.message }));
      worker.once("exit", (code) => resolve({ error: `the WebGPU worker exited with code ${code}` }));
    });
  if (!reply.adapter) {
    void worker.terminate();
    throw new Error(reply.noAdapter ? noAdapterMessage("node", reply.error ?? "") : reply.error);
  }
  worker.unref();
  // a worker stopped in the middle of a Dawn call takes the process down: let it finish and leave
  process.once("beforeExit", () => {
    flush();
    worker.ref();
    post({ stop: true });
  });
  // process.exit() ends the worker wherever it is: wait (at most 10 s) until it is between batches
  process.once("exit", () => {
    flush();
    const until = Date.now() + 10_000;
    while (Atomics.load(done, 0) < sent && Date.now() < until) {
      Atomics.wait(done, 0, Atomics.load(done, 0), 100);
    }
  });
  let pending: GpuCommand[] = [];
  let sent = 0, reading = 0;
  const post = (request: WorkerRequest): void => worker.postMessage(request);
  const flush = (): void => {
    if (pending.length === 0) return;
    // transfer the parameter blocks and written data instead of copying them
    const transfer: ArrayBuffer[] = [];
    for (const c of pending) if (c.t === "write") transfer.push(c.data);
    worker.postMessage({ batch: pending } satisfies WorkerRequest, transfer);
    pending = [];
    sent++;
    while (sent - Atomics.load(done, 0) > MAX_AHEAD) Atomics.wait(done, 0, Atomics.load(done, 0), 1000);
  };
  const request = (id: number, byteOffset: number, bytes: number): SharedArrayBuffer => {
    flush();
    const answer = new SharedArrayBuffer(8 + Math.max(bytes, 4096));
    post({ read: { id, byteOffset, bytes }, answer });
    return answer;
  };
  const result = (answer: SharedArrayBuffer): ArrayBuffer => {
    const header = new Int32Array(answer, 0, 2);
    const body = new Uint8Array(answer, 8, header[1]);
    if (header[0] === 2) throw new Error(`webgpu backend: ${new TextDecoder().decode(body.slice())}`);
    return body.slice().buffer;
  };
  return {
    adapter: reply.adapter,
    enqueue(command) {
      if (pending.push(command) === 1) queueMicrotask(flush);
      if (pending.length >= BATCH) flush();
    },
    readSync(id, byteOffset, bytes) {
      const answer = request(id, byteOffset, bytes);
      const header = new Int32Array(answer, 0, 2);
      if (Atomics.wait(header, 0, 0, READ_TIMEOUT_MS) === "timed-out") {
        throw new Error(`webgpu backend: the GPU did not answer a read within ${READ_TIMEOUT_MS / 1000} s`);
      }
      return result(answer);
    },
    async read(id, byteOffset, bytes) {
      const answer = request(id, byteOffset, bytes);
      const header = new Int32Array(answer, 0, 2);
      const waited = (Atomics as unknown as AtomicsWaitAsync).waitAsync(header, 0, 0, READ_TIMEOUT_MS);
      // a pending Atomics.waitAsync does not keep Node alive: the referenced worker does, meanwhile
      if (reading++ === 0) worker.ref();
      try {
        if (waited.async) await waited.value;
      } finally {
        if (--reading === 0) worker.unref();
      }
      return result(answer);
    },
  };
}
