// A thread-pool worker (a Node worker thread or a browser Web Worker): claims kernel calls posted
// through the shared control block (see worker-protocol.ts) and runs them on its own instance of the
// kernels over the shared heap, until the process or page ends (Node's pool unrefs it).
import { platform } from "#platform";
import {
  CALLS_OFFSET, Control, HEADER_BYTES, SPIN_LIMIT, TAG_SHIFT, claimCalls, type WorkerInit,
} from "./worker-protocol.js";

function serve({ module, memory, control: buffer, index }: WorkerInit, ready: () => void): never {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === "function")
    .map((e) => instance.exports[e.name] as (...args: number[]) => unknown);
  const control = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const scratch = new Float64Array(buffer, HEADER_BYTES, index + 1);
  const calls = new Float64Array(buffer, CALLS_OFFSET);
  const args: number[] = [];

  Atomics.add(control, Control.Ready, 1);
  ready();
  let seen = Atomics.load(control, Control.Seq);
  for (;;) {
    // spin first: during training the next GEMM usually follows within microseconds
    let spins = 0;
    while (Atomics.load(control, Control.Seq) === seen) {
      if (++spins > SPIN_LIMIT) Atomics.wait(control, Control.Seq, seen);
    }
    seen = Atomics.load(control, Control.Seq);
    // the tag first: Active and this thread's scratch pointer read after it belong to that job or a
    // later one, and claims under the tag fail once its job is over
    const tag = Atomics.load(control, Control.Next) >>> TAG_SHIFT;
    if (tag !== 0 && index < Atomics.load(control, Control.Active)) {
      claimCalls(control, calls, scratch[index], functions, args, tag);
    }
  }
}

const { init, ready } = await platform.receiveWorkerInit();
serve(init, ready);
