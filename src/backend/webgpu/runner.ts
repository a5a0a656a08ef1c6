import type { GpuBuffer, GpuCommandEncoder, GpuComputePass, GpuDevice, GpuPipeline } from "./gpu-types.js";
import { BufferUsage, MAP_READ } from "./gpu-types.js";
import type { GpuCommand } from "./protocol.js";

/** Storage-buffer bindings must start at multiples of this (the WebGPU default limit). */
const PARAM_ALIGN = 256;
const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/**
 * Runs GpuCommands on the thread that owns the device. A batch of commands becomes one command
 * encoder and one compute pass (WebGPU orders dispatches inside a pass and makes each one's writes
 * visible to the next), and all its parameter blocks go up in one write. A `write` or `copy` in the
 * middle ends the pass (a queue write lands before the encoder it would otherwise sit inside).
 */
export class GpuRunner {
  private readonly buffers = new Map<number, GpuBuffer>();
  private readonly pipelines = new Map<number, GpuPipeline>();
  private params: GpuBuffer | null = null;
  private encoder: GpuCommandEncoder | null = null;
  private pass: GpuComputePass | null = null;
  private error: string | null = null;

  constructor(private readonly device: GpuDevice) {
    device.addEventListener?.("uncapturederror", (event) => this.fail(event.error.message));
    void device.lost?.then((info) => this.fail(`device lost: ${info.message}`));
  }

  /** The first error since the last call (validation, out of memory, device lost), or null. */
  takeError(): string | null {
    const error = this.error;
    this.error = null;
    return error;
  }

  run(batch: readonly GpuCommand[]): void {
    try {
      this.uploadParams(batch);
      let paramOffset = 0;
      const doomed: number[] = [];
      for (const c of batch) {
        switch (c.t) {
          case "alloc":
            this.buffers.set(c.id, this.device.createBuffer({ size: c.bytes, usage: STORAGE_USAGE }));
            break;
          case "destroy":
            // after the submit below: the batch's earlier commands may still use it
            doomed.push(c.id);
            break;
          case "write":
            this.submit();
            this.device.queue.writeBuffer(this.buffer(c.id), c.byteOffset, c.data);
            break;
          case "copy":
            this.endPass();
            this.encoderNow().copyBufferToBuffer(this.buffer(c.src), c.srcOffset, this.buffer(c.dst),
              c.dstOffset, c.bytes);
            break;
          case "run":
            this.dispatch(c, paramOffset);
            paramOffset += alignUp(c.params.byteLength);
            break;
        }
      }
      this.submit();
      for (const id of doomed) {
        this.buffers.get(id)?.destroy();
        this.buffers.delete(id);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      this.pass = null;
      this.encoder = null;
    }
  }

  /** The bytes of a buffer after everything run so far. */
  async read(id: number, byteOffset: number, bytes: number): Promise<ArrayBuffer> {
    this.submit();
    const size = alignUp(Math.max(bytes, 4), 4);
    const staging = this.device.createBuffer({ size, usage: MAP_READ | BufferUsage.COPY_DST });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(this.buffer(id), byteOffset, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_READ);
    const data = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    return data;
  }

  /** Resolves when the GPU has finished everything submitted so far. */
  idle(): Promise<void> {
    return this.device.queue.onSubmittedWorkDone();
  }

  private fail(message: string): void {
    this.error ??= message;
  }

  private buffer(id: number): GpuBuffer {
    const buffer = this.buffers.get(id);
    if (!buffer) throw new Error(`webgpu runner: no buffer ${id}`);
    return buffer;
  }

  /** All parameter blocks of the batch in one buffer, each at a 256-byte boundary. */
  private uploadParams(batch: readonly GpuCommand[]): void {
    let total = 0;
    for (const c of batch) if (c.t === "run") total += alignUp(c.params.byteLength);
    if (total === 0) return;
    if (!this.params || this.params.size < total) {
      this.params?.destroy();
      this.params = this.device.createBuffer({ size: Math.max(total, 1 << 16) * 2, usage: STORAGE_USAGE });
    }
    const block = new Uint8Array(total);
    let offset = 0;
    for (const c of batch) {
      if (c.t !== "run") continue;
      block.set(new Uint8Array(c.params.buffer, c.params.byteOffset, c.params.byteLength), offset);
      offset += alignUp(c.params.byteLength);
    }
    // queue writes are ordered with submits, so the previous batch has read its blocks by now
    this.device.queue.writeBuffer(this.params, 0, block);
  }

  private dispatch(c: Extract<GpuCommand, { t: "run" }>, paramOffset: number): void {
    let pipeline = this.pipelines.get(c.shader);
    if (!pipeline) {
      if (c.source === undefined) throw new Error(`webgpu runner: shader ${c.shader} was never sent`);
      const module = this.device.createShaderModule({ code: c.source });
      pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module,
        entryPoint: "main" } });
      this.pipelines.set(c.shader, pipeline);
    }
    const entries = [{ binding: 0, resource: { buffer: this.params as GpuBuffer, offset: paramOffset,
      size: alignUp(c.params.byteLength, 4) } }];
    c.buffers.forEach((id, i) => entries.push({ binding: i + 1, resource: { buffer: this.buffer(id),
      offset: 0, size: this.buffer(id).size } }));
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = (this.pass ??= this.encoderNow().beginComputePass());
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(c.groups[0], c.groups[1] ?? 1, c.groups[2] ?? 1);
  }

  private encoderNow(): GpuCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private submit(): void {
    this.endPass();
    if (!this.encoder) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
  }
}

function alignUp(bytes: number, to = PARAM_ALIGN): number {
  return Math.ceil(bytes / to) * to;
}
