"""How real the discriminator finds real and fake samples over training, in the standard and relativistic readings.

Note 001 (after Jolicoeur-Martineau, 2018) argues that a standard GAN's discriminator keeps calling the
real samples real, D(x_r) = sigmoid(C(x_r)) near 1, while the fakes' D(x_f) rises, whereas a sensible
discriminator should grow less sure about the real samples as the fakes improve. A relativistic-average
discriminator reads the same critic outputs relative to the other batch:
D_ra(x_r) = sigmoid(C(x_r) - E C(x_f)) and D_ra(x_f) = sigmoid(C(x_f) - E C(x_r)).

:class:`RealismProbe` logs both readings after every critic update (on that update's batches, before
its step), under ``ra_real`` and ``ra_fake``; the training loop already logs the standard ones as
``p_real`` and ``p_fake``. :func:`window_means` turns such a per-step column into one mean per
scoring interval, and :func:`realism_slope` says how the real samples' realism moved with the
fakes' over training: the slope of one on the other across those intervals. Note 001's picture of a
standard GAN is a slope near 0 (the real samples stay "real" while the fakes gain); a discriminator
whose real and fake readings trade off one for one, as a relativistic one does, gives a slope near -1.
"""

from __future__ import annotations

import numpy as np
import torch

from .train import Hook

__all__ = ["RealismProbe", "window_means", "realism_slope"]


class RealismProbe(Hook):
    """Logs the relativistic-average realism of the real and the fake batch after each critic update."""

    @torch.no_grad()
    def after_critic_step(self, batch, loss):
        """``ra_real`` = mean sigmoid(C(x_r) - mean C(x_f)); ``ra_fake`` = mean sigmoid(C(x_f) - mean C(x_r))."""
        c_real, c_fake = batch.d_real.detach(), batch.d_fake.detach()
        return {
            "ra_real": torch.sigmoid(c_real - c_fake.mean()).mean(),
            "ra_fake": torch.sigmoid(c_fake - c_real.mean()).mean(),
        }


def window_means(column, steps):
    """The mean of a per-step ``column`` (step 1 at index 0) over each interval (previous scoring, scoring]."""
    column, edges = np.asarray(column, dtype=float), [0, *(int(s) for s in steps)]
    if any(b <= a for a, b in zip(edges, edges[1:])) or edges[-1] > len(column):
        raise ValueError(f"scoring steps must increase within the {len(column)} logged steps, got {list(steps)}")
    return np.array([np.nanmean(column[a:b]) for a, b in zip(edges, edges[1:])])


def realism_slope(real, fake):
    """Least-squares slope of the real samples' realism on the fakes' across scoring windows (one value each).

    0: the real readings do not follow the fakes'; -1: they fall exactly as the fakes' rise.
    """
    real, fake = np.asarray(real, dtype=float), np.asarray(fake, dtype=float)
    if real.shape != fake.shape or real.ndim != 1 or len(real) < 3:
        shapes = f"{real.shape} and {fake.shape}"
        raise ValueError(f"realism_slope needs two equal 1-D series of at least 3 windows, got {shapes}")
    if not (np.all(np.isfinite(real)) and np.all(np.isfinite(fake))):
        raise ValueError("realism_slope needs finite readings (a diverged run has none to compare)")
    spread = fake - fake.mean()
    if not np.any(spread):
        raise ValueError("the fakes' realism never moved: a slope on it is undefined")
    return float(np.dot(spread, real - real.mean()) / np.dot(spread, spread))
