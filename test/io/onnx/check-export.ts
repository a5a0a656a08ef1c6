// Exports a model, runs it in onnxruntime at batch sizes 1 and 7, and compares with zendl in eval mode.
import * as zd from "../../../src/index.js";
import type { ExportCase } from "../export-cases.js";
import { assertNear, runOnnx, type Feed } from "./run-onnx.js";

/** zendl's outputs in eval mode, as a flat list (a recurrent layer's [output, h] or [output, [h, c]]). */
export function flatOutputs(out: unknown): zd.Tensor[] {
  if (out instanceof zd.Tensor) return [out];
  return (out as unknown[]).flatMap(flatOutputs);
}

export async function checkExport(c: ExportCase, batches = [1, 7]): Promise<void> {
  zd.manualSeed(1);
  const model = c.model();
  const bytes = zd.exportOnnx(model, { inputShape: c.inputShape });
  model.eval();
  const shape = c.inputShape;
  for (const batch of batches) {
    const full = [batch, ...shape];
    const x = c.vocabulary === undefined ? zd.randn(full, { seed: batch })
      : zd.randint(0, c.vocabulary, full, { seed: batch, dtype: "int32" });
    const expected = flatOutputs(zd.noGrad(() => model.forward(x)));
    const got = await runOnnx(bytes, { input: x } as Feed);
    const names = Object.keys(got);
    expected.forEach((e, i) => assertNear(`${c.label} batch ${batch} output ${names[i]}`, got[names[i]], e));
  }
}
