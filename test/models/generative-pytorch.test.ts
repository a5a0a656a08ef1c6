// The Autoencoder and GAN architectures against their PyTorch twins (tools/make-generative-fixtures.py):
// same state dict names, same outputs, losses and gradients from the same weights.
import { test } from "node:test";
import * as zd from "../../src/index.js";
import { assertClose } from "../helpers/allclose.js";
import { getArray, loadFixture, type FixtureArray, type FixtureValue } from "../helpers/fixtures.js";

const TOL = { rtol: 1e-4, atol: 1e-5 };
const bce = zd.nn.functional.binaryCrossEntropyWithLogits;

function fromFixture(a: FixtureArray, requiresGrad = false): zd.Tensor {
  const dtype = a.dtype === "int64" ? "int32" : "float32";
  return zd.tensor(a.data, { shape: a.shape, dtype, requiresGrad });
}

function stateOf(c: Record<string, FixtureValue>, field = "state"): Map<string, zd.Tensor> {
  const state = c[field] as Record<string, FixtureValue>;
  return new Map(Object.keys(state).map((k) => [k, fromFixture(getArray(state, k))]));
}

test("a conv autoencoder on 7x9 images matches PyTorch: reconstructions, MSE and every gradient", () => {
  const c = loadFixture("generative")["autoencoder-conv"];
  const ae = new zd.models.Autoencoder({ variant: "conv", inputShape: [1, 7, 9], encoderSizes: [3, 5],
    latentSize: 4 });
  ae.loadStateDict(stateOf(c), { strict: true });
  const x = fromFixture(getArray(c, "input"), true);
  const out = ae.forward(x);
  assertClose(out, getArray(c, "output"), { ...TOL, label: "reconstructions" });
  const loss = zd.nn.functional.mseLoss(out, x.detach());
  assertClose(loss, getArray(c, "loss"), { ...TOL, label: "loss" });
  loss.backward();
  assertClose(x.grad!, getArray(c, "grad_input"), { ...TOL, label: "grad_input" });
  for (const [name, p] of ae.namedParameters()) {
    assertClose(p.grad!, getArray(c, `grad_${name}`), { ...TOL, label: `grad of ${name}` });
  }
});

for (const [name, options] of [
  ["gan-mlp", { imageShape: [1, 4, 4], latentSize: 3, generatorSizes: [6, 5], discriminatorSizes: [7] }],
  ["gan-dcgan", { variant: "dcgan", imageShape: [1, 8, 8], latentSize: 4, generatorSizes: [6, 4],
    discriminatorSizes: [4, 6] }],
] as Array<[string, zd.models.GANOptions]>) {
  test(`${name} matches PyTorch: one step's losses, gradients and batch-norm statistics`, () => {
    const c = loadFixture("generative")[name];
    const gan = new zd.models.GAN(options);
    gan.loadStateDict(stateOf(c), { strict: true });
    const z = fromFixture(getArray(c, "z")), real = fromFixture(getArray(c, "real"));
    const fake = gan.generate(z);
    assertClose(fake, getArray(c, "fake"), { ...TOL, label: "generated images" });
    const realLogits = gan.discriminate(real), fakeLogits = gan.discriminate(fake.detach());
    const lossD = bce(realLogits, realLogits.onesLike()).add(bce(fakeLogits, fakeLogits.zerosLike()));
    assertClose(lossD, getArray(c, "lossD"), { ...TOL, label: "discriminator loss" });
    lossD.backward();
    for (const [key, p] of gan.namedParameters()) {
      if (key.startsWith("discriminator.")) {
        assertClose(p.grad!, getArray(c, `gradD_${key}`), { ...TOL, label: `D loss grad of ${key}` });
      }
    }
    gan.discriminator.zeroGrad();
    const judged = gan.discriminate(fake);
    const lossG = bce(judged, judged.onesLike());
    assertClose(lossG, getArray(c, "lossG"), { ...TOL, label: "generator loss" });
    lossG.backward();
    for (const [key, p] of gan.namedParameters()) {
      if (key.startsWith("generator.")) {
        assertClose(p.grad!, getArray(c, `gradG_${key}`), { ...TOL, label: `G loss grad of ${key}` });
      }
    }
    const after = stateOf(c, "stateAfter");
    for (const [key, t] of gan.namedBuffers()) {
      assertClose(t, after.get(key)!, { ...TOL, label: `buffer ${key}` });
    }
  });
}
