"""Sample-quality metrics for the book's experiments.

- :func:`mode_coverage` scores samples from a Gaussian mixture the way the mode-collapse
  literature does (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018): a sample is
  *high quality* when it lies within ``n_std`` standard deviations (3 by default) of its
  nearest mode centre; a mode is *covered* when at least ``min_count`` high-quality samples
  fall on it (PacGAN's 20 for 2,500 samples is the default).
- :func:`wasserstein1` is the exact Wasserstein-1 distance between two equal-weight sample
  sets, through the optimal-transport solver of POT.
- :func:`frechet_distance` is the Frechet distance between Gaussians fitted to two feature
  sets, the formula behind FID (see :mod:`ganlib.digit_metrics` for the features we use).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["ModeCoverage", "mode_coverage", "wasserstein1", "frechet_distance"]


def _numpy(x):
    if torch.is_tensor(x):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float64)


@dataclass(frozen=True)
class ModeCoverage:
    """How many modes of a mixture generated samples cover, and how many samples are of high quality."""

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


def _psd_sqrt(matrix):
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(feats_a, feats_b):
    """|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)) for features (N, d) and (M, d).

    The trace of the matrix square root is taken as Tr((S_a^(1/2) S_b S_a^(1/2))^(1/2)), a
    symmetric form that stays real and stable when the covariances are singular (ReLU features
    that never fire make them so).
    """
    a, b = _numpy(feats_a), _numpy(feats_b)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise ValueError(f"need two (N, d) feature sets with N >= 2 and equal d, got {a.shape} and {b.shape}")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    root_a = _psd_sqrt(cov_a)
    tr_covmean = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * tr_covmean)
