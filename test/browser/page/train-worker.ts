// Training inside a Web Worker, the way docs/browser.md shows: the worker imports zendl, awaits
// ready() and trains with the synchronous API (blocking is fine off the page's main thread); the page
// only exchanges messages with it. Its own kernel pool starts nested workers when the page is isolated.
import * as zd from "../../../src/index.js";

export interface WorkerTrainResult {
  threads: number;
  testAccuracy: number;
  seconds: number;
}

// `node --test dist/test/` also runs this file (every .js under a test/ folder); outside a Web Worker there
// is nothing to listen to, so it does nothing there.
const scope: { addEventListener?: typeof addEventListener } = typeof self === "undefined" ? {} : self;
scope.addEventListener?.("message", async (event: MessageEvent<{ digitsUrl: string }>) => {
  await zd.ready();
  const { x, y } = await zd.data.fetchDigits(event.data.digitsUrl);
  const [xTrain, xTest, yTrain, yTest] = zd.data.trainTestSplit(x, y, { testSize: 0.25, seed: 0 });
  const scaler = new zd.data.StandardScaler().fit(xTrain);
  const started = performance.now();
  const clf = new zd.models.MLPClassifier({ hiddenLayerSizes: [128], solver: "sgd", learningRateInit: 0.01,
    maxIter: 50, randomState: 0 }).fit(scaler.transform(xTrain), yTrain);
  const result: WorkerTrainResult = {
    threads: zd.getNumThreads(), testAccuracy: clf.score(scaler.transform(xTest), yTest),
    seconds: (performance.now() - started) / 1000,
  };
  self.postMessage(result);
});
