"""DCGAN generator and discriminator for small images (chapter 3), after Radford et al. (2016).

The guidelines: strided (transposed) convolutions instead of pooling; batch norm in both nets
except at G's output and D's input; ReLU in G with a tanh output; LeakyReLU(0.2) in D; weights
drawn from N(0, 0.02). Images are (B, channels, H, W) with H = W = start * 2**n_blocks: 8x8
digits use start=2, n_blocks=2; 28x28 MNIST would use start=7, n_blocks=2.
"""
from __future__ import annotations

from torch import nn

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "dcgan_init"]


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
        self.project = nn.Sequential(nn.Linear(latent_dim, top * start * start, bias=False),
                                     nn.BatchNorm1d(top * start * start), nn.ReLU())
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
    """image (B, channels, H, W) -> logit (B,)."""

    def __init__(self, channels=1, width=64, start=2, n_blocks=2):
        super().__init__()
        layers, c = [nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(0.2)], width  # no batch norm at the input
        for _ in range(n_blocks - 1):
            layers += [nn.Conv2d(c, c * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c * 2), nn.LeakyReLU(0.2)]
            c *= 2
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c * start * start, 1)
        self.apply(dcgan_init)

    def forward(self, x):  # (B, C, H, W) -> (B,)
        return self.head(self.features(x).flatten(1)).squeeze(-1)
