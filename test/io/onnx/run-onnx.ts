// Runs exported ONNX bytes in onnxruntime-node and compares them with zendl's outputs (eval mode).
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import * as zd from "../../../src/index.js";

export interface Feed { [name: string]: zd.Tensor }

function toOrt(t: zd.Tensor): ort.Tensor {
  const data = t.dtype === "int32" ? Int32Array.from(t.dataSync()) : Float32Array.from(t.dataSync());
  return new ort.Tensor(t.dtype === "int32" ? "int32" : "float32", data, [...t.shape]);
}

/** The model's outputs for `feed`, by output name, as onnxruntime computes them. */
export async function runOnnx(bytes: Uint8Array, feed: Feed): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const inputs: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feed)) inputs[name] = toOrt(t);
  try {
    return await session.run(inputs);
  } finally {
    await session.release();
  }
}

/**
 * Relative error |a − e| / |e| ≤ rtol element-wise, where values smaller than a tenth of the output's
 * largest magnitude are measured against that tenth: a sum that nearly cancels carries the float32
 * rounding of its terms, not of its small result. The failure names the worst element.
 */
export function assertNear(label: string, actual: ort.Tensor, expected: zd.Tensor, rtol = 1e-4): void {
  assert.deepEqual([...actual.dims], [...expected.shape], `${label}: shape`);
  const a = actual.data as Float32Array, e = expected.dataSync();
  let scale = 0;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  let worst = 0, at = -1;
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i] - e[i]) / (Math.max(Math.abs(e[i]), scale * 0.1) + 1e-12);
    if (!(err <= worst)) { worst = err; at = i; }
  }
  assert.ok(worst <= rtol, `${label}: relative error ${worst.toExponential(2)} at ${at} ` +
    `(got ${a[at]}, zendl ${e[at]})`);
}
