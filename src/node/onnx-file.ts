/**
 * zd.saveOnnx: exportOnnx's bytes written to a file, atomically (Node only).
 */
import { exportOnnx, type Exportable, type ExportOnnxOptions } from "../io/onnx/export.js";
import { writeFileAtomic } from "./atomic-write.js";

/**
 * Writes `exportOnnx(model, options)` to `path`; a failed write leaves any previous file intact.
 * @example
 * await zd.saveOnnx(zd.models.cnn(), "cnn.onnx", { inputShape: [1, 28, 28] });
 */
export async function saveOnnx(
  model: Exportable, path: string, options: ExportOnnxOptions = {},
): Promise<void> {
  if (typeof path !== "string" || path === "") throw new Error("saveOnnx: path must be a non-empty string");
  await writeFileAtomic(path, exportOnnx(model, options));
}
