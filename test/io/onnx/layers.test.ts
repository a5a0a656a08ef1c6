import { test } from "node:test";
import { LAYER_CASES } from "../export-cases.js";
import { checkExport } from "./check-export.js";

for (const c of LAYER_CASES) {
  test(`ONNX export matches zendl: ${c.label}`, async () => { await checkExport(c); });
}
