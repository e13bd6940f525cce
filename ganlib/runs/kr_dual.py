"""A 1-D critic trained with the gradient penalty between two Gaussians, and the W1 its dual value reads (chapter 4).

The Kantorovich-Rubinstein dual says W1(P, Q) = sup over 1-Lipschitz f of E_P f - E_Q f. A critic
trained with WGAN-GP's penalty only approaches that supremum, and only softly 1-Lipschitz: where
interpolates are rare its slope may exceed 1, which the dual rewards. :class:`KRDualRun` trains
one (:func:`ganlib.estimators.penalised_critic_dual`) and reads its dual beside POT's exact W1 on
the same samples, so that seeds can be judged together.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from ..data import GaussianMixture1D
from ..densities import critic_on_grid
from ..estimators import penalised_critic_dual
from ..metrics import wasserstein1
from .registry import RunSpec, register

__all__ = ["KRDualRun", "run_kr_dual"]


@dataclass(frozen=True)
class KRDualRun(RunSpec):
    """A penalised 1-D critic between P = N(0, 1) and Q = N(``mean_q``, ``std_q``^2); its dual against POT's W1."""

    seed: int = 0  # the critic's weights (its batches from seed + 7); the fixed samples from ``data_seed``
    steps: int = 600  # critic steps (Adam 1e-3, betas (0.5, 0.9), batches of 512)
    gp_weight: float = 10.0
    mean_q: float = 2.0
    std_q: float = 0.5
    n_samples: int = 20000  # fixed samples of each law on which the dual and W1 are read
    data_seed: int = 7
    hidden: int = 64
    depth: int = 2
    grid: tuple = (-8.0, 8.0, 1601)  # where the critic is read for its slope and its picture
    evals: int = 1  # RunSpec's scoring count: the critic is read once, after training
    recipe: str = ""

    def __post_init__(self):
        if self.steps < 1 or self.n_samples < 2 or self.std_q <= 0 or self.gp_weight < 0:
            raise ValueError("a KR dual run needs steps >= 1, n_samples >= 2, std_q > 0 and gp_weight >= 0")

    def laws(self):
        """(P, Q) as :class:`ganlib.data.GaussianMixture1D`."""
        return GaussianMixture1D((0.0,), (1.0,)), GaussianMixture1D((self.mean_q,), (self.std_q,))


@register(KRDualRun)
def run_kr_dual(spec: KRDualRun):
    """Train one :class:`KRDualRun`; returns a dict of plain numbers and arrays.

    Keys: ``spec``, ``w_primal`` (POT's exact W1 between the fixed samples), ``w_critic`` (the
    critic's dual E_P f - E_Q f on them), ``grid`` and ``critic`` (the critic read on the grid),
    ``max_slope`` (its largest |f'| between grid points on [-4, 4]) and ``seconds``.
    """
    p, q = spec.laws()
    gen = torch.Generator().manual_seed(spec.data_seed)
    x_p, x_q = p.sample(spec.n_samples, gen), q.sample(spec.n_samples, gen)
    t0 = time.perf_counter()
    w_critic, critic = penalised_critic_dual(
        p.sample, q.sample, x_p, x_q, spec.steps, spec.seed, spec.gp_weight, spec.hidden, spec.depth
    )
    seconds = time.perf_counter() - t0
    grid = np.linspace(*spec.grid[:2], int(spec.grid[2]))
    f = critic_on_grid(critic, grid)
    inner = np.abs(grid[1:]) <= 4
    slopes = np.abs(np.diff(f) / np.diff(grid))[inner]
    return {
        "spec": asdict(spec),
        "w_primal": wasserstein1(x_p, x_q),
        "w_critic": w_critic,
        "grid": grid,
        "critic": f,
        "max_slope": float(slopes.max()),
        "seconds": seconds,
    }
