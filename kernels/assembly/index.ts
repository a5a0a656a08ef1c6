// Entry point of the WebAssembly kernels: every exported function is a kernel the wasm backend calls.
// Pointers are byte offsets into the shared heap; sizes are element counts. Kernels allocate nothing:
// workspaces are passed in by the caller, so every thread can run any kernel on its own scratch space.
export { heap_base } from "./memory";
export * from "./gemm";
export * from "./elementwise";
export * from "./binary";
export * from "./strided";
export * from "./reduce";
export * from "./optim";
export * from "./conv";
export * from "./winograd";
export * from "./pool";
export * from "./norm";
export * from "./softmax";
export * from "./rnn";
export * from "./rnn-step";
