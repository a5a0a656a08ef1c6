// The browser demo (npm run demo): train the digits MLP and LeNet-5 on the Fashion-MNIST subset in the
// page with live charts, then draw a digit and watch the prediction. Query: ?epochs=N&autorun=digits, and
// ?backend=webgpu to train on the GPU. Every read-back is awaited (a page cannot wait for a GPU buffer).
import * as zd from "../../src/index.js";
import { drawBars, drawChart, drawConfusion, type Series } from "./chart.js";
import { DrawPad } from "./draw-pad.js";

const { nn, optim, data } = zd;
const params = new URLSearchParams(location.search);
const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));
const FASHION = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"];

interface Job {
  name: string; names: string[]; model: zd.nn.Module; epochs: number; batchSize: number;
  optimizer: zd.optim.Optimizer; data: [zd.Tensor, zd.Tensor, zd.Tensor, zd.Tensor];
}

/** Trains with fitAsync, redrawing the chart after every batch, then draws the confusion matrix. */
async function train(job: Job): Promise<void> {
  const [xTrain, yTrain, xTest, yTest] = job.data;
  const loss: number[] = [], accuracy: number[] = [], valAccuracy: number[] = [];
  const series: Series[] = [
    { label: "loss (batch)", color: "#dc2626", values: loss, axis: "left" },
    { label: "train accuracy", color: "#16a34a", values: accuracy, axis: "right" },
    { label: "test accuracy", color: "#2563eb", values: valAccuracy, axis: "right" },
  ];
  const progress = $<HTMLProgressElement>(`${job.name}-progress`);
  const status = $(`${job.name}-status`);
  const chart = $<HTMLCanvasElement>(`${job.name}-chart`);
  const started = performance.now();
  let stepsPerEpoch = 1;
  await zd.fitAsync(job.model, xTrain, yTrain, {
    loss: nn.functional.crossEntropy, optimizer: job.optimizer, epochs: job.epochs, batchSize: job.batchSize,
    metrics: ["accuracy"], validationData: [xTest, yTest], verbose: 0, seed: 0,
    onEvent: (e) => {
      if (e.type === "batchEnd") {
        stepsPerEpoch = e.stepsPerEpoch;
        loss.push(e.loss);
        progress.value = ((e.epoch - 1) * e.stepsPerEpoch + e.step) / (job.epochs * e.stepsPerEpoch);
        drawChart(chart, series, "batches");
      } else if (e.type === "epochEnd") {
        // accuracies are per epoch: one value per batch of the epoch, so all lines share the x axis
        accuracy.push(...Array<number>(stepsPerEpoch).fill(e.logs.accuracy));
        valAccuracy.push(...Array<number>(stepsPerEpoch).fill(e.logs.valAccuracy));
        drawChart(chart, series, "batches");
        status.textContent = `epoch ${e.epoch}/${e.epochs}: loss ${e.logs.loss.toFixed(3)}, test accuracy ` +
          `${(e.logs.valAccuracy * 100).toFixed(1)}% (${((performance.now() - started) / 1000).toFixed(1)} s)`;
      }
    },
  });
  const predicted = await zd.predict(job.model, xTest).argmax(1).data();
  const truth = await yTest.data();
  const counts = job.names.map(() => job.names.map(() => 0));
  predicted.forEach((p, i) => { counts[truth[i]][p]++; });
  drawConfusion($<HTMLCanvasElement>(`${job.name}-confusion`), counts, job.names);
}

const epochsParam = Number(params.get("epochs")) || 0;
let digitsModel: zd.nn.Sequential | null = null;
let digitsScaler: zd.data.StandardScaler | null = null;

async function trainDigits(): Promise<void> {
  const { x, y } = await data.fetchDigits("./data/digits.csv.gz");
  const [xTrain, xTest, yTrain, yTest] = data.trainTestSplit(x, y, { testSize: 0.25, seed: 0 });
  digitsScaler = await new data.StandardScaler().fitAsync(xTrain);
  zd.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
  await train({ name: "digits", names: DIGITS, model, epochs: epochsParam || 20, batchSize: 32,
    optimizer: new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }),
    data: [digitsScaler.transform(xTrain), yTrain, digitsScaler.transform(xTest), yTest] });
  digitsModel = model;
  predictDrawing();
}

async function trainFashion(): Promise<void> {
  const { xTrain, yTrain, xTest, yTest } = await data.fetchFashionMnist("./data/fashion-mnist-subset/");
  zd.manualSeed(0);
  const model = zd.models.lenet5();
  await train({ name: "fashion", names: FASHION, model, epochs: epochsParam || 8, batchSize: 32,
    optimizer: new optim.Adam(model.parameters(), { lr: 2e-3 }), data: [xTrain, yTrain, xTest, yTest] });
}

const pad = new DrawPad($<HTMLCanvasElement>("pad"), () => predictDrawing());

/**
 * The drawing as the digits data set's 8x8 counts (0..16), through the scaler and the MLP; nothing
 * (empty bars) until something is drawn: a blank canvas is not a digit.
 */
function predictDrawing(): void {
  const bars = $<HTMLCanvasElement>("digits-probs");
  const cells = pad.toGrid(8).map((v) => v * 16);
  if (!digitsModel || !digitsScaler || cells.every((v) => v === 0)) {
    drawBars(bars, DIGITS.map(() => 0), DIGITS);
    return;
  }
  const x = digitsScaler.transform(zd.tensor([cells]));
  const probabilities = zd.noGrad(() => (digitsModel as zd.nn.Sequential).call(x).softmax(1));
  void probabilities.data().then((p) => drawBars(bars, Array.from(p), DIGITS));
}

function button(id: string, run: () => Promise<void>): void {
  const element = $<HTMLButtonElement>(id);
  element.onclick = async () => {
    element.disabled = true;
    try {
      await run();
      document.body.dataset.done = `${document.body.dataset.done ?? ""} ${id}`.trim();
    } catch (error) {
      $("status").textContent = `error: ${(error as Error).message}`;
      throw error;
    } finally {
      element.disabled = false;
    }
  };
}

await zd.ready();
let opened = "";
if (params.get("backend") === "webgpu") {
  try {
    await zd.setBackend("webgpu");
  } catch (error) {
    opened = ` (webgpu: ${(error as Error).message})`;
  }
}
$("status").textContent = `backend ${zd.getBackend()} · ${zd.getNumThreads()} thread(s) · ` +
  `crossOriginIsolated ${globalThis.crossOriginIsolated === true}${opened}`;
button("digits-train", trainDigits);
button("fashion-train", trainFashion);
$("pad-clear").onclick = () => { pad.clear(); predictDrawing(); };
for (const chart of ["digits-chart", "fashion-chart"]) drawChart($<HTMLCanvasElement>(chart), [], "batches");
const autorun = params.get("autorun");
if (autorun === "digits" || autorun === "fashion") $<HTMLButtonElement>(`${autorun}-train`).click();
