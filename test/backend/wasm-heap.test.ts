import assert from "node:assert/strict";
import { test } from "node:test";
import { WasmHeap, sizeClass } from "../../src/backend/wasm/heap.js";

function smallHeap(pages: number): WasmHeap {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: pages, shared: true });
  return new WasmHeap(memory, 0, { maxBytes: pages * 65536, softLimitBytes: Number.MAX_SAFE_INTEGER });
}

test("size classes are 64-byte aligned and waste at most a quarter", () => {
  for (const bytes of [1, 64, 65, 100, 1000, 4097, 1e6, 12345678]) {
    const c = sizeClass(bytes);
    assert.ok(c >= bytes && c % 64 === 0 && (bytes <= 64 || c <= bytes * 1.25 + 64), `${bytes} -> ${c}`);
  }
});

test("a full heap of freed blocks of another size is merged and reused instead of failing", () => {
  const heap = smallHeap(4);
  const small = sizeClass(4096);
  const blocks: number[] = [];
  for (;;) {
    try { blocks.push(heap.alloc(small)); } catch { break; }
  }
  assert.ok(blocks.length * small > 3 * 65536, "the heap filled up");
  assert.throws(() => heap.alloc(small), /out of memory allocating 4096 bytes/);
  for (const ptr of blocks.slice(0, 40)) heap.free(ptr, small);
  // 40 adjacent free 4 KiB blocks hold a 100 KiB block only once merged
  const big = heap.alloc(100 * 1024);
  assert.ok(big >= 0 && big % 64 === 0);
  assert.equal(heap.liveBytes, (blocks.length - 40) * small + sizeClass(100 * 1024));
  heap.free(big, 100 * 1024);
  for (const ptr of blocks.slice(40)) heap.free(ptr, small);
  assert.equal(heap.liveBytes, 0);
  assert.ok(heap.alloc(3 * 65536) >= 0, "everything merges back into one span");
});
