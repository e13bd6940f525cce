"""How heavy the tail of a gradient's distribution is: per-sample generator gradients and the Hill estimator.

Arjovsky and Bottou (2017, "Towards Principled Methods for Training GANs", Theorem 2.6) model an
imperfect discriminator as the optimal one plus Gaussian noise and find that the -log D generator
gradient then follows a centred Cauchy law: infinite mean and variance (note 003: "gradient
updates unstable"). What an experiment can read is the distribution of the gradient a single
latent sample sends to G's weights; the batch gradient is the mean of those, and if their tail
decays like x^-alpha with alpha <= 2 the mean has no finite variance.

- :func:`per_sample_generator_gradient_norms`: ||grad_theta J_G(D(G(z_i)))|| for each latent z_i,
  one backward per sample through ``torch.func`` (vmapped).
- :func:`hill_tail_index`: Hill's (1975) estimator of the tail index alpha from the k largest
  values: alpha = 1 / mean(log(x_(i) / x_(k+1))), i = 1..k. A Cauchy variable's |X| has alpha = 1,
  a Pareto law x^-alpha has alpha; a light (Gaussian-like) tail gives a large and growing estimate.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.func import functional_call, grad, vmap

from .losses import get_loss

__all__ = ["per_sample_generator_gradient_norms", "hill_tail_index"]


def per_sample_generator_gradient_norms(G, D, z, loss, chunk=1024):
    """``np.array`` of the norm of the gradient of the generator loss ``loss`` w.r.t. G's weights, one per row of ``z``.

    Each latent is its own one-sample batch (the losses are batch means), so the values are what a
    single sample sends to G. D may draw random numbers (instance noise): each sample gets its own.
    ``chunk`` rows at a time keep the memory bounded.
    """
    loss = get_loss(loss)
    if loss.g_uses_real:
        raise ValueError("this generator loss reads real samples too: a per-sample gradient needs a real batch")
    params = {name: p.detach() for name, p in G.named_parameters()}

    def one(p, z1):
        return loss.g_loss(None, D(functional_call(G, p, (z1.unsqueeze(0),))))

    per_sample = vmap(grad(one), in_dims=(None, 0), randomness="different")
    norms = []
    for rows in torch.split(z, chunk):
        grads = per_sample(params, rows)
        squared = sum(g.reshape(len(rows), -1).pow(2).sum(1) for g in grads.values())
        norms.append(squared.sqrt().detach().cpu().numpy())
    return np.concatenate(norms).astype(float)


def hill_tail_index(values, k=None, share=0.05):
    """Hill's estimate of the tail index alpha of positive ``values`` from their ``k`` largest (default ``share`` of n).

    alpha near 1: a Cauchy-like tail (infinite mean at alpha <= 1); below 2: infinite variance;
    large: a light tail.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.size < 10:
        raise ValueError(f"hill_tail_index needs a 1-D sample of at least 10 values, got shape {x.shape}")
    if np.any(~np.isfinite(x)) or np.any(x <= 0):
        raise ValueError("hill_tail_index needs finite, strictly positive values (norms of non-zero gradients)")
    k = max(2, int(share * x.size)) if k is None else int(k)
    if not 2 <= k < x.size:
        raise ValueError(f"k must be in [2, n - 1] = [2, {x.size - 1}], got {k}")
    top = np.sort(x)[::-1]
    logs = np.log(top[:k] / top[k])
    mean = logs.mean()
    return float("inf") if mean == 0 else float(1.0 / mean)
