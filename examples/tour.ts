// The README's API tour, kept runnable: tensor -> module -> optimizer -> fit -> save/load.
import * as zd from "../src/index.js"; // in your project: from "zendl"
const { nn, optim, data } = zd;

// tensors and autograd
const x = zd.tensor([[1, 2], [3, 4]], { requiresGrad: true });
x.mul(x).sum().backward();
console.log(x.grad?.toArray()); // [[2, 4], [6, 8]]

// data: the bundled digits, split and standardized
const { x: X, y: Y } = data.loadDigits();
const [xTrain, xTest, yTrain, yTest] = data.trainTestSplit(X, Y, { testSize: 0.25, seed: 0 });
const scaler = new data.StandardScaler().fit(xTrain);

// a module, an optimizer, and a Keras-style fit
zd.manualSeed(0);
const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
const history = zd.fit(model, scaler.transform(xTrain), yTrain, {
  loss: nn.functional.crossEntropy, optimizer, epochs: 10, batchSize: 64, metrics: ["accuracy"],
  validationData: [scaler.transform(xTest), yTest], verbose: 0,
});
console.log("validation accuracy", history.history.valAccuracy.at(-1));

// save and load (safetensors, PyTorch key layout)
await zd.save(model, "digits-mlp.safetensors");
const restored = await zd.load("digits-mlp.safetensors");
const logits = zd.noGrad(() => restored.call(scaler.transform(xTest)));
console.log("restored accuracy", zd.metrics.accuracy(logits, yTest));
