// The few WebGPU interfaces zendl uses, declared here because TypeScript's DOM library has none and
// `@webgpu/types` would be a dependency for the sake of types alone. Structural: the browser's
// `navigator.gpu` and Dawn's Node bindings both satisfy them.

export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuBindGroupEntry {
  binding: number;
  resource: { buffer: GpuBuffer; offset?: number; size?: number };
}

export interface GpuComputePass {
  setPipeline(pipeline: GpuPipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandEncoder {
  beginComputePass(): GpuComputePass;
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number,
    size: number): void;
  finish(): unknown;
}

export interface GpuPipeline {
  getBindGroupLayout(index: number): unknown;
}

export interface GpuDevice {
  readonly limits: Record<string, number>;
  readonly queue: {
    submit(buffers: unknown[]): void;
    writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView | ArrayBuffer): void;
    onSubmittedWorkDone(): Promise<void>;
  };
  createBuffer(desc: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBuffer;
  createShaderModule(desc: { code: string }): unknown;
  createComputePipeline(desc: { layout: "auto"; compute: { module: unknown; entryPoint: string } }):
    GpuPipeline;
  createBindGroup(desc: { layout: unknown; entries: GpuBindGroupEntry[] }): unknown;
  createCommandEncoder(): GpuCommandEncoder;
  addEventListener?(type: "uncapturederror", listener: (event: { error: { message: string } }) => void): void;
  readonly lost?: Promise<{ message: string }>;
}

export interface GpuAdapter {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  readonly isFallbackAdapter?: boolean;
  readonly limits: Record<string, number>;
  requestDevice(desc?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}

export interface Gpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapter | null>;
}

/** WebGPU's usage and map-mode flags (the same numbers everywhere; the spec fixes them). */
export const BufferUsage = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 } as const;
export const MAP_READ = 1;
