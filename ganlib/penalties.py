"""Penalties and constraints on the critic (chapters 4, 7): pure terms and the objects a recipe lists.

The Kantorovich-Rubinstein dual asks for a 1-Lipschitz critic. WGAN enforces it crudely by
clipping every weight to [-clip, clip] after each critic step (:func:`clip_weights_`); WGAN-GP
(Gulrajani et al., 2017) adds ``lambda * E[(||grad_x C(x_hat)||_2 - 1)^2]`` to the critic's loss,
at points x_hat drawn uniformly on segments between real and fake samples
(:func:`gradient_penalty`). With ``target=0`` the same term is the zero-centred penalty
(Thanh-Tung et al., 2019), which keeps a cross-entropy discriminator smooth between real and fake
samples instead of asking for a Lipschitz constant of exactly 1. R1 (Mescheder et al., 2018;
StyleGAN's regulariser) penalises the gradient on real samples only (:func:`r1_penalty`).

Each function returns its term *unweighted*: the weight belongs to the training recipe. The
objects :class:`GradientPenalty`, :class:`R1Penalty` and :class:`WeightClipping` carry a weight
(or a bound) and a lazy interval, and :func:`ganlib.train.train_gan` applies the ones its config
lists; ``weight * every * term`` enters the critic's loss on every ``every``-th critic update
(lazy regularisation, as StyleGAN2 does for R1), and its unweighted value is logged by ``name``.

The norm is taken over the whole flattened input of each sample (every channel and pixel
together), as in the paper; a norm per channel or per pixel is a common bug and a different,
stronger constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch

__all__ = [
    "interpolates",
    "gradient_penalty",
    "r1_penalty",
    "clip_weights_",
    "Penalty",
    "GradientPenalty",
    "R1Penalty",
    "WeightClipping",
]


def interpolates(x_real, x_fake, generator=None):
    """eps * x_real + (1 - eps) * x_fake with one eps ~ U[0, 1] per sample (broadcast over the rest)."""
    if x_real.shape != x_fake.shape:
        raise ValueError(f"real and fake batches differ in shape: {tuple(x_real.shape)} and {tuple(x_fake.shape)}")
    eps = torch.rand(
        (len(x_real),) + (1,) * (x_real.ndim - 1), generator=generator, device=x_real.device, dtype=x_real.dtype
    )
    return eps * x_real + (1 - eps) * x_fake


def gradient_penalty(critic, x_real, x_fake, generator=None, target=1.0):
    """E[(||grad_x critic(x_hat)||_2 - target)^2] over interpolates x_hat; unweighted.

    The graph is kept (``create_graph``), so the penalty's gradient reaches the critic's
    weights: the "double backward" that makes WGAN-GP steps dearer than plain ones. Gradients do
    not flow into ``x_real`` or ``x_fake``.
    """
    x_hat = interpolates(x_real.detach(), x_fake.detach(), generator).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - target) ** 2).mean()


def r1_penalty(critic, x_real):
    """E ||grad_x critic(x)||_2^2 over real samples; unweighted (R1 weighs it by gamma / 2)."""
    x = x_real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return grad.flatten(1).pow(2).sum(dim=1).mean()


@torch.no_grad()
def clip_weights_(module, clip):
    """Clamp every parameter of ``module`` to [-clip, clip] in place (WGAN's Lipschitz constraint)."""
    if not clip > 0:
        raise ValueError(f"the clipping bound must be positive, got {clip}")
    for p in module.parameters():
        p.clamp_(-clip, clip)


@dataclass(frozen=True)
class Penalty:
    """A term added to the critic's loss, or a constraint applied after its update.

    Subclasses set ``name`` (the History column of the unweighted term) and override
    :meth:`term` (a loss term) or :meth:`after_step` (a constraint on the weights).
    ``batch`` is the :class:`ganlib.train.Batch` of the critic update.
    """

    name: ClassVar[str] = "penalty"

    @property
    def weight(self):
        """The term's weight in the critic's loss (0 for a pure constraint)."""
        return 0.0

    @property
    def every(self):
        """Apply the term on every ``every``-th critic update only (lazy regularisation)."""
        return 1

    def term(self, batch):
        """The unweighted term on this batch, or None when there is none."""
        return None

    def after_step(self, D):
        """Called after every critic update (clipping acts here)."""

    def due(self, update):
        """Whether the term applies on critic update ``update`` (1-based): the first, then every ``every``-th."""
        return (update - 1) % self.every == 0


def _check_weight(owner, value, name="weight"):
    if not (value >= 0 and value < float("inf")):
        raise ValueError(f"{owner}.{name} must be a finite number >= 0, got {value}")


@dataclass(frozen=True)
class GradientPenalty(Penalty):
    """``weight * E[(||grad D(x_hat)|| - target)^2]`` on real-fake interpolates.

    WGAN-GP: weight 10 on images, 0.1 in its authors' 2-D code, target 1. The zero-centred
    penalty of Thanh-Tung et al. (2019) has target 0.
    """

    gp_weight: float = 10.0  # lambda
    target: float = 1.0  # the gradient norm pulled towards: 1 (WGAN-GP) or 0 (zero-centred)
    name: ClassVar[str] = "gp"

    def __post_init__(self):
        _check_weight("GradientPenalty", self.gp_weight, "gp_weight")
        _check_weight("GradientPenalty", self.target, "target")

    @property
    def weight(self):
        return self.gp_weight

    def term(self, batch):
        return gradient_penalty(batch.D, batch.x_real, batch.x_fake, generator=batch.generator, target=self.target)


@dataclass(frozen=True)
class R1Penalty(Penalty):
    """``gamma / 2 * E ||grad_x D(x)||^2`` on real samples, applied every ``interval`` critic updates.

    StyleGAN uses gamma = 10 on every update; StyleGAN2 applies it lazily, every 16 updates,
    scaled by 16 so that its average strength is unchanged.
    """

    gamma: float = 10.0
    interval: int = 1  # critic updates between two applications (1: every update)
    name: ClassVar[str] = "r1"

    def __post_init__(self):
        _check_weight("R1Penalty", self.gamma, "gamma")
        if not (isinstance(self.interval, int) and self.interval >= 1):
            raise ValueError(f"R1Penalty.interval must be an integer >= 1, got {self.interval}")

    @property
    def weight(self):
        return self.gamma / 2

    @property
    def every(self):
        return self.interval

    def term(self, batch):
        return r1_penalty(batch.D, batch.x_real)


@dataclass(frozen=True)
class WeightClipping(Penalty):
    """WGAN's constraint: every critic weight clamped to [-clip, clip] after each critic update."""

    clip: float = 0.01  # the WGAN paper's bound
    name: ClassVar[str] = "clip"

    def __post_init__(self):
        if not (self.clip > 0 and self.clip < float("inf")):
            raise ValueError(f"WeightClipping.clip must be a positive number, got {self.clip}")

    def after_step(self, D):
        clip_weights_(D, self.clip)
