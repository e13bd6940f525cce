"""Fully connected generator and discriminator for low-dimensional data (chapters 1-5)."""
from __future__ import annotations

from torch import nn

__all__ = ["mlp", "MLPGenerator", "MLPDiscriminator"]


def mlp(in_dim, out_dim, hidden=128, depth=3, activation=nn.ReLU):
    """``depth`` hidden layers of width ``hidden`` with ``activation``, then a linear output."""
    if depth < 0 or hidden < 1:
        raise ValueError("mlp needs depth >= 0 and hidden >= 1")
    layers, width = [], in_dim
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), activation()]
        width = hidden
    layers.append(nn.Linear(width, out_dim))
    return nn.Sequential(*layers)


class MLPGenerator(nn.Module):
    """G: z (B, latent_dim) -> x (B, out_dim); a linear output, so no range is imposed."""

    def __init__(self, latent_dim=2, out_dim=2, hidden=128, depth=3):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = mlp(latent_dim, out_dim, hidden, depth)

    def forward(self, z):  # (B, latent_dim) -> (B, out_dim)
        return self.net(z)


class MLPDiscriminator(nn.Module):
    """D: x (B, in_dim) -> logit (B,). Apply a sigmoid to read it as P(real)."""

    def __init__(self, in_dim=2, hidden=128, depth=3, activation=nn.LeakyReLU):
        super().__init__()
        self.net = mlp(in_dim, 1, hidden, depth, activation)

    def forward(self, x):  # (B, in_dim) -> (B,)
        return self.net(x).squeeze(-1)
