/** First free byte after the module's own static data: the JS allocator starts here. */
export function heap_base(): usize {
  return __heap_base;
}
