"""A discriminator trained from scratch against a frozen generator: what G would receive as D nears perfection."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from typing import ClassVar

import torch
from torch import nn

from ..models import MLPDiscriminator, MLPGenerator
from ..probes import GradientProbe
from ..tails import per_sample_generator_gradient_norms
from ..train import train_gan
from .mixture import mixture
from .registry import RunSpec, register

__all__ = ["PerfectDiscriminatorRun", "run_perfect_discriminator", "InstanceNoise"]


class InstanceNoise(nn.Module):
    """D seen through instance noise: ``D(x + sigma * N(0, I))`` on every call, real and fake samples alike.

    Arjovsky and Bottou's remedy (2017, section 4; note 003): noise spreads both distributions until
    their supports overlap, so no discriminator can be perfect and G's gradient survives; the noise
    is then annealed as G approaches the data. The generator's loss goes through the same noise.
    """

    def __init__(self, D, sigma):
        super().__init__()
        if not sigma >= 0:
            raise ValueError(f"instance noise needs sigma >= 0, got {sigma}")
        self.D, self.sigma = D, float(sigma)

    def forward(self, x):
        return self.D(x + self.sigma * torch.randn_like(x) if self.sigma > 0 else x)


@dataclass(frozen=True)
class PerfectDiscriminatorRun(RunSpec):
    """D trained alone against a freshly initialised MLP generator that never steps, on a 2-D mixture (chapter 4).

    Every ``log_every`` steps of D, the gradient each generator loss in ``probes`` would send to
    G's weights is read on ``probe_batches`` fixed latent batches (:class:`ganlib.probes.GradientProbe`).
    With ``instance_noise`` > 0, D trains and is probed through :class:`InstanceNoise`. With
    ``tail_samples`` > 0, after training, the gradient each probe loss sends to G's weights is also
    read sample by sample on that many latents (the distribution whose tail
    :func:`ganlib.tails.hill_tail_index` measures).
    The training fields mean what they mean in :class:`ganlib.train.TrainConfig` and drive D alone;
    ``PerfectDiscriminatorRun.from_recipe("wgan_gp", d_steps=1)`` trains WGAN-GP's critic.
    """

    dataset: str = "ring"  # "ring" or "grid"
    std: float | None = None  # the components' std; None keeps the mixture's standard one
    loss: str = "non_saturating"  # D's loss, a name in ganlib.losses.LOSSES
    probes: tuple = ("minimax", "non_saturating")  # generator losses whose gradient G would receive
    seed: int = 0  # G's weights from seed, D's from seed + 1, probe batch i from seed + 100 + i
    lr_g: float = 1e-3  # unused: G never steps
    lr_d: float = 1e-3
    optimizer: str = "adam"
    beta1: float = 0.5
    beta2: float = 0.999
    momentum: float = 0.0
    penalties: tuple = ()  # ganlib.penalties objects
    d_steps: int = 1
    steps: int = 600  # D's rounds
    batch_size: int = 256
    hidden: int = 64
    depth: int = 2
    latent_dim: int = 2
    log_every: int = 20  # D's rounds between two gradient readings
    probe_batches: int = 10  # the gradients' mean and spread are taken over these latent batches
    probe_size: int = 256
    instance_noise: float = 0.0  # std of the Gaussian noise added to every input of D (0: none)
    tail_samples: int = 0  # > 0: per-sample gradient norms of each probe loss on this many latents, after training
    recipe: str = ""  # the recipe the training fields came from, if any

    evals: ClassVar[int] = 1  # RunSpec's scoring count; readings follow log_every instead

    def __post_init__(self):
        mixture(self.dataset, self.std)  # fails early on a bad name or std
        if not self.probes or self.probe_batches < 1 or self.probe_size < 1:
            raise ValueError("a perfect-discriminator run needs probes, probe_batches >= 1 and probe_size >= 1")
        if not self.instance_noise >= 0 or self.tail_samples < 0:
            raise ValueError("instance_noise and tail_samples must be >= 0")
        self.train_config()

    def train_config(self):
        """D's :class:`TrainConfig`: G never steps (``g_steps=0``), logs every ``log_every`` rounds."""
        return replace(super().train_config(), g_steps=0, log_every=self.log_every)


@register(PerfectDiscriminatorRun)
def run_perfect_discriminator(spec: PerfectDiscriminatorRun):
    """Train one :class:`PerfectDiscriminatorRun`; returns a dict of plain numbers and arrays.

    Keys: ``spec`` (as a dict), ``gradients`` (``{probe: {"step", "mean", "std"}}``: the norm of
    the gradient of that generator loss w.r.t. G's weights at each reading, its mean over the
    probe batches and its spread across them, ddof 0), ``p_fake`` (mean sigmoid D(G(z)) on the
    training batch of every step), ``sample_gradients`` (``{probe: norms}``, one norm per latent
    of the ``tail_samples`` drawn from seed + 99; empty without them) and ``seconds`` (training
    wall time).
    """
    torch.manual_seed(spec.seed)
    G = MLPGenerator(spec.latent_dim, 2, spec.hidden, spec.depth)
    torch.manual_seed(spec.seed + 1)
    D = MLPDiscriminator(2, spec.hidden, spec.depth)
    if spec.instance_noise > 0:
        D = InstanceNoise(D, spec.instance_noise)
    z_batches = [
        torch.randn(spec.probe_size, spec.latent_dim, generator=torch.Generator().manual_seed(spec.seed + 100 + i))
        for i in range(spec.probe_batches)
    ]
    probe = GradientProbe(z_batches, spec.probes)
    t0 = time.perf_counter()
    history = train_gan(
        G, D, mixture(spec.dataset, spec.std).sample, spec.train_config(), callbacks=[probe], progress=False
    )
    seconds = time.perf_counter() - t0
    gradients = {}
    for name in spec.probes:
        steps, mean = history.metric(name)
        gradients[name] = {"step": steps, "mean": mean, "std": history.metric(f"{name}_std")[1]}
    sample_gradients = {}
    if spec.tail_samples:
        z = torch.randn(spec.tail_samples, spec.latent_dim, generator=torch.Generator().manual_seed(spec.seed + 99))
        sample_gradients = {name: per_sample_generator_gradient_norms(G, D, z, name) for name in spec.probes}
    return {
        "spec": asdict(spec),
        "gradients": gradients,
        "p_fake": history.p_fake,
        "sample_gradients": sample_gradients,
        "seconds": seconds,
    }
