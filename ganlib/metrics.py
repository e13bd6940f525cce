"""Sample-quality metrics for the book's experiments.

- :func:`mode_coverage` scores samples from a Gaussian mixture the way the mode-collapse
  literature does (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018): a sample is
  *high quality* when it lies within ``n_std`` standard deviations (3 by default) of its
  nearest mode centre; a mode is *covered* when at least ``min_count`` high-quality samples
  fall on it (PacGAN's 20 for 2,500 samples is the default).
- :func:`wasserstein1` is the exact Wasserstein-1 distance between two equal-weight sample
  sets, through the optimal-transport solver of POT.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["ModeCoverage", "mode_coverage", "wasserstein1"]


def _numpy(x):
    if torch.is_tensor(x):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float64)


@dataclass(frozen=True)
class ModeCoverage:
    modes_covered: int  # modes holding at least min_count high-quality samples
    n_modes: int  # modes of the mixture
    hq_ratio: float  # share of samples within n_std std of their nearest centre
    counts: tuple  # high-quality samples per mode


def mode_coverage(samples, centers, std, n_std=3.0, min_count=20):
    """Modes covered and high-quality ratio of ``samples`` (N, d) for a mixture.

    ``centers`` is (K, d) and ``std`` the components' common standard deviation.
    """
    x, c = _numpy(samples), _numpy(centers)
    if x.ndim != 2 or c.ndim != 2 or x.shape[1] != c.shape[1]:
        raise ValueError(f"samples {x.shape} and centers {c.shape} must be (N, d) and (K, d)")
    if len(x) == 0:
        raise ValueError("mode_coverage needs at least one sample")
    dist = np.linalg.norm(x[:, None, :] - c[None, :, :], axis=-1)  # (N, K)
    nearest = dist.argmin(axis=1)
    good = dist[np.arange(len(x)), nearest] <= n_std * std
    counts = np.bincount(nearest[good], minlength=len(c))
    return ModeCoverage(int((counts >= min_count).sum()), len(c), float(good.mean()), tuple(int(n) for n in counts))


def wasserstein1(x, y):
    """Exact W1 between the empirical distributions of ``x`` (N, d) and ``y`` (M, d).

    Euclidean ground cost; 1-D inputs of shape (N,) are accepted.
    """
    import ot

    x, y = _numpy(x), _numpy(y)
    x = x[:, None] if x.ndim == 1 else x
    y = y[:, None] if y.ndim == 1 else y
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y live in different dimensions: {x.shape[1]} and {y.shape[1]}")
    if x.shape[1] == 1:
        return float(ot.wasserstein_1d(x[:, 0], y[:, 0], p=1))
    cost = ot.dist(x, y, metric="euclidean")
    return float(ot.emd2(np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y)), cost, numItermax=1_000_000))
