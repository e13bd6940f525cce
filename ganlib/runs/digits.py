"""A DCGAN or an MLP GAN on scikit-learn's 8x8 digits, scored by the digit-FD and the class histogram."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from ..digit_metrics import class_histogram, digit_fd, load_digit_classifier, split_digits
from ..models import DCGAN_ABLATIONS, DCGANDiscriminator, MLPImageDiscriminator, MLPImageGenerator, dcgan_networks
from ..train import train_gan
from .registry import RunSpec, register

__all__ = ["DigitsRun", "run_digits"]


@dataclass(frozen=True)
class DigitsRun(RunSpec):
    """One GAN trained on the training split of scikit-learn's 8x8 digits (training fields as in TrainConfig)."""

    arch: str = "dcgan"  # "dcgan" (ganlib.models.DCGAN*) or "mlp" (fully connected, tanh output)
    loss: str = "non_saturating"
    seed: int = 0
    lr_g: float = 2e-4  # DCGAN's Adam settings
    lr_d: float = 2e-4
    optimizer: str = "adam"
    beta1: float = 0.5
    beta2: float = 0.999
    momentum: float = 0.0
    penalties: tuple = ()  # ganlib.penalties objects
    norm: str = (
        "batch"  # DCGAN critic's normalisation: "batch", "layer" or "none" (a penalised critic needs no batch norm)
    )
    d_steps: int = 1
    steps: int = 1500
    batch_size: int = 64
    latent_dim: int = 32
    width: int = 32  # DCGAN: channels of the first conv layer
    hidden: int = 256  # MLP: width of the hidden layers
    depth: int = 2  # MLP: hidden layers
    evals: int = 5
    n_eval: int = 1000
    recipe: str = ""  # the recipe the training fields came from, if any
    ablate: str = ""  # DCGAN only: the guideline removed, a key of ganlib.models.DCGAN_ABLATIONS ("" keeps them all)

    def __post_init__(self):
        if self.arch not in ("dcgan", "mlp"):
            raise ValueError(f"unknown arch {self.arch!r}; choose dcgan or mlp")
        if self.norm not in DCGANDiscriminator.NORMS:
            raise ValueError(f"unknown norm {self.norm!r}; choose one of: {', '.join(DCGANDiscriminator.NORMS)}")
        if self.ablate not in DCGAN_ABLATIONS:
            known = ", ".join(map(repr, DCGAN_ABLATIONS))
            raise ValueError(f"unknown ablation {self.ablate!r}; choose one of: {known}")
        if self.ablate and self.arch != "dcgan":
            raise ValueError(f"ablate={self.ablate!r} needs arch='dcgan', not {self.arch!r}")
        if self.ablate == "batch_norm" and self.norm != "batch":
            raise ValueError(f"the batch_norm ablation starts from D's batch norm; this run has norm={self.norm!r}")
        self.train_config()
        if self.evals < 1 or self.n_eval < 2:
            raise ValueError("evals must be >= 1 and n_eval >= 2")


@register(DigitsRun)
def run_digits(spec: DigitsRun):
    """Train one :class:`DigitsRun`; returns a dict of plain numbers and arrays.

    Keys: ``spec``, ``step``, ``fd`` (digit-FD to the held-out split) and ``classes_covered``
    (classes with at least 2% of the samples) over training, ``final_fd``, ``histogram`` (the
    classifier's class counts at the end), ``samples`` (64 final images), ``n_params``
    (generator, discriminator), ``seconds`` (training wall time) and ``diverged`` (None, or the
    first non-finite loss: ``{"step", "name", "value"}``). A run that diverged has ``final_fd``,
    ``histogram`` and ``samples`` None: a blow-up is not scored as a poor generator.
    """
    (x_train, _), (x_held_out, _) = split_digits()
    classifier = load_digit_classifier()
    torch.manual_seed(spec.seed)
    if spec.arch == "dcgan":
        G, D = dcgan_networks(spec.latent_dim, 1, spec.width, norm=spec.norm, ablate=spec.ablate)
    else:
        G, D = (
            MLPImageGenerator(spec.latent_dim, spec.hidden, spec.depth),
            MLPImageDiscriminator(spec.hidden, spec.depth),
        )
    config = spec.train_config()
    z_eval = torch.randn(spec.n_eval, spec.latent_dim, generator=torch.Generator().manual_seed(10_000 + spec.seed))
    last = {}

    def score(step, G, D, history):
        G.eval()  # batch norm in inference mode, as when sampling
        with torch.no_grad():
            x = G(z_eval)
        G.train()
        hist = class_histogram(x, classifier)
        last.update(samples=x[:64].numpy(), histogram=hist)
        return {"fd": digit_fd(x, x_held_out, classifier), "classes": int((hist >= 0.02 * len(x)).sum())}

    t0 = time.perf_counter()
    history = train_gan(G, D, x_train, config, callbacks=[score], progress=False)
    seconds = time.perf_counter() - t0
    steps, fd = history.metric("fd")
    _, classes = history.metric("classes")
    count = lambda m: sum(p.numel() for p in m.parameters())
    return {
        "spec": asdict(spec),
        "step": steps,
        "fd": fd,
        "classes_covered": classes,
        "final_fd": None if history.diverged else float(fd[-1]),
        "histogram": None if history.diverged else np.asarray(last["histogram"]),
        "samples": None if history.diverged else last["samples"],
        "n_params": (count(G), count(D)),
        "seconds": seconds,
        "diverged": history.diverged._asdict() if history.diverged else None,
    }
