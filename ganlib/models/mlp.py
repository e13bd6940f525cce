"""Fully connected generators and discriminators: for low-dimensional data, and for small images as flat pixels."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["mlp", "MLPGenerator", "MLPDiscriminator", "MLPImageGenerator", "MLPImageDiscriminator"]


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


class MLPImageGenerator(nn.Module):
    """G: z (B, latent_dim) -> images (B, 1, side, side) in [-1, 1]: an MLP whose output tanh squashes."""

    def __init__(self, latent_dim=32, hidden=256, depth=2, side=8):
        super().__init__()
        self.latent_dim, self.side = latent_dim, side
        self.net = mlp(latent_dim, side * side, hidden, depth)

    def forward(self, z):  # (B, latent_dim) -> (B, 1, side, side)
        return torch.tanh(self.net(z)).view(-1, 1, self.side, self.side)


class MLPImageDiscriminator(nn.Module):
    """D: images (B, 1, side, side) -> logit (B,): the pixels flattened into an MLP."""

    def __init__(self, hidden=256, depth=2, side=8):
        super().__init__()
        self.net = MLPDiscriminator(side * side, hidden, depth)

    def forward(self, x):  # (B, 1, side, side) -> (B,)
        return self.net(x.flatten(1))
