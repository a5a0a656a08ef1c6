// How a conv or pool fixture case (test/fixtures/conv.json, pool.json) is run: shared by the layer tests
// in Node (test/nn) and the browser page (test/browser/page/layer-fixtures.ts), so it has no Node imports.
import * as zd from "../../src/index.js";
import type { FixtureValue } from "./fixtures.js";

const { nn } = zd;
const F = nn.functional;
type Case = Record<string, FixtureValue>;
type Options = Record<string, FixtureValue>;
// fixture options are JSON; `never` lets each be passed where the API under test types it
type Any = never;

/** The conv layer a case describes (weights still to load). */
export function convLayerFor(c: Case): zd.nn.Conv1d | zd.nn.Conv2d | zd.nn.ConvTranspose2d {
  const [inC, outC] = [c.inChannels as number, c.outChannels as number];
  const k = c.kernelSize as zd.nn.functional.IntPair;
  const opts = { ...(c.options as Options), bias: c.hasBias as boolean } as zd.nn.Conv2dLayerOptions;
  if (c.op === "conv1d") return new nn.Conv1d(inC, outC, k as number, opts as zd.nn.Conv1dLayerOptions);
  if (c.op === "conv2d") return new nn.Conv2d(inC, outC, k, opts);
  return new nn.ConvTranspose2d(inC, outC, k, opts as zd.nn.ConvTranspose2dLayerOptions);
}

/** The case's op through nn.functional. */
export function convFunctional(c: Case, x: zd.Tensor, w: zd.Tensor, b: zd.Tensor | null): zd.Tensor {
  const o = c.options as Options;
  if (c.op === "conv1d") return F.conv1d(x, w, b, o as zd.nn.functional.Conv1dOptions);
  if (c.op === "conv2d") return F.conv2d(x, w, b, o as zd.nn.functional.Conv2dOptions);
  return F.convTranspose2d(x, w, b, o as zd.nn.functional.ConvTranspose2dOptions);
}

/** The functional op and the layer of a pool case, each returning [values] or [values, indices]. */
export function poolRunners(c: Case): Array<[string, (x: zd.Tensor) => zd.Tensor[]]> {
  const { kernelSize, outputSize, ...rest } = c.options as Record<string, Any>;
  const o = { ...rest, returnIndices: "indices" in c } as Any;
  const both = (values: zd.Tensor | zd.Tensor[]): zd.Tensor[] => (Array.isArray(values) ? values : [values]);
  switch (c.op) {
    case "max_pool2d": return [["functional", (x) => both(F.maxPool2d(x, kernelSize, o))],
      ["layer", (x) => (c.indices ? new nn.MaxPool2d(kernelSize, rest).forwardWithIndices(x)
        : [new nn.MaxPool2d(kernelSize, rest).forward(x)])]];
    case "max_pool1d": return [["functional", (x) => both(F.maxPool1d(x, kernelSize, o))],
      ["layer", (x) => (c.indices ? new nn.MaxPool1d(kernelSize, rest).forwardWithIndices(x)
        : [new nn.MaxPool1d(kernelSize, rest).forward(x)])]];
    case "avg_pool2d": return [["functional", (x) => [F.avgPool2d(x, kernelSize, rest)]],
      ["layer", (x) => [new nn.AvgPool2d(kernelSize, rest).forward(x)]]];
    case "avg_pool1d": return [["functional", (x) => [F.avgPool1d(x, kernelSize, rest)]],
      ["layer", (x) => [new nn.AvgPool1d(kernelSize, rest).forward(x)]]];
    case "adaptive_avg_pool2d": return [["functional", (x) => [F.adaptiveAvgPool2d(x, outputSize)]],
      ["layer", (x) => [new nn.AdaptiveAvgPool2d(outputSize).forward(x)]]];
    case "adaptive_avg_pool1d": return [["functional", (x) => [F.adaptiveAvgPool1d(x, outputSize)]],
      ["layer", (x) => [new nn.AdaptiveAvgPool1d(outputSize).forward(x)]]];
  }
  throw new Error(`unknown op ${String(c.op)}`);
}
