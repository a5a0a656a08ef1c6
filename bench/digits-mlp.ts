/**
 * Benchmark of the reference job: a 64-128-10 ReLU MLP, SGD (lr 0.01, Nesterov momentum 0.9),
 * batch 200, 100 epochs on standardized digits. Prints zendl (wasm backend) beside
 * scikit-learn and PyTorch from the same run (when /usr/bin/python3 has them) and writes
 * bench/results/digits-mlp-<time>.json. Target: zendl wasm trains in at most 0.3 s.
 */
import { join } from "node:path";
import * as zd from "../src/index.js";
import { useBackend } from "./lib/backend.js";
import { loadLine, machineLine, repoRoot, writeResult } from "./lib/env.js";
import { runPython } from "./lib/peers.js";
import { formatNumber, printTable, ratio } from "./lib/table.js";

const EPOCHS = 100, SEED = 0, TARGET_SECONDS = 0.3;

interface Row { peer: string; seconds: number; epochs: number; testAccuracy: number; threads?: number }

function runZendl(backend: string): Row | { peer: string; unavailable: string } {
  const peer = `zendl ${backend}`;
  const unavailable = useBackend(backend);
  if (unavailable) return { peer, unavailable };
  const { x, y } = zd.data.loadDigits();
  const [xTrainRaw, xTestRaw, yTrain, yTest] = zd.data.trainTestSplit(x, y, { testSize: 0.25, seed: SEED });
  const scaler = new zd.data.StandardScaler().fit(xTrainRaw);
  const [xTrain, xTest] = [scaler.transform(xTrainRaw), scaler.transform(xTestRaw)];
  const clf = new zd.models.MLPClassifier({
    hiddenLayerSizes: [128], activation: "relu", solver: "sgd", learningRateInit: 0.01, maxIter: EPOCHS,
    nIterNoChange: EPOCHS + 1, randomState: SEED,
  });
  const started = performance.now();
  clf.fit(xTrain, yTrain);
  const seconds = (performance.now() - started) / 1000;
  return { peer, seconds, epochs: clf.nIter, testAccuracy: clf.score(xTest, yTest) };
}

const started = performance.now();
console.log("digits MLP reference job: 64-128-10 ReLU, SGD lr 0.01 Nesterov 0.9, batch 200, " +
  `${EPOCHS} epochs`);
console.log(machineLine());
// The js reference is left out here: at ~10 s it would cost more than the rest of this benchmark.
const zendlRows = [runZendl("wasm")];
const python = runPython<Row>("digits_mlp.py", [join(repoRoot(), "data/digits.csv.gz"), String(SEED)]);
const peers = python.available ? python.value : [];
const measured = [...zendlRows, ...peers].filter((r): r is Row => "seconds" in r);
const ours = measured.find((r) => r.peer === "zendl wasm");
printTable("training time for 100 epochs (lower is better)",
  ["implementation", "seconds", "epochs", "test acc", "this/zendl wasm time"],
  measured.map((r) => [r.threads ? `${r.peer} (${r.threads} threads)` : r.peer, formatNumber(r.seconds, 3),
    r.epochs, formatNumber(r.testAccuracy, 4), r === ours ? "" : ratio(r.seconds, ours?.seconds)]));
console.log("  ratios above 1x: zendl wasm is faster by that factor");
console.log(`target: zendl wasm <= ${TARGET_SECONDS} s: ` + (ours
  ? `${ours.seconds.toFixed(3)} s -> ${ours.seconds <= TARGET_SECONDS ? "met" : "NOT met"}` : "n/a"));
for (const r of zendlRows) {
  if ("unavailable" in r) console.log(`  ${r.peer}: not available (${r.unavailable})`);
}
if (!python.available) console.log(`  scikit-learn, PyTorch: not available (${python.reason})`);
else if (peers.length < 2) console.log("  (install python3-torch and python3-sklearn for both peers)");
const file = writeResult("digits-mlp", { epochs: EPOCHS, targetSeconds: TARGET_SECONDS, results: measured,
  unavailable: zendlRows.filter((r) => "unavailable" in r) });
console.log(`wrote ${file} (${((performance.now() - started) / 1000).toFixed(0)} s; ${loadLine()})`);
process.exit(0);
