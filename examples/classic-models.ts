// The classic models in a few seconds: a perceptron on AND and XOR, an RBF network fitting sin, and an RBM
// on the digits with its monitoring figures.
import * as zd from "../src/index.js"; // in your project: from "zendl"
const { models, data } = zd;

// Perceptron: AND is linearly separable, XOR is not.
const corners = [[0, 0], [0, 1], [1, 0], [1, 1]];
const and = new models.Perceptron({ randomState: 0 }).fit(corners, [0, 0, 0, 1]);
console.log(`perceptron AND: converged ${and.converged} after ${and.nIter} epochs`);
const xor = new models.Perceptron({ maxIter: 100, randomState: 0 }).fit(corners, [0, 1, 1, 0]);
console.log(`perceptron XOR: converged ${xor.converged} after ${xor.nIter} epochs, ` +
  `accuracy ${xor.score(corners, [0, 1, 1, 0])}`);

// RBF network: 10 Gaussian units placed by k-means, a least-squares readout; error on unseen points.
const x = zd.linspace(-Math.PI, Math.PI, 200).reshape([-1, 1]);
const rbf = new models.RBFRegressor({ nCenters: 10, randomState: 0 }).fit(x, x.sin().reshape([-1]));
const xTest = zd.linspace(-3, 3, 77).reshape([-1, 1]);
const mse = zd.nn.functional.mseLoss(rbf.predict(xTest), xTest.sin().reshape([-1])).item();
console.log(`rbf sin fit: test MSE ${mse.toExponential(2)}, max |error| ` +
  `${rbf.predict(xTest).sub(xTest.sin().reshape([-1])).abs().max().item().toExponential(2)}`);

// RBM: 64 hidden units on digit pixels scaled to [0, 1], CD-1.
const { x: pixels } = data.loadDigits();
const rbm = new models.BernoulliRBM({ nComponents: 64, nIter: 5, learningRate: 0.05, randomState: 0 })
  .fit(pixels.div(16));
for (const log of rbm.history) {
  console.log(`rbm epoch ${log.epoch}: reconstruction error ${log.reconstructionError.toFixed(4)}, ` +
    `pseudo-log-likelihood ${log.pseudoLogLikelihood.toFixed(2)}`);
}
