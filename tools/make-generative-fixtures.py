#!/usr/bin/python3
"""Generate test/fixtures/generative.json: PyTorch twins of zendl's Autoencoder and GAN architectures.

Run with the system interpreter that has PyTorch 1.13 installed:

    /usr/bin/python3 tools/make-generative-fixtures.py

Each case holds a state dict (PyTorch names, which zendl's models use too), inputs, outputs and
gradients, so the test checks that the same weights give the same numbers in both frameworks. The
GAN cases also hold one step's non-saturating losses: lossD = BCE(D(x), 1) + BCE(D(G(z).detach()), 0)
and lossG = BCE(D(G(z)), 1), with every parameter's gradient of each.
Schema and conventions as tools/make-fixtures.py (see test/fixtures/README.md).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_io import arr, seed, write_json

FILE = "generative"
GENERATOR = "tools/make-generative-fixtures.py"

torch.set_default_dtype(torch.float32)


def state(module):
    return {k: arr(v) for k, v in module.state_dict().items()}


def randomize_norms(module):
    """Batch norm starts at weight 1, bias 0; other values make the test see them used."""
    for m in module.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def conv_autoencoder():
    """Autoencoder({variant: "conv", inputShape: [1, 7, 9], encoderSizes: [3, 5], latentSize: 4})."""
    seed(FILE, "autoencoder-conv")
    # 7x9 -> 4x5 -> 2x3; back up: 2x3 -> 4x5 (outputPadding 1, 0) -> 7x9 (outputPadding 0, 0)
    encoder = nn.Sequential(nn.Conv2d(1, 3, 3, stride=2, padding=1), nn.ReLU(),
                            nn.Conv2d(3, 5, 3, stride=2, padding=1), nn.ReLU(),
                            nn.Flatten(), nn.Linear(5 * 2 * 3, 4))
    decoder = nn.Sequential(nn.Linear(4, 5 * 2 * 3), nn.ReLU(), nn.Unflatten(1, (5, 2, 3)),
                            nn.ConvTranspose2d(5, 3, 3, stride=2, padding=1, output_padding=(1, 0)),
                            nn.ReLU(),
                            nn.ConvTranspose2d(3, 1, 3, stride=2, padding=1, output_padding=(0, 0)),
                            nn.Sigmoid())
    model = nn.ModuleDict({"encoder": encoder, "decoder": decoder})
    x = torch.rand(3, 1, 7, 9, requires_grad=True)
    out = decoder(encoder(x))
    loss = F.mse_loss(out, x.detach())
    loss.backward()
    case = {"state": state(model), "input": arr(x), "output": arr(out), "loss": arr(loss),
            "grad_input": arr(x.grad)}
    for name, p in model.named_parameters():
        case[f"grad_{name}"] = arr(p.grad)
    return case


def mlp_gan():
    """GAN({imageShape: [1, 4, 4], latentSize: 3, generatorSizes: [6, 5], discriminatorSizes: [7]})."""
    seed(FILE, "gan-mlp")
    generator = nn.Sequential(nn.Linear(3, 6, bias=False), nn.BatchNorm1d(6), nn.ReLU(),
                              nn.Linear(6, 5, bias=False), nn.BatchNorm1d(5), nn.ReLU(),
                              nn.Linear(5, 16), nn.Sigmoid(), nn.Unflatten(1, (1, 4, 4)))
    discriminator = nn.Sequential(nn.Flatten(), nn.Linear(16, 7), nn.LeakyReLU(0.2), nn.Linear(7, 1))
    return gan_case(generator, discriminator, latent=3, image=(1, 4, 4))


def dcgan():
    """GAN({variant: "dcgan", imageShape: [1, 8, 8], latentSize: 4, generatorSizes: [6, 4],
    discriminatorSizes: [4, 6]})."""
    seed(FILE, "gan-dcgan")
    generator = nn.Sequential(nn.Linear(4, 6 * 2 * 2, bias=False), nn.BatchNorm1d(24), nn.ReLU(),
                              nn.Unflatten(1, (6, 2, 2)),
                              nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(4),
                              nn.ReLU(), nn.ConvTranspose2d(4, 1, 4, stride=2, padding=1), nn.Sigmoid())
    discriminator = nn.Sequential(nn.Conv2d(1, 4, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
                                  nn.Conv2d(4, 6, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(6),
                                  nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(6 * 2 * 2, 1))
    return gan_case(generator, discriminator, latent=4, image=(1, 8, 8))


def gan_case(generator, discriminator, latent, image):
    randomize_norms(generator)
    randomize_norms(discriminator)
    model = nn.ModuleDict({"generator": generator, "discriminator": discriminator})
    case = {"state": state(model)}
    z = torch.randn(5, latent)
    real = torch.rand(5, *image)
    fake = generator(z)
    real_logits, fake_logits = discriminator(real).reshape(-1), discriminator(fake.detach()).reshape(-1)
    loss_d = (F.binary_cross_entropy_with_logits(real_logits, torch.ones(5))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros(5)))
    loss_d.backward()
    case.update({"z": arr(z), "real": arr(real), "fake": arr(fake), "lossD": arr(loss_d)})
    for name, p in discriminator.named_parameters():
        case[f"gradD_discriminator.{name}"] = arr(p.grad)
    discriminator.zero_grad()
    judged = discriminator(fake).reshape(-1)
    loss_g = F.binary_cross_entropy_with_logits(judged, torch.ones(5))
    loss_g.backward()
    case["lossG"] = arr(loss_g)
    for name, p in generator.named_parameters():
        case[f"gradG_generator.{name}"] = arr(p.grad)
    # Running statistics after the three training-mode passes (one of G, two of D on fakes and reals)
    case["stateAfter"] = state(model)
    return case


if __name__ == "__main__":
    write_json(FILE, {"autoencoder-conv": conv_autoencoder(), "gan-mlp": mlp_gan(), "gan-dcgan": dcgan()},
               GENERATOR)
