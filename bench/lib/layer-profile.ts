/**
 * Per-layer time of a Sequential model on one batch, the way a training step runs it: each layer's
 * forward, its backward to the input (what the layer below needs; not timed for the first layer,
 * whose input needs no gradient in training) and its backward to its parameters, each measured on its
 * own (the other gradients switched off) as the median of a few runs.
 */
import * as zd from "../../src/index.js";
import { median } from "./timing.js";

export interface LayerTiming {
  index: number;
  layer: string;
  inputShape: number[];
  forwardMs: number;
  /** null for the first layer (its input gradient is never computed in training). */
  backwardInputMs: number | null;
  /** null for layers without parameters. */
  backwardWeightMs: number | null;
}

/** Median milliseconds of `timed` over `runs` after `warmup`, `setup` (untimed) before each. */
function timeIt<T>(setup: () => T, timed: (value: T) => void, runs: number, warmup: number): number {
  const samples: number[] = [];
  for (let r = 0; r < warmup + runs; r++) {
    zd.tidy(() => {
      const value = setup();
      const start = performance.now();
      timed(value);
      if (r >= warmup) samples.push(performance.now() - start);
    });
  }
  return median(samples);
}

export function profileLayers(model: zd.nn.Sequential, x: zd.Tensor, runs = 5, warmup = 2): LayerTiming[] {
  const timings: LayerTiming[] = [];
  let input = x.detach();
  let index = 0;
  for (const layer of model) {
    const params = layer.parameters();
    const output = zd.keep(zd.noGrad(() => layer.call(input)));
    const probe = zd.keep(zd.randn(output.shape, { seed: index }));
    const forwardMs = timeIt(() => null, () => zd.noGrad(() => layer.call(input)), runs, warmup);
    let backwardInputMs: number | null = null;
    if (index > 0) {
      params.forEach((p) => { p.requiresGrad = false; });
      const xg = input.detach().requiresGrad_();
      backwardInputMs = timeIt(() => layer.call(xg), (y) => y.backward(probe), runs, warmup);
      params.forEach((p) => { p.requiresGrad = true; });
    }
    let backwardWeightMs: number | null = null;
    if (params.length > 0) {
      backwardWeightMs = timeIt(() => {
        params.forEach((p) => { p.grad = null; });
        return layer.call(input);
      }, (y) => y.backward(probe), runs, warmup);
      params.forEach((p) => { p.grad = null; });
    }
    const label = String(layer).replace(/\s+/g, " ");
    timings.push({ index, layer: label.length > 60 ? `${label.slice(0, 57)}...` : label,
      inputShape: [...input.shape], forwardMs, backwardInputMs, backwardWeightMs });
    input = output;
    index++;
  }
  return timings;
}
