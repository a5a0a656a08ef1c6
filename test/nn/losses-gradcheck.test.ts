// Finite-difference gradient checks of every loss, for every reduction, in float64.
import { test } from "node:test";
import { rand, randn, tensor } from "../../src/core/creation.js";
import { gradcheck } from "../../src/core/gradcheck.js";
import type { Tensor } from "../../src/core/tensor.js";
import * as F from "../../src/nn/functional/index.js";

type Make = () => Tensor[];
type Loss = (reduction: F.Reduction) => (...inputs: Tensor[]) => Tensor;

const f64 = { dtype: "float64" as const };
const normal = (shape: number[], seed: number, grad = true): Tensor =>
  randn(shape, { ...f64, seed, requiresGrad: grad });
/** Uniform in (lo, hi), away from the edges where BCE and log blow up. */
const uniform = (shape: number[], seed: number, lo: number, hi: number, grad = true): Tensor =>
  rand(shape, { ...f64, seed }).mul(hi - lo).add(lo).detach().requiresGrad_(grad);
const int32 = (values: number[], shape?: number[]): Tensor => tensor(values, { dtype: "int32", shape });
const weight5 = (): Tensor => tensor([0.5, 1.5, 1, 2, 0.25], f64);
/** Strictly positive rows summing to 1 (a softmax of random logits). */
const probs = (shape: number[], seed: number, grad = true): Tensor =>
  randn(shape, { ...f64, seed }).mul(2).softmax(1).detach().requiresGrad_(grad);

const CASES: Array<[string, Make, Loss]> = [
  ["mseLoss", () => [normal([3, 4], 1), normal([3, 4], 2)],
    (reduction) => (x, t) => F.mseLoss(x, t, { reduction })],
  ["l1Loss", () => [normal([3, 4], 3), normal([3, 4], 4)],
    (reduction) => (x, t) => F.l1Loss(x, t, { reduction })],
  ["huberLoss delta 1", () => [normal([3, 4], 5).mul(2).detach().requiresGrad_(), normal([3, 4], 6)],
    (reduction) => (x, t) => F.huberLoss(x, t, { reduction })],
  ["huberLoss delta 0.7", () => [normal([3, 4], 7), normal([3, 4], 8)],
    (reduction) => (x, t) => F.huberLoss(x, t, { reduction, delta: 0.7 })],
  ["binaryCrossEntropy", () => [uniform([3, 4], 9, 0.05, 0.95), uniform([3, 4], 10, 0, 1)],
    (reduction) => (x, t) => F.binaryCrossEntropy(x, t, { reduction })],
  ["binaryCrossEntropy weight",
    () => [uniform([3, 4], 11, 0.05, 0.95), uniform([3, 4], 12, 0, 1), uniform([4], 13, 0.5, 2, false)],
    (reduction) => (x, t, w) => F.binaryCrossEntropy(x, t, { reduction, weight: w })],
  ["binaryCrossEntropyWithLogits",
    () => [normal([3, 4], 14).mul(3).detach().requiresGrad_(), uniform([3, 4], 15, 0, 1)],
    (reduction) => (x, t) => F.binaryCrossEntropyWithLogits(x, t, { reduction })],
  ["binaryCrossEntropyWithLogits weight posWeight", () => [normal([3, 4], 16), uniform([3, 4], 17, 0, 1),
    uniform([3, 1], 18, 0.5, 2, false), uniform([4], 19, 0.5, 3, false)],
    (reduction) => (x, t, w, pw) =>
      F.binaryCrossEntropyWithLogits(x, t, { reduction, weight: w, posWeight: pw })],
  ["klDiv", () => [probs([3, 4], 20).log().detach().requiresGrad_(), probs([3, 4], 21)],
    (reduction) => (x, t) => F.klDiv(x, t, { reduction })],
  ["klDiv logTarget", () => [probs([3, 4], 22).log().detach().requiresGrad_(), normal([3, 4], 23)],
    (reduction) => (x, t) => F.klDiv(x, t, { reduction, logTarget: true })],
  ["klDiv zero targets", () => [normal([2, 3], 24), tensor([[0, 0.5, 0.5], [1, 0, 0]], f64)],
    (reduction) => (x, t) => F.klDiv(x, t, { reduction })],
  ["hingeEmbeddingLoss margin 1", () => [normal([3, 4], 25), tensor([1, -1, -1, 1], f64).expand([3, 4])],
    (reduction) => (x, t) => F.hingeEmbeddingLoss(x, t, { reduction })],
  ["hingeEmbeddingLoss margin 2", () => [normal([3, 4], 26), tensor([-1, 1, -1, 1], f64).expand([3, 4])],
    (reduction) => (x, t) => F.hingeEmbeddingLoss(x, t, { reduction, margin: 2 })],
  ["crossEntropy", () => [normal([4, 5], 27), int32([1, 0, 4, 2])],
    (reduction) => (x, t) => F.crossEntropy(x, t, { reduction })],
  ["crossEntropy weight ignoreIndex labelSmoothing",
    () => [normal([4, 5], 28), int32([1, -100, 4, 1]), weight5()],
    (reduction) => (x, t, w) => F.crossEntropy(x, t, { reduction, weight: w, labelSmoothing: 0.2 })],
  ["crossEntropy spatial [2,5,3]",
    () => [normal([2, 5, 3], 29), int32([0, 4, 2, -1, 3, 3], [2, 3]), weight5()],
    (reduction) => (x, t, w) => F.crossEntropy(x, t, { reduction, weight: w, ignoreIndex: -1,
      labelSmoothing: 0.1 })],
  ["crossEntropy probabilities", () => [normal([4, 5], 30), probs([4, 5], 31), weight5()],
    (reduction) => (x, t, w) => F.crossEntropy(x, t, { reduction, weight: w, labelSmoothing: 0.3 })],
  ["nllLoss (the fused common case)", () => [normal([4, 5], 35), int32([4, 0, 2, 2])],
    (reduction) => (x, t) => F.nllLoss(x, t, { reduction })],
  ["nllLoss weight ignoreIndex", () => [normal([4, 5], 32), int32([3, 3, 7, 0]), weight5()],
    (reduction) => (x, t, w) => F.nllLoss(x, t, { reduction, weight: w, ignoreIndex: 7 })],
  ["multiMarginLoss p 1", () => [normal([4, 5], 33), int32([1, 0, 4, 2])],
    (reduction) => (x, t) => F.multiMarginLoss(x, t, { reduction })],
  ["multiMarginLoss p 2 weight margin 0.5", () => [normal([4, 5], 34), int32([3, 0, 4, 4]), weight5()],
    (reduction) => (x, t, w) => F.multiMarginLoss(x, t, { reduction, p: 2, margin: 0.5, weight: w })],
];

for (const [name, make, loss] of CASES) {
  for (const reduction of ["mean", "sum", "none"] as const) {
    test(`gradcheck ${name} (${reduction})`, () => {
      gradcheck(loss(reduction), make());
    });
  }
}

test("gradcheck klDiv batchmean", () => {
  gradcheck((x, t) => F.klDiv(x, t, { reduction: "batchmean" }),
    [probs([3, 4], 35).log().detach().requiresGrad_(), probs([3, 4], 36)]);
  gradcheck((x, t) => F.klDiv(x, t, { reduction: "batchmean", logTarget: true }),
    [normal([3, 4], 37), normal([3, 4], 38)]);
});
