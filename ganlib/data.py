"""Data sets of the book, all generated or shipped with a package: no network at run time.

- 1-D: :class:`Gaussian1D` and :class:`GaussianMixture1D` draw samples and give exact
  densities, so a chapter can set a trained network beside the analytic answer.
- 2-D: :func:`ring_mixture` (8 Gaussians on a circle), :func:`grid_mixture` (25 on a 5x5
  grid), :func:`swiss_roll`, and :class:`VerticalSegment` (the points (theta, U[0, 1]): the
  parallel lines of the WGAN paper).
- Images: :func:`load_digits` (scikit-learn's 8x8 digits scaled to [-1, 1]) and
  :func:`read_idx`, a reader for MNIST-format IDX files from a local path.

Samplers take a ``torch.Generator`` so that every draw is reproducible.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

__all__ = [
    "Gaussian1D",
    "GaussianMixture1D",
    "Mixture2D",
    "ring_mixture",
    "grid_mixture",
    "swiss_roll",
    "VerticalSegment",
    "load_digits",
    "read_idx",
]


@dataclass(frozen=True)
class Gaussian1D:
    """N(mean, std^2) on the real line."""

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self):
        if not self.std > 0:
            raise ValueError(f"std must be positive, got {self.std}")

    def pdf(self, x):
        """Density at ``x`` (array-like), as a NumPy array."""
        x = np.asarray(x, dtype=float)
        return np.exp(-0.5 * ((x - self.mean) / self.std) ** 2) / (self.std * math.sqrt(2 * math.pi))

    def sample(self, n, generator=None):
        """``n`` draws as a float tensor of shape (n, 1)."""
        return self.mean + self.std * torch.randn(n, 1, generator=generator)


@dataclass(frozen=True)
class GaussianMixture1D:
    """A weighted mixture of 1-D Gaussians; ``weights`` default to equal."""

    means: tuple
    stds: tuple
    weights: tuple | None = None

    def __post_init__(self):
        if len(self.means) != len(self.stds) or not self.means:
            raise ValueError("means and stds must be non-empty and of equal length")
        if any(not s > 0 for s in self.stds):
            raise ValueError("every std must be positive")
        w = self.weights or (1.0,) * len(self.means)
        if len(w) != len(self.means) or any(wi < 0 for wi in w) or sum(w) <= 0:
            raise ValueError("weights must be non-negative, one per component, not all zero")
        object.__setattr__(self, "weights", tuple(wi / sum(w) for wi in w))

    @property
    def components(self):
        return [Gaussian1D(m, s) for m, s in zip(self.means, self.stds)]

    def pdf(self, x):
        return sum(w * c.pdf(x) for w, c in zip(self.weights, self.components))

    @property
    def mean(self):
        return float(sum(w * m for w, m in zip(self.weights, self.means)))

    @property
    def std(self):
        second = sum(w * (s**2 + m**2) for w, m, s in zip(self.weights, self.means, self.stds))
        return float(math.sqrt(second - self.mean**2))

    def sample(self, n, generator=None):
        idx = torch.multinomial(torch.tensor(self.weights), n, replacement=True, generator=generator)
        means = torch.tensor(self.means, dtype=torch.float32)[idx]
        stds = torch.tensor(self.stds, dtype=torch.float32)[idx]
        return (means + stds * torch.randn(n, generator=generator)).unsqueeze(1)


@dataclass(frozen=True)
class Mixture2D:
    """Equal-weight isotropic Gaussians at ``centers`` (a (K, 2) tuple) with one ``std``."""

    centers: tuple
    std: float

    def sample(self, n, generator=None):
        """``n`` draws as a float tensor of shape (n, 2)."""
        centers = torch.tensor(self.centers, dtype=torch.float32)
        idx = torch.randint(len(centers), (n,), generator=generator)
        return centers[idx] + self.std * torch.randn(n, 2, generator=generator)

    @property
    def n_modes(self):
        return len(self.centers)


@dataclass(frozen=True)
class VerticalSegment:
    """The points (theta, Z) with Z ~ U[0, 1]: two segments at different ``theta`` share no support."""

    theta: float

    def sample(self, n, generator=None):
        """``n`` draws as a float tensor of shape (n, 2)."""
        return torch.stack([torch.full((n,), float(self.theta)), torch.rand(n, generator=generator)], dim=1)


def ring_mixture(n_modes=8, radius=2.0, std=0.02):
    """Gaussians evenly spaced on a circle: the 8-mode ring of the mode-collapse literature."""
    angles = [2 * math.pi * k / n_modes for k in range(n_modes)]
    centers = tuple((radius * math.cos(a), radius * math.sin(a)) for a in angles)
    return Mixture2D(centers, std)


def grid_mixture(side=5, spacing=2.0, std=0.05):
    """``side`` x ``side`` Gaussians on a square grid centred at the origin (25 by default)."""
    offs = [spacing * (i - (side - 1) / 2) for i in range(side)]
    return Mixture2D(tuple((x, y) for x in offs for y in offs), std)


def swiss_roll(n, noise=0.25, generator=None):
    """``n`` points of the 2-D swiss roll (scikit-learn's curve, scaled by 1/7.5), shape (n, 2)."""
    t = 1.5 * math.pi * (1 + 2 * torch.rand(n, generator=generator))
    pts = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1)
    return (pts + noise * torch.randn(n, 2, generator=generator)) / 7.5


def load_digits():
    """scikit-learn's 1797 8x8 digits as (images, labels): images (N, 1, 8, 8) in [-1, 1]."""
    from sklearn.datasets import load_digits as _sk_digits

    bunch = _sk_digits()
    images = torch.tensor(bunch.images, dtype=torch.float32) / 16.0 * 2.0 - 1.0
    return images.unsqueeze(1), torch.tensor(bunch.target, dtype=torch.long)


# IDX type codes -> NumPy dtypes (big-endian on disk)
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Read an MNIST-format IDX file (optionally gzip-compressed) into a NumPy array.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming the file for
    anything that is not a well-formed IDX file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no IDX file at {path}")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path} is not an IDX file (bad magic number)")
    dtype, ndim = raw[2], raw[3]
    if dtype not in _IDX_TYPES:
        raise ValueError(f"{path}: unknown IDX data type 0x{dtype:02x}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated IDX header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dt = np.dtype(_IDX_TYPES[dtype])
    expected = int(np.prod(shape)) * dt.itemsize
    if len(raw) - header != expected:
        raise ValueError(f"{path}: header promises {expected} bytes of data, file has {len(raw) - header}")
    return np.frombuffer(raw, dtype=dt, offset=header).reshape(shape).astype(dt.newbyteorder("="))
