"""DCGAN generator and discriminator for small images (chapter 3), after Radford et al. (2016).

The guidelines: strided (transposed) convolutions instead of pooling; batch norm in both nets
except at G's output and D's input; ReLU in G with a tanh output; LeakyReLU(0.2) in D; weights
drawn from N(0, 0.02). Images are (B, channels, H, W) with H = W = start * 2**n_blocks: 8x8
digits use start=2, n_blocks=2; 28x28 MNIST would use start=7, n_blocks=2.
"""

from __future__ import annotations

from torch import nn

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "dcgan_init", "dcgan_guidelines"]


def dcgan_init(module):
    """N(0, 0.02) weights for (transposed) convolutions and linears; N(1, 0.02) for batch norm."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class DCGANGenerator(nn.Module):
    """z (B, latent_dim) -> image (B, channels, H, W) in [-1, 1]."""

    def __init__(self, latent_dim=32, channels=1, width=64, start=2, n_blocks=2):
        super().__init__()
        self.latent_dim, self.start = latent_dim, start
        top = width * 2 ** (n_blocks - 1)  # channels at the smallest resolution
        self.project = nn.Sequential(
            nn.Linear(latent_dim, top * start * start, bias=False), nn.BatchNorm1d(top * start * start), nn.ReLU()
        )
        blocks, c = [], top
        for _ in range(n_blocks - 1):  # each doubles H and W and halves the channels
            blocks += [nn.ConvTranspose2d(c, c // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c // 2), nn.ReLU()]
            c //= 2
        blocks += [nn.ConvTranspose2d(c, channels, 4, 2, 1), nn.Tanh()]  # no batch norm at the output
        self.blocks = nn.Sequential(*blocks)
        self.apply(dcgan_init)

    def forward(self, z):  # (B, latent_dim) -> (B, channels, start * 2**n_blocks, ...)
        h = self.project(z)
        return self.blocks(h.view(len(z), -1, self.start, self.start))


class DCGANDiscriminator(nn.Module):
    """image (B, channels, H, W) -> logit (B,).

    ``norm`` is ``"batch"`` (DCGAN), ``"layer"`` (layer norm over each sample's channels and
    pixels, WGAN-GP's advice) or ``"none"``. A gradient penalty needs a critic without batch norm:
    batch norm makes each output depend on the whole batch, so the penalised gradient per sample
    is no longer that sample's own.
    """

    NORMS = {"batch": nn.BatchNorm2d, "layer": lambda c: nn.GroupNorm(1, c), "none": None}

    def __init__(self, channels=1, width=64, start=2, n_blocks=2, norm="batch"):
        super().__init__()
        if norm not in self.NORMS:
            raise ValueError(f"unknown norm {norm!r}; choose one of: {', '.join(self.NORMS)}")
        layers, c = [nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(0.2)], width  # no batch norm at the input
        for _ in range(n_blocks - 1):
            make_norm = self.NORMS[norm]
            layers.append(nn.Conv2d(c, c * 2, 4, 2, 1, bias=make_norm is None))
            layers += [make_norm(c * 2)] if make_norm else []
            layers.append(nn.LeakyReLU(0.2))
            c *= 2
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c * start * start, 1)
        self.apply(dcgan_init)

    def forward(self, x):  # (B, C, H, W) -> (B,)
        return self.head(self.features(x).flatten(1)).squeeze(-1)


def dcgan_guidelines(G, D):
    """Which architectural guidelines of the DCGAN paper a generator and discriminator follow.

    Returns ``{guideline: bool}``, read from the modules themselves (any pair of image nets
    can be inspected, not only ours). G's last two modules must be a transposed convolution
    and a tanh; D's first two a convolution and a LeakyReLU.
    """
    g_mods, d_mods = list(G.modules()), list(D.modules())
    g_leaves = [m for m in g_mods if not list(m.children())]
    d_leaves = [m for m in d_mods if not list(m.children())]
    has = lambda mods, kind: any(isinstance(m, kind) for m in mods)
    return {
        "no pooling layers": not has(g_mods + d_mods, (nn.MaxPool2d, nn.AvgPool2d)),
        "D down-samples with stride-2 convolutions": all(
            m.stride == (2, 2) for m in d_mods if isinstance(m, nn.Conv2d)
        ),
        "G up-samples with stride-2 transposed convolutions": all(
            m.stride == (2, 2) for m in g_mods if isinstance(m, nn.ConvTranspose2d)
        ),
        "no batch norm at G's output": isinstance(g_leaves[-2], nn.ConvTranspose2d)
        and isinstance(g_leaves[-1], nn.Tanh),
        "no batch norm at D's input": isinstance(d_leaves[0], nn.Conv2d) and isinstance(d_leaves[1], nn.LeakyReLU),
        "batch norm elsewhere in both": has(g_mods, nn.BatchNorm2d) and has(d_mods, nn.BatchNorm2d),
        "ReLU in G, tanh at its output": has(g_mods, nn.ReLU) and not has(g_mods, nn.LeakyReLU),
        "LeakyReLU(0.2) in D, no ReLU": has(d_mods, nn.LeakyReLU)
        and not has(d_mods, nn.ReLU)
        and all(m.negative_slope == 0.2 for m in d_mods if isinstance(m, nn.LeakyReLU)),
    }
