/**
 * `zendl export <model.safetensors> --format onnx|pytorch --out PATH`: a trained model as an ONNX file
 * or as a PyTorch folder (model.py, model.safetensors, train_ddp.py). The input shape comes from the
 * model file's metadata (image size, feature count) or from the model, unless --input-shape says it.
 */
import { Option, type Command } from "commander";
import { load } from "../../io/checkpoint.js";
import { saveOnnx } from "../../node/onnx-file.js";
import { savePyTorch } from "../../node/pytorch-files.js";
import { UsageError, parseChoice, parseInteger } from "../errors.js";
import { readMetadata } from "../model-file.js";

export interface ExportFlags { format: "onnx" | "pytorch"; out: string; inputShape?: number[]; opset?: number;
  fixedBatch?: boolean }

// Height and width of the image data sets' pictures (the channel count is the normalization's).
const IMAGE_SIDES: Record<string, number> = { "fashion-mnist": 28, "fashion-mnist-subset": 28 };

function parseShape(value: string): number[] {
  const dims = value.split(",").map((s) => Number(s.trim()));
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`--input-shape must be comma-separated positive integers without the batch ` +
      `(e.g. 1,28,28), got "${value}"`);
  }
  return dims;
}

/** One sample's shape as `zendl train` recorded it, or undefined to let the model say it. */
function recordedShape(metadata: Record<string, string>): number[] | undefined {
  const normalize = metadata["cli.normalize"], side = IMAGE_SIDES[metadata["cli.dataset"] ?? ""];
  if (metadata["cli.input"] === "images" && normalize !== undefined && side !== undefined) {
    return [(JSON.parse(normalize) as { mean: number[] }).mean.length, side, side];
  }
  const scaler = metadata["cli.scaler"];
  if (scaler !== undefined) return [(JSON.parse(scaler) as { mean: number[] }).mean.length];
  return undefined;
}

/** Writes the export; returns the line to print. */
export async function exportCommand(file: string, flags: ExportFlags): Promise<string> {
  const metadata = await readMetadata(file);
  const model = await load(file);
  const inputShape = flags.inputShape ?? recordedShape(metadata);
  // What zendl train recorded (data set, scaler, normalization) travels with the export.
  const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => key.startsWith("cli.")));
  if (flags.format === "onnx") {
    const opset = flags.opset ?? 17;
    await saveOnnx(model, flags.out, { inputShape, opset, dynamicBatch: !flags.fixedBatch, metadata: kept });
    return `wrote ${flags.out} (ONNX opset ${opset}, ${model.constructor.name})`;
  }
  const paths = await savePyTorch(model, flags.out, { inputShape, metadata: kept });
  return `wrote ${paths.join(", ")}; continue training with: ` +
    `torchrun --standalone --nproc_per_node 2 ${paths[2]}`;
}

/** Adds `export` to the program. */
export function registerExportCommand(program: Command): void {
  program.command("export")
    .description("write a trained model as an ONNX file or a PyTorch folder (model.py, weights, " +
      "train_ddp.py)")
    .argument("<model-file>", "path to model.safetensors")
    .addOption(new Option("--format <name>", "onnx or pytorch")
      .argParser(parseChoice("--format", ["onnx", "pytorch"] as const)).makeOptionMandatory())
    .requiredOption("--out <path>", "the .onnx file, or the folder for pytorch")
    .option("--input-shape <dims>", "one input sample's shape, no batch (default: from the model file)",
      parseShape)
    .option("--opset <n>", "ONNX opset, 17 to 20 (default 17)", parseInteger("--opset", 17))
    .option("--fixed-batch", "ONNX: batch size 1 in the file instead of a symbolic batch dimension")
    .action(async (file: string, flags: ExportFlags) => {
      process.stdout.write(`${await exportCommand(file, flags)}\n`);
    });
}
