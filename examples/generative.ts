// Generative models on the 8x8 digits in about fifteen seconds: a denoising autoencoder and an MLP GAN,
// with PNG grids of what they make and a classifier's verdict on the GAN's samples.
import * as zd from "../src/index.js"; // in your project: from "zendl"
const { models, data, nn, optim } = zd;

const { x, y } = data.loadDigits();
const pixels = x.div(16);                          // [1797, 64] in [0, 1]
const images = pixels.reshape([-1, 1, 8, 8]);

// A denoising autoencoder: noise on the inputs while training, the clean images as targets.
zd.manualSeed(0);
const ae = new models.Autoencoder({ inputShape: [1, 8, 8], latentSize: 16, noise: 0.2 });
const untrained = ae.reconstructionError(images);
zd.fit(ae, images, images, { loss: nn.functional.mseLoss, optimizer: new optim.Adam(ae.parameters()),
  epochs: 20, batchSize: 64, verbose: 0 });
console.log(`autoencoder: reconstruction MSE ${ae.reconstructionError(images).toFixed(4)} ` +
  `(untrained ${untrained.toFixed(4)})`);
const shown = images.slice(0, 0, 10);
ae.eval();
zd.saveImageGrid("reconstructions.png", zd.concat([shown, zd.noGrad(() => ae.forward(shown))]),
  { nrow: 10, scale: 4 });

// An MLP GAN: non-saturating loss, Adam with beta1 = 0.5, a grid of the same 64 latents every 10 epochs.
const gan = new models.GAN({ imageShape: [1, 8, 8], latentSize: 32 });
models.fitGan(gan, images, { epochs: 40, seed: 0, onEpochEnd: (logs) => {
  if (logs.epoch % 10 !== 0) return;
  console.log(`gan epoch ${logs.epoch}: D loss ${logs.discriminatorLoss.toFixed(3)}, ` +
    `G loss ${logs.generatorLoss.toFixed(3)}`);
  zd.saveImageGrid(`samples-epoch-${logs.epoch}.png`, gan.sample(64, { seed: 0 }), { nrow: 8, scale: 4 });
} });

// A classifier trained on real digits judges 1,000 samples: confident answers and every digit present.
const judge = new models.MLPClassifier({ hiddenLayerSizes: [128], solver: "adam", learningRateInit: 1e-3,
  maxIter: 200, randomState: 0 }).fit(pixels, y);
const coverage = models.classCoverage(judge.predictProba(gan.sample(1000, { seed: 1 }).reshape([1000, 64])));
console.log(`gan: mean top-class probability ${coverage.meanTopProbability.toFixed(3)}, ` +
  `${coverage.classesCovered} of 10 classes (${coverage.classCounts.join(" ")})`);
await zd.save(gan, "gan.safetensors");
const restored = await zd.load("gan.safetensors") as InstanceType<typeof models.GAN>;
const difference = restored.sample(4, { seed: 2 }).sub(gan.sample(4, { seed: 2 })).abs().max().item();
console.log(`the reloaded generator repeats its samples: ${difference === 0}`);
