"""Information theory for discrete distributions and 1-D densities (chapter 1).

Discrete functions take probability vectors along the last axis (NumPy arrays or anything
``np.asarray`` accepts) and broadcast over leading axes. Logs are natural unless ``base`` says
otherwise (``base=2`` gives bits). The convention 0 log 0 = 0 holds throughout; a positive mass
of P where Q has none makes KL(P || Q) infinite.

The ``*_density`` functions do the same for densities sampled on a 1-D grid ``x``, integrating
with the trapezoid rule.
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np

__all__ = [
    "self_information",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "js_divergence",
    "huffman_code_lengths",
    "normalise",
    "random_distributions",
    "entropy_density",
    "cross_entropy_density",
    "kl_density",
    "js_density",
]


def _log(x, base):
    out = np.log(x)
    return out if base is None else out / np.log(base)


def _probabilities(p, name="p"):
    p = np.asarray(p, dtype=float)
    if p.ndim == 0:
        raise ValueError(f"{name} must be a vector of probabilities, got a scalar")
    if np.any(p < 0) or not np.all(np.isfinite(p)):
        raise ValueError(f"{name} has negative or non-finite entries")
    if not np.allclose(p.sum(axis=-1), 1.0, atol=1e-6):
        raise ValueError(f"{name} does not sum to 1 along its last axis")
    return p


def _xlogy(x, y, base):
    """x * log(y) with 0 * log(anything) = 0, as information theory wants."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x > 0, x * _log(np.where(x > 0, y, 1.0), base), 0.0)
    return out


def self_information(prob, base=None):
    """I(x) = -log P(x): the surprise of one outcome of probability ``prob``."""
    prob = np.asarray(prob, dtype=float)
    if np.any((prob <= 0) | (prob > 1)):
        raise ValueError("self_information needs probabilities in (0, 1]")
    return -_log(prob, base) + 0.0  # + 0.0 turns -0.0 into 0.0


def entropy(p, base=None):
    """H(P) = -sum_x P(x) log P(x)."""
    p = _probabilities(p)
    return -_xlogy(p, p, base).sum(axis=-1) + 0.0  # + 0.0 turns -0.0 into 0.0


def cross_entropy(p, q, base=None):
    """H(P, Q) = -sum_x P(x) log Q(x) = H(P) + KL(P || Q)."""
    p, q = _probabilities(p), _probabilities(q, "q")
    return -_xlogy(p, q, base).sum(axis=-1)


def kl_divergence(p, q, base=None):
    """KL(P || Q) = sum_x P(x) log(P(x) / Q(x)); infinite where Q misses mass of P."""
    p, q = _probabilities(p), _probabilities(q, "q")
    with np.errstate(divide="ignore"):
        terms = np.where(p > 0, _xlogy(p, p, base) - _xlogy(p, q, base), 0.0)
    return terms.sum(axis=-1)


def js_divergence(p, q, base=None):
    """JS(P || Q) = KL(P || M)/2 + KL(Q || M)/2 with M = (P + Q)/2; at most log 2."""
    p, q = _probabilities(p), _probabilities(q, "q")
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, base) + 0.5 * kl_divergence(q, m, base)


def normalise(p):
    """``p`` scaled to sum to 1 along its last axis."""
    p = np.asarray(p, dtype=float)
    return p / p.sum(axis=-1, keepdims=True)


def random_distributions(n, k, rng):
    """``n`` random probability vectors over ``k`` symbols, drawn with the NumPy Generator ``rng``.

    Each is Dirichlet with a concentration of 0.1, 1 or 10 picked at random, so peaked, moderate
    and flat distributions come alike; a floor of 1e-6 before normalising keeps every symbol
    possible, so every KL between them is finite.
    """
    alphas = rng.choice([0.1, 1.0, 10.0], size=n)
    p = np.stack([rng.dirichlet(np.full(k, a)) for a in alphas])
    return normalise(p + 1e-6)


def huffman_code_lengths(p):
    """Code length of each symbol in a binary Huffman code for the probabilities ``p``.

    Returns an int array shaped like ``p``. The mean length ``sum(p * lengths)`` lies in
    [H(P), H(P) + 1) bits. A one-symbol alphabet still needs one bit.
    """
    p = _probabilities(p)
    if p.ndim != 1:
        raise ValueError("huffman_code_lengths takes a single probability vector")
    lengths = np.zeros(len(p), dtype=int)
    if len(p) == 1:
        return lengths + 1
    tie = itertools.count()  # breaks ties deterministically, never compares lists
    heap = [(float(pi), next(tie), [i]) for i, pi in enumerate(p)]
    heapq.heapify(heap)
    while len(heap) > 1:
        p1, _, a = heapq.heappop(heap)
        p2, _, b = heapq.heappop(heap)
        # every symbol under the merged node sits one level deeper
        lengths[a + b] += 1
        heapq.heappush(heap, (p1 + p2, next(tie), a + b))
    return lengths


def _density_grid(x, *densities):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("x must be an increasing 1-D grid of at least two points")
    out = []
    for d in densities:
        d = np.asarray(d, dtype=float)
        if d.shape[-1] != len(x):
            raise ValueError(f"a density has {d.shape[-1]} values on a grid of {len(x)} points")
        if np.any(d < 0):
            raise ValueError("densities must be non-negative")
        out.append(d)
    return x, out


def entropy_density(p, x, base=None):
    """Differential entropy -int p log p dx of a density sampled on the grid ``x``."""
    x, (p,) = _density_grid(x, p)
    return -np.trapezoid(_xlogy(p, p, base), x, axis=-1)


def cross_entropy_density(p, q, x, base=None):
    """-int p log q dx on the grid ``x``."""
    x, (p, q) = _density_grid(x, p, q)
    return -np.trapezoid(_xlogy(p, q, base), x, axis=-1)


def kl_density(p, q, x, base=None):
    """int p log(p / q) dx on the grid ``x``; infinite where q vanishes under p."""
    x, (p, q) = _density_grid(x, p, q)
    with np.errstate(divide="ignore"):
        terms = np.where(p > 0, _xlogy(p, p, base) - _xlogy(p, q, base), 0.0)
    return np.trapezoid(terms, x, axis=-1)


def js_density(p, q, x, base=None):
    """JS divergence of two densities on the grid ``x``."""
    x, (p, q) = _density_grid(x, p, q)
    m = 0.5 * (p + q)
    return 0.5 * kl_density(p, m, x, base) + 0.5 * kl_density(q, m, x, base)
