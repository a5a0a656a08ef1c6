import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zd from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";

const { GAN, fitGan, classCoverage } = zd.models;

const digits = (n: number): zd.Tensor => zd.data.loadDigits().x.div(16).slice(0, 0, n);
const rms = (a: zd.Tensor, b: zd.Tensor): number => Math.sqrt(a.sub(b).pow(2).mean().item());
const small = (): InstanceType<typeof GAN> =>
  new GAN({ imageShape: [1, 8, 8], latentSize: 8, generatorSizes: [16], discriminatorSizes: [16] });

/** Trains on 512 digits and compares 500 samples' per-pixel mean and spread with the data's. */
function learns(variant: "mlp" | "dcgan", epochs: number, meanFraction: number): void {
  const x = digits(512);
  zd.manualSeed(0);
  const gan = new GAN({ imageShape: [1, 8, 8], variant, latentSize: 16 });
  const sample = (): zd.Tensor => gan.sample(500, { seed: 9 }).reshape([500, 64]);
  const [dataMean, dataStd] = [x.mean(0), x.std(0).mean().item()];
  const startGap = rms(sample().mean(0), dataMean);
  const history = fitGan(gan, x, { epochs, batchSize: 32, seed: 0 });
  const samples = sample();
  const gap = rms(samples.mean(0), dataMean);
  assert.ok(gap < meanFraction * startGap, `${variant}: mean-image gap ${gap} vs ${startGap} at the start`);
  const spread = samples.std(0).mean().item();
  assert.ok(spread > 0.4 * dataStd, `${variant}: samples' pixel spread ${spread} vs the data's ${dataStd}`);
  for (const curve of Object.values(history)) assert.equal(curve.length, epochs);
  const [d0, d1] = [history.discriminatorLoss[0], history.discriminatorLoss.at(-1)!];
  assert.ok(Math.abs(d1 - d0) > 0.1, `${variant}: discriminator loss ${d0} -> ${d1} did not move`);
  assert.ok(history.realScore.at(-1)! > history.fakeScore.at(-1)!, `${variant}: D tells real from fake`);
  for (const v of samples.dataSync()) assert.ok(v >= 0 && v <= 1, `sample value ${v} outside [0, 1]`);
}

test("an MLP GAN's samples approach the digits' mean image and keep their spread", () => {
  learns("mlp", 20, 0.35);
});

test("a DCGAN's samples approach the digits' mean image and keep their spread", () => {
  learns("dcgan", 6, 0.5);
});

test("generators and discriminators have the shapes of the images; samples repeat with their seed", () => {
  const cases = [["mlp", [1, 8, 8]], ["dcgan", [1, 28, 28]], ["dcgan", [3, 16, 12]]] as const;
  for (const [variant, shape] of cases) {
    const gan = new GAN({ variant, imageShape: [...shape], latentSize: 4 });
    const images = gan.generate(zd.randn([3, 4]));
    assert.deepEqual(images.shape, [3, ...shape]);
    assert.deepEqual(gan.discriminate(images).shape, [3]);
    assert.deepEqual(gan.discriminate(images.reshape([3, -1])).shape, [3], "flat rows are accepted");
    assertClose(gan.sample(5, { seed: 1 }), gan.sample(5, { seed: 1 }), { label: `${variant} samples` });
    const [a, b] = [gan.sample(2, { seed: 1 }).dataSync(), gan.sample(2, { seed: 2 }).dataSync()];
    assert.ok(a.some((v, i) => v !== b[i]), "another seed, other samples");
    assert.equal(gan.training, true, "sample restores training mode");
  }
});

test("fitGan with the same seed repeats a run exactly; with lr 0 no parameter moves", () => {
  const x = digits(96);
  const run = (): { history: zd.models.GANHistory; weights: number[] } => {
    zd.manualSeed(5);
    const gan = small();
    const history = fitGan(gan, x, { epochs: 2, batchSize: 32, seed: 3 });
    return { history, weights: [...gan.generator.parameters()[0].dataSync()] };
  };
  const [first, second] = [run(), run()];
  assert.deepEqual(second.history, first.history);
  assert.deepEqual(second.weights, first.weights);
  // With a learning rate of 0 no parameter moves: every change comes from the two optimizers' steps.
  zd.manualSeed(5);
  const gan = small();
  const before = gan.parameters().map((p) => [...p.dataSync()]);
  fitGan(gan, x, { epochs: 1, batchSize: 32, lr: 0 });
  gan.parameters().forEach((p, i) => assert.deepEqual([...p.dataSync()], before[i]));
});

test("zd.save / zd.load rebuild a DCGAN with its batch-norm statistics", async () => {
  zd.manualSeed(6);
  const gan = new GAN({ variant: "dcgan", imageShape: [1, 8, 8], latentSize: 6, generatorSizes: [8, 4],
    discriminatorSizes: [4, 8] });
  fitGan(gan, digits(64), { epochs: 1, batchSize: 32 });
  const dir = mkdtempSync(join(tmpdir(), "zendl-gan-"));
  try {
    await zd.save(gan, join(dir, "gan.safetensors"));
    const loaded = await zd.load(join(dir, "gan.safetensors"));
    assert.ok(loaded instanceof GAN);
    assert.deepEqual(loaded.getConfig(), gan.getConfig());
    assertClose(loaded.sample(4, { seed: 7 }), gan.sample(4, { seed: 7 }), { label: "reloaded samples" });
    const names = [...loaded.stateDict().keys()];
    assert.ok(names.includes("generator.1.running_mean") && names.includes("discriminator.3.running_var"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("classCoverage counts winning classes and averages the top probability", () => {
  const p = zd.tensor([[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.5, 0.5, 0]], { dtype: "float64" });
  const c = classCoverage(p);
  assert.deepEqual(c.classCounts, [3, 1, 0]);
  assert.equal(c.classesCovered, 2);
  assert.ok(Math.abs(c.meanTopProbability - (0.9 + 0.7 + 0.6 + 0.5) / 4) < 1e-6);
  assert.equal(classCoverage(p, { minCount: 2 }).classesCovered, 1);
  // only the 0.9 sample reaches the default confidence: one class, a quarter of the samples
  assert.deepEqual([c.classesCoveredConfidently, c.confidentShare], [1, 0.25]);
  assert.equal(classCoverage(p, { confidenceThreshold: 0.6 }).confidentShare, 0.75);
  assert.throws(() => classCoverage(p, { confidenceThreshold: 2 }),
    /confidenceThreshold must be a number in \[0, 1\]/);
  assert.throws(() => classCoverage(zd.zeros([4])), /\[samples, classes\] tensor, got \[4\]/);
  assert.throws(() => classCoverage(p, { minCount: 0 }), /minCount must be a positive integer, got 0/);
});

test("bad GAN options and training inputs are refused with the numbers", () => {
  const make = (options: object) => () => new GAN(options as zd.models.GANOptions);
  assert.throws(make({ imageShape: [64] }),
    /GAN: imageShape must be \[channels, height, width\].*got \[64\]/);
  assert.throws(make({ imageShape: [1, 8, 8], variant: "wgan" }),
    /variant must be one of "mlp", "dcgan", got "wgan"/);
  assert.throws(make({ imageShape: [1, 28, 28], variant: "dcgan", generatorSizes: [8, 8, 8] }),
    /doubles the size 3 times .* must divide by 8; imageShape is \[1, 28, 28\]/);
  assert.throws(make({ imageShape: [1, 4, 4], variant: "dcgan", generatorSizes: [4],
    discriminatorSizes: [2, 2, 2] }),
    /3 stride-2 convolutions .* shrink \[1, 4, 4\] images below 1x1/);
  assert.throws(make({ imageShape: [1, 8, 8], latentSize: 0 }),
    /latentSize must be a positive integer, got 0/);
  const gan = new GAN({ imageShape: [1, 8, 8], latentSize: 4, generatorSizes: [8], discriminatorSizes: [8] });
  assert.throws(() => gan.generate(zd.zeros([2, 5])),
    /latent batch of shape \[2,5\] does not match; expected \[N, 4\]/);
  assert.throws(() => gan.discriminate(zd.zeros([2, 1, 8, 7])), /images of shape \[2,1,8,7\] does not match/);
  const x = digits(8);
  assert.throws(() => fitGan(gan, x.mul(16), { epochs: 1 }),
    /fitGan: images must have values in \[0, 1\].*from 0 to 16/);
  assert.throws(() => fitGan(gan, x.reshape([8, 1, 4, 16])),
    /fitGan: images of shape \[8,1,4,16\] does not match/);
  assert.throws(() => fitGan(gan, x, { epochs: 0 }), /fitGan: epochs must be a positive integer, got 0/);
  assert.throws(() => fitGan(gan, x, { realLabel: 0.2 }),
    /realLabel must be a number in \[0.5, 1\], got 0.2/);
});
