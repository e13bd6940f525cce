"""A deep critic trained alone between the swiss roll and a noisier copy: what weight clipping does to its gradients."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
import torch

from ..data import swiss_roll
from ..depth_gradients import activation_gradient_norms, depth_slope
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

    After training, the gradient of its loss is read layer by layer on a fresh batch, with respect
    to each layer's activations (the quantity of the paper's Figure 1b) and to each layer's
    weights. The training fields mean what they mean in :class:`ganlib.train.TrainConfig`:
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
    init: str = "default"  # "default" (torch's) or "he": weights U with std sqrt(2 / fan_in), zero biases (toy code)
    recipe: str = ""  # the recipe the training fields came from, if any

    evals: ClassVar[int] = 1  # the critic is read once, after training

    def __post_init__(self):
        if self.depth < 2 or self.width < 1 or self.n_probe < 1:
            raise ValueError("a deep critic needs depth >= 2, width >= 1 and n_probe >= 1")
        if self.init not in _INITS:
            raise ValueError(f"unknown init {self.init!r}; choose one of: {', '.join(_INITS)}")
        self.train_config()

    def clip(self):
        """The weight-clipping bound c of the run, or None when it is not clipped."""
        return next((p.clip for p in self.penalties if isinstance(p, WeightClipping)), None)


def _he_init_(critic):
    """The WGAN-GP toy code's 'he' initialisation: weights uniform with std sqrt(2 / fan_in), biases zero."""
    with torch.no_grad():
        for m in critic.modules():
            if isinstance(m, torch.nn.Linear):
                bound = float(np.sqrt(6.0 / m.in_features))  # a uniform on [-b, b] has std b / sqrt(3)
                m.weight.uniform_(-bound, bound)
                m.bias.zero_()


_INITS = {"default": lambda critic: None, "he": _he_init_}


@register(DeepCriticRun)
def run_deep_critic(spec: DeepCriticRun):
    """Train one :class:`DeepCriticRun`; returns a dict of plain numbers and arrays.

    Keys: ``spec`` (as a dict), ``activation_grad_norms`` (the norm of the gradient of the critic's
    loss on a fresh batch w.r.t. the input and each hidden layer's activations, input first:
    :func:`ganlib.depth_gradients.activation_gradient_norms`), ``depth_slope`` (their trend,
    decades per layer towards the input: :func:`ganlib.depth_gradients.depth_slope`),
    ``layer_grad_norms`` (the same loss's gradient w.r.t. each linear layer's weight, input layer
    first: :func:`ganlib.probes.layer_gradient_norms`), ``weights`` (every weight, flattened),
    ``share_at_bound`` (with clipping at c: the share of weights within 1% of c from +-c; else
    None) and ``seconds`` (training wall time).
    """
    torch.manual_seed(spec.seed)
    critic = MLPDiscriminator(2, spec.width, spec.depth)
    _INITS[spec.init](critic)
    t0 = time.perf_counter()
    train_critic(critic, _roll, _noisy_roll, spec.train_config())
    seconds = time.perf_counter() - t0
    fresh = torch.Generator().manual_seed(spec.seed + 2)
    x_real, x_fake = _roll(spec.n_probe, fresh), _noisy_roll(spec.n_probe, fresh)
    d_loss = get_loss(spec.loss).d_loss
    norms = layer_gradient_norms(critic, d_loss(critic(x_real), critic(x_fake)))
    n = len(x_real)
    act_norms = activation_gradient_norms(critic, torch.cat([x_real, x_fake]), lambda out: d_loss(out[:n], out[n:]))
    weights = weight_values(critic)
    c = spec.clip()
    # |w| within 1% of c from the bound
    share = None if c is None else float(np.mean(np.abs(np.abs(weights) - c) <= 0.01 * c))
    return {
        "spec": asdict(spec),
        "activation_grad_norms": act_norms,
        "depth_slope": depth_slope(act_norms),
        "layer_grad_norms": norms,
        "weights": weights,
        "share_at_bound": share,
        "seconds": seconds,
    }
