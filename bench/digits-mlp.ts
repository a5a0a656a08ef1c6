/**
 * Benchmark of the reference job: a 64-128-10 ReLU MLP, SGD (lr 0.01, Nesterov momentum 0.9),
 * batch 200, 100 epochs on standardized digits. Prints zendl beside scikit-learn and PyTorch from the
 * same run (when /usr/bin/python3 has them) and writes bench/results/digits-mlp-<time>.json.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as zd from "../src/index.js";
import { writeFileAtomicSync } from "../src/io/safetensors.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const EPOCHS = 100, SEED = 0;

interface Row { peer: string; seconds: number; epochs: number; testAccuracy: number; threads?: number }

function runZendl(): Row {
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
  return { peer: `zendl (${zd.getBackend()} backend)`, seconds, epochs: clf.nIter, testAccuracy: clf.score(xTest, yTest) };
}

function runPeers(): Row[] {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) return [];
  try {
    const out = execFileSync(python, [join(root, "bench/peers/digits_mlp.py"), join(root, "data/digits.csv.gz"), String(SEED)],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return out.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Row);
  } catch {
    return [];
  }
}

const zendl = runZendl();
const peers = runPeers();
console.log(`digits MLP reference job, ${EPOCHS} epochs (${cpus().length} cores, ${cpus()[0]?.model ?? "?"})`);
console.log(["peer".padEnd(28), "seconds".padStart(8), "acc".padStart(7), "zendl/peer time".padStart(16)].join(" "));
for (const row of [zendl, ...peers]) {
  const ratio = row === zendl ? "" : (zendl.seconds / row.seconds).toFixed(2) + "x";
  const name = row.threads ? `${row.peer} (${row.threads} threads)` : row.peer;
  console.log([name.padEnd(28), row.seconds.toFixed(3).padStart(8), row.testAccuracy.toFixed(4).padStart(7),
    ratio.padStart(16)].join(" "));
}
if (peers.length === 0) console.log("(no peers: install python3-torch and python3-sklearn to compare)");
const resultsDir = join(root, "bench/results");
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const file = join(resultsDir, `digits-mlp-${stamp}.json`);
writeFileAtomicSync(file, JSON.stringify({
  benchmark: "digits-mlp", date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model,
  cores: cpus().length, epochs: EPOCHS, results: [zendl, ...peers],
}, null, 2) + "\n");
console.log(`wrote ${file}`);
