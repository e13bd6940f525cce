"""Training in stages, with the 1-D game read on a grid after each (chapter 2's Figure 1).

The original paper's Figure 1 shows Algorithm 1 at four moments: a poorly trained D, D trained to
D* against a fixed G, G after an update against that D, and the end, where p_g = p_data and
D = 1/2. :func:`train_in_stages` reproduces such a sequence by training: one
:func:`ganlib.train.train_gan` call per stage on the same G and D, each with its own
:class:`ganlib.train.TrainConfig` (``g_steps=0`` or ``d_steps=0`` holds a player fixed), and a
:class:`GameSnapshot` after each. G must know its law (``G.distribution()``, as
:class:`ganlib.models.AffineGenerator` does).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .densities import optimal_discriminator, prob_real_on_grid
from .train import train_gan

__all__ = ["GameSnapshot", "snapshot", "generator_law", "train_in_stages"]


class GameSnapshot(NamedTuple):
    """The 1-D game at one moment, on a grid: G's density, D's P(real), the optimal D* for that G, and G's law."""

    p_g: np.ndarray
    d: np.ndarray
    d_star: np.ndarray
    law: Any  # a ganlib.data.Gaussian1D for an affine G


def snapshot(G, D, p_data, x):
    """The :class:`GameSnapshot` of ``G`` and ``D`` on the grid ``x``, where the data density is ``p_data``."""
    law = G.distribution()
    p_g = law.pdf(x)
    return GameSnapshot(p_g, prob_real_on_grid(D, x), optimal_discriminator(p_data, p_g), law)


def generator_law(step, G, D, history):
    """Training callback: the mean and std of G's law (``G.distribution()``), logged as ``mean`` and ``std``."""
    law = G.distribution()
    return {"mean": law.mean, "std": law.std}


def train_in_stages(G, D, data, stages, x, p_data, device="cpu"):
    """Train ``G`` and ``D`` through ``stages`` (a dict of name -> TrainConfig), in order, snapshotting after each.

    Every stage logs G's law every ``log_every`` steps (:func:`generator_law`). Returns
    ``(snapshots, histories)``: dicts keyed by the stage names, of :class:`GameSnapshot` on the
    grid ``x`` and of each stage's :class:`ganlib.train.History`.
    """
    snapshots, histories = {}, {}
    for name, config in stages.items():
        histories[name] = train_gan(G, D, data, config, device=device, callbacks=[generator_law])
        snapshots[name] = snapshot(G, D, p_data, x)
    return snapshots, histories
