/**
 * zd.savePyTorch: exportPyTorch's three files written into a folder (Node only).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { exportPyTorch, type ExportPyTorchOptions } from "../io/pytorch/export.js";
import type { Exportable } from "../io/onnx/export.js";
import { writeFileAtomic } from "./atomic-write.js";

/**
 * Writes `dir/model.py`, `dir/model.safetensors` and `dir/train_ddp.py` (each atomically), creating
 * `dir` when needed; returns the three paths.
 * @example
 * await zd.savePyTorch(model, "export", { inputShape: [1, 28, 28] });
 * // then: torchrun --standalone --nproc_per_node 4 export/train_ddp.py --data data.safetensors
 */
export async function savePyTorch(model: Exportable, dir: string, options: ExportPyTorchOptions = {}):
  Promise<string[]> {
  if (typeof dir !== "string" || dir === "") throw new Error("savePyTorch: dir must be a non-empty string");
  const files = exportPyTorch(model, options);
  await mkdir(dir, { recursive: true });
  const paths = [join(dir, "model.py"), join(dir, "model.safetensors"), join(dir, "train_ddp.py")];
  await writeFileAtomic(paths[0], files.modelPy);
  await writeFileAtomic(paths[1], files.weights);
  await writeFileAtomic(paths[2], files.trainDdpPy);
  return paths;
}
