import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zd from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";

const { Autoencoder } = zd.models;
const mse = zd.nn.functional.mseLoss;

// 300 digits to train on and 100 others to judge, pixels scaled to [0, 1].
function digits(): { train: zd.Tensor; test: zd.Tensor } {
  const x = zd.data.loadDigits().x.div(16);
  return { train: x.slice(0, 0, 300), test: x.slice(0, 300, 400) };
}

function train(model: InstanceType<typeof Autoencoder>, x: zd.Tensor, epochs: number): void {
  const optimizer = new zd.optim.Adam(model.parameters(), { lr: 3e-3 });
  zd.fit(model, x, x, { loss: (o, t) => mse(o, t), optimizer, epochs, batchSize: 32, seed: 0, verbose: 0 });
}

test("a dense autoencoder cuts the reconstruction error of unseen digits below a fifth of its start", () => {
  const { train: xTrain, test: xTest } = digits();
  zd.manualSeed(0);
  const ae = new Autoencoder({ inputShape: [64], latentSize: 16 });
  const before = ae.reconstructionError(xTest);
  train(ae, xTrain, 15);
  const after = ae.reconstructionError(xTest);
  assert.ok(before > 0.1, `an untrained decoder outputs about 0.5 everywhere: error ${before}`);
  assert.ok(after < 0.2 * before, `test error ${after} is not below 0.2 x ${before}`);
  assert.deepEqual(ae.encode(xTest).shape, [100, 16]);
  assert.deepEqual(ae.decode(zd.zeros([3, 16])).shape, [3, 64]);
});

test("a conv autoencoder takes [N, 1, 8, 8] or flat rows and learns (error below 0.35 of its start)", () => {
  const { train: xTrain, test: xTest } = digits();
  zd.manualSeed(1);
  const ae = new Autoencoder({ variant: "conv", inputShape: [1, 8, 8], latentSize: 16 });
  const images = xTrain.reshape([300, 1, 8, 8]);
  const before = ae.reconstructionError(xTest);
  train(ae, images, 20);
  const after = ae.reconstructionError(xTest.reshape([100, 1, 8, 8]));
  assert.ok(after < 0.35 * before, `test error ${after} is not below 0.35 x ${before}`);
  ae.eval();
  assert.deepEqual(ae.forward(xTest.slice(0, 0, 2)).shape, [2, 64], "flat rows come back flat");
  assert.deepEqual(ae.forward(images.slice(0, 0, 2)).shape, [2, 1, 8, 8]);
});

test("conv decoders retrace odd and even sizes; the dense variant also takes image shapes", () => {
  for (const shape of [[1, 7, 9], [3, 28, 28], [2, 5, 4]]) {
    const ae = new Autoencoder({ variant: "conv", inputShape: shape, encoderSizes: [4, 6, 8],
      latentSize: 3 });
    const out = ae.forward(zd.rand([2, ...shape]));
    assert.deepEqual(out.shape, [2, ...shape]);
  }
  const dense = new Autoencoder({ inputShape: [1, 4, 4], encoderSizes: [8], decoderSizes: [6, 10] });
  assert.deepEqual(dense.forward(zd.rand([5, 1, 4, 4])).shape, [5, 1, 4, 4]);
  assert.deepEqual(dense.forward(zd.rand([5, 16])).shape, [5, 16]);
  const widths = dense.decoder.parameters().filter((p) => p.ndim === 2).map((p) => p.shape);
  assert.deepEqual(widths, [[6, 16], [10, 6], [16, 10]]);
});

test("noise is added in training mode only; a denoising autoencoder removes over half of it", () => {
  const { train: xTrain, test: xTest } = digits();
  zd.manualSeed(2);
  const ae = new Autoencoder({ inputShape: [64], noise: 0.3 });
  ae.eval();
  assertClose(ae.forward(xTest), ae.forward(xTest), { label: "eval mode is deterministic" });
  ae.train();
  const a = ae.forward(xTest).dataSync(), b = ae.forward(xTest).dataSync();
  assert.ok(a.some((v, i) => v !== b[i]), "training mode draws fresh noise");
  train(ae, xTrain, 25);
  const noisy = xTest.add(zd.randn(xTest.shape, { seed: 5 }).mul(0.3));
  const noisyError = mse(noisy, xTest).item();
  ae.eval();
  const denoisedError = zd.noGrad(() => mse(ae.forward(noisy), xTest).item());
  assert.ok(denoisedError < 0.45 * noisyError, `denoised error ${denoisedError} vs noisy ${noisyError}`);
});

test("zd.save / zd.load rebuild an autoencoder with its options and weights", async () => {
  zd.manualSeed(3);
  const ae = new Autoencoder({ variant: "conv", inputShape: [1, 8, 8], encoderSizes: [4], latentSize: 5,
    noise: 0.1 });
  const dir = mkdtempSync(join(tmpdir(), "zendl-ae-"));
  try {
    await zd.save(ae, join(dir, "ae.safetensors"));
    const loaded = await zd.load(join(dir, "ae.safetensors"));
    assert.ok(loaded instanceof Autoencoder);
    assert.deepEqual(loaded.getConfig(), ae.getConfig());
    ae.eval(); loaded.eval();
    const x = zd.rand([3, 1, 8, 8], { seed: 4 });
    assertClose(loaded.forward(x), ae.forward(x), { label: "reloaded reconstructions" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad options and inputs are refused with the numbers", () => {
  const make = (options: object) => () => new Autoencoder(options as zd.models.AutoencoderOptions);
  assert.throws(make({ inputShape: [64], variant: "sparse" }),
    /Autoencoder: variant must be one of "dense", "conv", got "sparse"/);
  assert.throws(make({ inputShape: [64], variant: "conv" }),
    /inputShape must be \[channels, height, width\].*got \[64\]/);
  assert.throws(make({ inputShape: [8, 8] }),
    /Autoencoder: inputShape must be \[features\] or \[channels, height, width\], got \[8,8\]/);
  assert.throws(make({ inputShape: [1, 8, 0] }), /inputShape must be \[channels, height, width\]/);
  assert.throws(make({ inputShape: [0] }),
    /inputShape must be a non-empty array of positive integers, got \[0\]/);
  assert.throws(make({ inputShape: [64], encoderSizes: [] }), /encoderSizes must be a non-empty array/);
  assert.throws(make({ inputShape: [64], latentSize: 2.5 }),
    /latentSize must be a positive integer, got 2.5/);
  assert.throws(make({ inputShape: [64], noise: -0.1 }), /noise must be a number in \[0, .*got -0.1/);
  assert.throws(make(undefined as unknown as object), /inputShape are required/);
  const ae = new Autoencoder({ inputShape: [1, 8, 8] });
  assert.throws(() => ae.forward(zd.zeros([2, 63])),
    /Autoencoder: input of shape \[2,63\] does not match; expected \[N, 64\] or \[N, 1, 8, 8\]/);
  assert.throws(() => ae.decode(zd.zeros([2, 15])),
    /code of shape \[2,15\] does not match; expected \[N, 16\]/);
  assert.throws(() => ae.forward(zd.zeros([2, 64], { dtype: "int32" })),
    /must be a float32 or float64 tensor, got int32/);
});
