// What one page run checks (test/browser/browser.test.ts loads this, bundled, into Chromium): the
// ready() contract, threads, the op table on wasm, the digits MLP trained with fitAsync while
// frames keep coming, save -> load, and memory over a synchronous loop without dispose.
import * as zd from "../../../src/index.js";
import { checkOpTable, type OpTableResult } from "./op-fixtures.js";
import { checkLayerFixtures } from "./layer-fixtures.js";
import { checkSyncLoopMemory, checkYieldingLoopMemory, type MemoryResult } from "./memory-loop.js";

export interface SuiteOptions {
  /** Passed to zd.ready (undefined: the kernels beside the bundle). */
  kernels?: string;
  fixturesUrl: string;
  digitsUrl: string;
  memorySteps: number;
}

export interface SuiteResult {
  readyError: string | null;
  backend: string;
  threads: number;
  crossOriginIsolated: boolean;
  opTable: OpTableResult;
  matmulSample: number[];
  testAccuracy: number;
  trainSeconds: number;
  /** Longest gap between animation frames while the digits MLP trains with fitAsync... */
  longestFrameGapMs: number;
  /** ...and after its first epoch; beside the longest time between two steps' ends after it. */
  steadyFrameGapMs: number;
  longestStepMs: number;
  roundTrip: { bytes: number; maxDifference: number; fromBlob: boolean };
  memory: MemoryResult;
  /** The same loop, 2,000 steps, awaiting the next task every 250 steps. */
  yieldingMemory: MemoryResult;
}

/**
 * Calls `fn` while counting animation frames; returns its result, the longest gap between frames, and
 * the longest once `steady()` is true (after the first epoch: start-up compiles and first-touches).
 */
async function watchFrames<T>(fn: () => Promise<T>, steady: () => boolean):
  Promise<{ value: T; longestGapMs: number; steadyGapMs: number }> {
  let last = performance.now(), longest = 0, steadyLongest = 0, running = true;
  const frame = (now: number): void => {
    longest = Math.max(longest, now - last);
    if (steady()) steadyLongest = Math.max(steadyLongest, now - last);
    last = now;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  try {
    return { value: await fn(), longestGapMs: longest, steadyGapMs: steadyLongest };
  } finally {
    running = false;
  }
}

type DigitsResult = Pick<SuiteResult, "testAccuracy" | "trainSeconds" | "longestFrameGapMs" |
  "steadyFrameGapMs" | "longestStepMs" | "roundTrip">;

async function trainDigits(digitsUrl: string): Promise<DigitsResult> {
  const { x, y } = await zd.data.fetchDigits(digitsUrl);
  const [xTrain, xTest, yTrain, yTest] = zd.data.trainTestSplit(x, y, { testSize: 0.25, seed: 0 });
  const scaler = new zd.data.StandardScaler().fit(xTrain);
  // from one batch's end to the next: the step, plus any yield to the page in between
  let longestStep = 0, stepStart = performance.now(), epochsDone = 0;
  const timer: zd.callbacks.Callback = {
    onBatchEnd: () => {
      const now = performance.now();
      if (epochsDone > 0) longestStep = Math.max(longestStep, now - stepStart);
      stepStart = now;
    },
    onEpochEnd: () => { epochsDone++; },
  };
  const clf = new zd.models.MLPClassifier({ hiddenLayerSizes: [128], activation: "relu", solver: "sgd",
    learningRateInit: 0.01, maxIter: 100, randomState: 0, callbacks: [timer] });
  const started = performance.now();
  const training = (): Promise<unknown> => clf.fitAsync(scaler.transform(xTrain), yTrain);
  const { longestGapMs, steadyGapMs } = await watchFrames(training, () => epochsDone > 0);
  const trainSeconds = (performance.now() - started) / 1000;
  const testAccuracy = clf.score(scaler.transform(xTest), yTest);
  // save -> load: bytes out, then a model back from the bytes and from a Blob
  const model = clf.model as zd.nn.Sequential;
  const bytes = await zd.save(model);
  const restored = await zd.load(bytes);
  const fromBlob = await zd.load(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const xs = scaler.transform(xTest);
  const a = zd.noGrad(() => model.call(xs)).dataSync();
  const b = zd.noGrad(() => restored.call(xs)).dataSync();
  const c = zd.noGrad(() => fromBlob.call(xs)).dataSync();
  let maxDifference = 0;
  for (let i = 0; i < a.length; i++) {
    maxDifference = Math.max(maxDifference, Math.abs(a[i] - b[i]), Math.abs(a[i] - c[i]));
  }
  return { testAccuracy, trainSeconds, longestFrameGapMs: longestGapMs, steadyFrameGapMs: steadyGapMs,
    longestStepMs: longestStep,
    roundTrip: { bytes: bytes.length, maxDifference, fromBlob: c.length === a.length } };
}

export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  let readyError: string | null = null;
  try {
    zd.zeros([2]);
  } catch (e) {
    readyError = (e as Error).message;
  }
  await zd.ready(options.kernels === undefined ? {} : { kernels: options.kernels });
  const opTable = await checkOpTable(options.fixturesUrl);
  zd.manualSeed(0);
  const product = zd.randn([64, 96]).matmul(zd.randn([96, 80]));
  const matmulSample = Array.from(product.dataSync().subarray(0, 8)).concat(product.sum().item());
  const digits = await trainDigits(options.digitsUrl);
  // the yielding loop first: the synchronous one leaves its garbage to the next turn of the event loop
  const yieldingMemory = await checkYieldingLoopMemory(Math.min(options.memorySteps, 2000), 250);
  const memory = checkSyncLoopMemory(options.memorySteps);
  return {
    readyError, backend: zd.getBackend(), threads: zd.getNumThreads(),
    crossOriginIsolated: globalThis.crossOriginIsolated === true, opTable, matmulSample, ...digits, memory,
    yieldingMemory,
  };
}

(globalThis as unknown as { runSuite: typeof runSuite }).runSuite = runSuite;

/** Starts train-worker.js (beside this bundle) and resolves with what it reports. */
export function trainInWorker(digitsUrl: string): Promise<unknown> {
  const worker = new Worker(new URL("./train-worker.js", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", (event) => { resolve(event.data); worker.terminate(); });
    worker.addEventListener("error", (event) => reject(new Error(event.message)));
    worker.postMessage({ digitsUrl });
  });
}
(globalThis as unknown as { trainInWorker: typeof trainInWorker }).trainInWorker = trainInWorker;

/** The op table on the WebGPU backend (float64 fixtures as float32, ten times the tolerance). */
export async function runOpTableOnWebGpu(fixturesUrl: string): Promise<OpTableResult & { backend: string }> {
  await zd.setBackend("webgpu");
  const result = await checkOpTable(fixturesUrl, { float64As: "float32", toleranceScale: 10 });
  return { ...result, backend: zd.getBackend() };
}
(globalThis as unknown as { runOpTableOnWebGpu: typeof runOpTableOnWebGpu }).runOpTableOnWebGpu =
  runOpTableOnWebGpu;

/** The conv and pool layer fixtures on the WebGPU backend (as the op table above). */
export async function runLayerFixturesOnWebGpu(
  fixturesUrl: string): Promise<OpTableResult & { backend: string }> {
  await zd.setBackend("webgpu");
  const result = await checkLayerFixtures(fixturesUrl, { float64As: "float32", toleranceScale: 10 });
  return { ...result, backend: zd.getBackend() };
}
(globalThis as unknown as { runLayerFixturesOnWebGpu: typeof runLayerFixturesOnWebGpu })
  .runLayerFixturesOnWebGpu = runLayerFixturesOnWebGpu;
