/**
 * The Python source of the zendl blocks and models that torch.nn lacks, each written to give the
 * same parameter names and the same forward as its zendl class. Only the classes a model uses go into
 * its model.py.
 */

const CONV_BN = `def conv_bn(in_channels, out_channels, kernel_size, stride=1, groups=1):
    """A convolution without bias (the batch norm after it has one), then BatchNorm2d."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=(kernel_size - 1) // 2,
                  groups=groups, bias=False),
        nn.BatchNorm2d(out_channels),
    )`;

const SOURCES: Record<string, string> = {
  DepthwiseSeparableConv2d: `class DepthwiseSeparableConv2d(nn.Module):
    """A depthwise convolution (groups = input channels), then a pointwise 1x1 one."""

    def __init__(self, depthwise, pointwise):
        super().__init__()
        self.depthwise = depthwise
        self.pointwise = pointwise

    def forward(self, x):
        return self.pointwise(self.depthwise(x))`,

  BasicBlock: `class BasicBlock(nn.Module):
    """ResNet's basic block: relu(conv2(relu(conv1(x))) + shortcut(x)), each conv followed by batch norm."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = conv_bn(in_channels, out_channels, 3, stride)
        self.conv2 = conv_bn(out_channels, out_channels, 3)
        reshaped = stride != 1 or in_channels != out_channels
        self.shortcut = conv_bn(in_channels, out_channels, 1, stride) if reshaped else None
        self.relu = nn.ReLU()

    def forward(self, x):
        h = self.conv2(self.relu(self.conv1(x)))
        return self.relu(h + (x if self.shortcut is None else self.shortcut(x)))`,

  InvertedResidual: `class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1x1 expansion, depthwise 3x3, linear 1x1 projection, input added back."""

    def __init__(self, in_channels, out_channels, stride=1, expand_ratio=1):
        super().__init__()
        hidden = in_channels * expand_ratio
        self.expand = None if expand_ratio == 1 else conv_bn(in_channels, hidden, 1)
        self.depthwise = conv_bn(hidden, hidden, 3, stride, groups=hidden)
        self.project = conv_bn(hidden, out_channels, 1)
        self.relu = nn.ReLU()
        self.use_residual = stride == 1 and in_channels == out_channels

    def forward(self, x):
        h = x if self.expand is None else self.relu(self.expand(x))
        h = self.project(self.relu(self.depthwise(h)))
        return h + x if self.use_residual else h`,

  RBFLayer: `class RBFLayer(nn.Module):
    """Gaussian radial basis units: exp(-|x - c_j|^2 / (2 sigma_j^2))."""

    def __init__(self, in_features, num_centers):
        super().__init__()
        self.centers = nn.Parameter(torch.randn(num_centers, in_features))
        self.widths = nn.Parameter(torch.ones(num_centers))

    def forward(self, x):
        d2 = x.square().sum(1, keepdim=True) - 2 * (x @ self.centers.T) + self.centers.square().sum(1)
        return torch.exp(d2.clamp(min=0) / (-2 * self.widths.square()))`,

  BernoulliRBM: `class BernoulliRBM(nn.Module):
    """A Bernoulli RBM; forward gives P(h = 1 | v). Train it on the free-energy gap (see train_ddp.py)."""

    def __init__(self, n_features, n_components):
        super().__init__()
        self.weight = nn.Parameter(0.01 * torch.randn(n_components, n_features))
        self.hiddenBias = nn.Parameter(torch.zeros(n_components))
        self.visibleBias = nn.Parameter(torch.zeros(n_features))

    def forward(self, v):
        return torch.sigmoid(v @ self.weight.T + self.hiddenBias)

    def mean_visibles(self, h):
        return torch.sigmoid(h @ self.weight + self.visibleBias)

    def free_energy(self, v):
        return -(v @ self.visibleBias) - nn.functional.softplus(v @ self.weight.T + self.hiddenBias).sum(1)

    def gibbs(self, v):
        """One Gibbs step v -> h -> v', sampled."""
        return torch.bernoulli(self.mean_visibles(torch.bernoulli(self.forward(v))))`,

  SequenceClassifier: `class SequenceClassifier(nn.Module):
    """An LSTM or GRU over [batch, time, features] (flat rows are read as steps), a linear head on
    the last layer's final state (both directions' when bidirectional)."""

    def __init__(self, input_size, num_classes, cell="lstm", hidden_size=64, num_layers=1,
                 bidirectional=False, dropout=0.0):
        super().__init__()
        self.input_size = input_size
        self.directions = 2 if bidirectional else 1
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(input_size, hidden_size, num_layers=num_layers, bidirectional=bidirectional,
                       dropout=dropout, batch_first=True)
        self.head = nn.Linear(hidden_size * self.directions, num_classes)

    def forward(self, x):
        if x.dim() == 2:
            x = x.reshape(x.shape[0], -1, self.input_size)
        _, h_n = self.rnn(x)
        if isinstance(h_n, tuple):
            h_n = h_n[0]
        return self.head(torch.cat(list(h_n[-self.directions:]), dim=1))`,

  CharLSTM: `class CharLSTM(nn.Module):
    """Embedding, LSTM, linear head: next-character logits [batch, time, vocab] and the carried state."""

    def __init__(self, vocab_size, embedding_dim=64, hidden_size=256, num_layers=1, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, num_layers=num_layers, dropout=dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, state=None):
        out, state = self.lstm(self.embedding(ids.t()), state)
        return self.head(out).transpose(0, 1), state`,

  Autoencoder: `class Autoencoder(nn.Module):
    """Encoder then decoder; in training mode Gaussian noise is added to the input (denoising)."""

    def __init__(self, input_shape, encoder, decoder, noise=0.0):
        super().__init__()
        self.input_shape = tuple(input_shape)
        self.noise = noise
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, x):
        noisy = x + self.noise * torch.randn_like(x) if self.training and self.noise > 0 else x
        code = self.encoder(noisy.reshape(x.shape[0], *self.input_shape))
        return self.decoder(code).reshape(x.shape)`,

  GAN: `class GAN(nn.Module):
    """A generator (forward: latent vectors to images in [0, 1]) and a discriminator (logits)."""

    def __init__(self, image_shape, generator, discriminator):
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.generator = generator
        self.discriminator = discriminator

    def forward(self, z):
        return self.generator(z)

    def discriminate(self, images):
        n = images.shape[0]
        return self.discriminator(images.reshape(n, *self.image_shape)).reshape(n)`,
};

/** The source of the helper classes `names` (and conv_bn when a block needs it), in a fixed order. */
export function classSources(names: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (names.has("BasicBlock") || names.has("InvertedResidual")) out.push(CONV_BN);
  for (const [name, source] of Object.entries(SOURCES)) if (names.has(name)) out.push(source);
  return out;
}
