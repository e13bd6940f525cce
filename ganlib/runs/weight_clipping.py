"""A deep critic trained alone between the swiss roll and a noisier copy: what weight clipping does to its gradients."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
import torch

from ..data import swiss_roll
from ..losses import get_loss
from ..models import MLPDiscriminator
from ..penalties import WeightClipping
from ..probes import layer_gradient_norms, weight_values
from ..train import train_critic
from .registry import RunSpec, register

__all__ = ["DeepCriticRun", "run_deep_critic"]


def _roll(n, generator=None):
    """The critic's real samples: the swiss roll."""
    return swiss_roll(n, generator=generator)


def _noisy_roll(n, generator=None):
    """The critic's fake samples: the swiss roll plus N(0, I) noise."""
    return swiss_roll(n, generator=generator) + torch.randn(n, 2, generator=generator)


@dataclass(frozen=True)
class DeepCriticRun(RunSpec):
    """A deep MLP critic trained alone between the swiss roll (real) and the swiss roll plus N(0, I) noise (fake).

    After training, the gradient of its loss is read layer by layer on a fresh batch. The
    training fields mean what they mean in :class:`ganlib.train.TrainConfig`:
    ``DeepCriticRun.from_recipe("wgan", penalties=(WeightClipping(0.1),))`` clips at 0.1 with
    WGAN's RMSProp, ``DeepCriticRun.from_recipe("wgan_gp")`` penalises the gradient instead
    (chapter 4's clipping sweep, after Figure 1 of the WGAN-GP paper).
    """

    loss: str = "wgan"  # the critic's loss, a name in ganlib.losses.LOSSES
    seed: int = 0  # the critic's weights and the training batches; the probe batch from seed + 2
    lr_g: float = 5e-5  # unused: there is no generator
    lr_d: float = 5e-5
    optimizer: str = "rmsprop"
    beta1: float = 0.5
    beta2: float = 0.999
    momentum: float = 0.0
    penalties: tuple = (WeightClipping(0.01),)  # ganlib.penalties objects: the constraint under study
    d_steps: int = 1  # unused: every step is a critic step
    steps: int = 300  # critic steps
    batch_size: int = 256
    width: int = 64  # units per hidden layer
    depth: int = 8  # hidden layers
    n_probe: int = 1024  # real and fake samples of the batch the gradients are read on
    recipe: str = ""  # the recipe the training fields came from, if any

    evals: ClassVar[int] = 1  # the critic is read once, after training

    def __post_init__(self):
        if self.depth < 2 or self.width < 1 or self.n_probe < 1:
            raise ValueError("a deep critic needs depth >= 2, width >= 1 and n_probe >= 1")
        self.train_config()

    def clip(self):
        """The weight-clipping bound c of the run, or None when it is not clipped."""
        return next((p.clip for p in self.penalties if isinstance(p, WeightClipping)), None)


@register(DeepCriticRun)
def run_deep_critic(spec: DeepCriticRun):
    """Train one :class:`DeepCriticRun`; returns a dict of plain numbers and arrays.

    Keys: ``spec`` (as a dict), ``layer_grad_norms`` (the norm of the gradient of the critic's
    loss on a fresh batch w.r.t. each linear layer's weight, input layer first:
    :func:`ganlib.probes.layer_gradient_norms`), ``weights`` (every weight, flattened),
    ``share_at_bound`` (with clipping at c: the share of weights within 1% of c from +-c; else
    None) and ``seconds`` (training wall time).
    """
    torch.manual_seed(spec.seed)
    critic = MLPDiscriminator(2, spec.width, spec.depth)
    t0 = time.perf_counter()
    train_critic(critic, _roll, _noisy_roll, spec.train_config())
    seconds = time.perf_counter() - t0
    fresh = torch.Generator().manual_seed(spec.seed + 2)
    x_real, x_fake = _roll(spec.n_probe, fresh), _noisy_roll(spec.n_probe, fresh)
    norms = layer_gradient_norms(critic, get_loss(spec.loss).d_loss(critic(x_real), critic(x_fake)))
    weights = weight_values(critic)
    c = spec.clip()
    # |w| within 1% of c from the bound
    share = None if c is None else float(np.mean(np.abs(np.abs(weights) - c) <= 0.01 * c))
    return {
        "spec": asdict(spec),
        "layer_grad_norms": norms,
        "weights": weights,
        "share_at_bound": share,
        "seconds": seconds,
    }
