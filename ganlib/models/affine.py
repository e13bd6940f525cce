"""A generator whose output law is known exactly (chapter 2's picture of Algorithm 1)."""

from __future__ import annotations

import torch
from torch import nn

from ..data import Gaussian1D

__all__ = ["AffineGenerator"]


class AffineGenerator(nn.Module):
    """G(z) = scale * z + shift with z ~ N(0, 1), so p_g = N(shift, scale^2) in closed form.

    With an exact p_g, the analytic optimal discriminator can be drawn beside a trained one.
    """

    latent_dim = 1

    def __init__(self, shift=0.0, scale=1.0):
        super().__init__()
        self.shift = nn.Parameter(torch.tensor(float(shift)))
        self.scale = nn.Parameter(torch.tensor(float(scale)))

    def forward(self, z):  # (B, 1) -> (B, 1)
        return self.scale * z + self.shift

    def distribution(self):
        """The generator's law as a :class:`ganlib.data.Gaussian1D`."""
        return Gaussian1D(float(self.shift.detach()), abs(float(self.scale.detach())))
