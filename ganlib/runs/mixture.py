"""An MLP GAN on a 2-D data set (ring or grid mixture, swiss roll), scored by modes, quality and W1."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from ..data import grid_mixture, ring_mixture, swiss_roll
from ..metrics import mode_coverage, wasserstein1
from ..models import MLPDiscriminator, MLPGenerator
from ..realism import RealismProbe, window_means
from ..train import train_gan
from .registry import RunSpec, register

__all__ = ["MixtureRun", "run_mixture", "mixture"]

_MIXTURES = {"ring": ring_mixture, "grid": grid_mixture}


def mixture(name, std=None):
    """The 2-D mixture ``"ring"`` (8 modes) or ``"grid"`` (25 modes), optionally with another std."""
    if name not in _MIXTURES:
        raise ValueError(f"unknown mixture {name!r}; choose one of: {', '.join(_MIXTURES)}")
    return _MIXTURES[name]() if std is None else _MIXTURES[name](std=std)


@dataclass(frozen=True)
class MixtureRun(RunSpec):
    """One MLP GAN trained on a 2-D data set: a mixture (ring, grid) or the swiss roll.

    The training fields mean what they mean in :class:`ganlib.train.TrainConfig`;
    ``MixtureRun.from_recipe("wgan_gp_toy", dataset="grid")`` takes them from a paper's recipe.
    """

    dataset: str = "ring"  # "ring", "grid" or "swissroll" (no modes: score it with w1_samples)
    loss: str = "non_saturating"  # a name in ganlib.losses.LOSSES
    seed: int = 0  # seeds the networks' weights, the latent draws and the data
    lr_g: float = 2e-3
    lr_d: float = 2e-3
    optimizer: str = "adam"  # "adam", "rmsprop" or "sgd"
    beta1: float = 0.5  # Adam's first beta
    beta2: float = 0.999  # Adam's second beta
    momentum: float = 0.0  # SGD's momentum
    penalties: tuple = ()  # ganlib.penalties objects (clipping, gradient penalty)
    d_steps: int = 1
    steps: int = 800  # generator steps
    batch_size: int = 128
    hidden: int = 64
    depth: int = 2
    latent_dim: int = 2
    std: float | None = None  # the components' std; None keeps the mixture's standard one
    evals: int = 8  # scoring points, evenly spread over training
    n_eval: int = 2500  # samples per scoring (PacGAN's count)
    w1_samples: int = 0  # > 0: also score W1 (POT) between this many generated and real samples
    standardize: bool = False  # train on data divided by its per-coordinate std, as the WGAN-GP toy code does
    recipe: str = ""  # the recipe the training fields came from, if any (a label for tables)

    def __post_init__(self):
        if self.dataset == "swissroll":
            if self.w1_samples < 2:
                raise ValueError("the swiss roll has no modes to count: set w1_samples >= 2 to score it")
        else:
            mixture(self.dataset, self.std)  # fails early on a bad name or std
        self.train_config()  # same validation as the loop
        if self.evals < 1 or self.n_eval < 1 or self.w1_samples < 0:
            raise ValueError("evals and n_eval must be >= 1, w1_samples >= 0")

    def data(self):
        """(sampler, centers or None, std or None) of the run's data set, in the data's own units."""
        if self.dataset == "swissroll":
            return (lambda n, generator=None: swiss_roll(n, generator=generator)), None, None
        mix = mixture(self.dataset, self.std)
        return mix.sample, torch.tensor(mix.centers, dtype=torch.float32), mix.std

    def data_scale(self):
        """What the data are divided by for training: 1, or with ``standardize`` their per-coordinate std.

        For a mixture centred at the origin that std is sqrt(mean of the squared centre coordinates
        + std^2): about 1.41 for the ring and 2.83 for the grid, the toy code's divisors. The swiss
        roll is already scaled (by 1/7.5) and keeps 1.
        """
        if not self.standardize or self.dataset == "swissroll":
            return 1.0
        mix = mixture(self.dataset, self.std)
        return float(np.sqrt(np.mean(np.square(mix.centers)) + mix.std**2))


@register(MixtureRun)
def run_mixture(spec: MixtureRun):
    """Train one :class:`MixtureRun`; returns a dict of plain numbers and arrays.

    Keys: ``spec`` (as a dict), ``step``, ``modes`` and ``hq`` over training, ``final_modes``,
    ``final_hq``, ``n_modes``, ``lost_modes`` (modes covered at some scoring but not at the end),
    ``missing_modes`` (modes not covered at the end), ``samples`` (the last scoring's samples),
    ``seconds`` (training wall time) and ``diverged``: None, or where training blew up
    (``{"step", "name", "value"}`` of the first non-finite loss, :class:`ganlib.train.Divergence`).
    A run that diverged is not scored as if it had collapsed: its ``final_*``, ``lost_modes`` and
    ``missing_modes`` are None, and ``modes``/``hq`` hold only the scorings before the blow-up. On
    the swiss roll the mode keys are ``None`` (and ``n_modes`` 0). With ``w1_samples`` set, also
    ``w1`` (POT's exact W1 between generated and fresh real samples at each scoring) and ``critic``
    (minus D's loss, averaged over the steps since the previous scoring: the critic's own estimate
    of W1 for the Wasserstein losses); both are empty arrays otherwise. ``p_real``, ``p_fake``,
    ``ra_real`` and ``ra_fake`` hold, per scoring interval, the mean realism of the real and fake
    batches in the critic's updates: sigmoid(C(x)) and the relativistic-average reading
    (:mod:`ganlib.realism`). With ``standardize`` the networks see data divided by
    :meth:`MixtureRun.data_scale`; samples, scores, ``w1`` and ``critic`` are all reported in the
    data's own units.
    """

    torch.manual_seed(spec.seed)
    sample, centers, std = spec.data()
    scale = spec.data_scale()
    G = MLPGenerator(spec.latent_dim, 2, spec.hidden, spec.depth)
    D = MLPDiscriminator(2, spec.hidden, spec.depth)
    config = spec.train_config()
    z_eval = torch.randn(spec.n_eval, spec.latent_dim, generator=torch.Generator().manual_seed(10_000 + spec.seed))
    real_gen = torch.Generator().manual_seed(20_000 + spec.seed)
    covered_ever = np.zeros(0 if centers is None else len(centers), dtype=bool)
    last = {}

    def score(step, G, D, history):
        with torch.no_grad():
            x = G(z_eval) * scale
        last["samples"] = x.numpy()
        row = {}
        if centers is not None:
            cov = mode_coverage(x, centers, std)
            covered_ever[:] |= np.array(cov.counts) >= 20
            last["counts"] = np.array(cov.counts)
            row.update(modes=cov.modes_covered, hq=cov.hq_ratio)
        if spec.w1_samples:
            window = history.d_loss[-config.log_every :]
            row.update(
                w1=wasserstein1(x[: spec.w1_samples], sample(spec.w1_samples, real_gen)),
                critic=-float(np.mean(window)) * scale,
            )  # back to data units (a Wasserstein estimate scales with the data)
        return row

    train_data = sample if scale == 1.0 else (lambda n, generator=None: sample(n, generator) / scale)
    t0 = time.perf_counter()
    history = train_gan(G, D, train_data, config, hooks=[RealismProbe()], callbacks=[score], progress=False)
    seconds = time.perf_counter() - t0
    steps = np.array([r["step"] for r in history.metrics])
    result = {
        "spec": asdict(spec),
        "step": steps,
        "samples": last.get("samples"),  # None when the run diverged before its first scoring
        "seconds": seconds,
        "w1": history.metric("w1")[1],
        "critic": history.metric("critic")[1],
        "diverged": history.diverged._asdict() if history.diverged else None,
        # mean realism of the real and fake batches per scoring interval: sigmoid(C) and the relativistic average
        **{key: window_means(history[key], steps) for key in ("p_real", "p_fake", "ra_real", "ra_fake")},
    }
    if centers is None:
        return {
            **result,
            "modes": None,
            "hq": None,
            "final_modes": None,
            "final_hq": None,
            "n_modes": 0,
            "lost_modes": None,
            "missing_modes": None,
        }
    modes, hq = history.metric("modes")[1], history.metric("hq")[1]
    ended = not history.diverged
    return {
        **result,
        "modes": modes,
        "hq": hq,
        "final_modes": int(modes[-1]) if ended else None,
        "final_hq": float(hq[-1]) if ended else None,
        "n_modes": len(centers),
        "lost_modes": int((covered_ever & (last["counts"] < 20)).sum()) if ended else None,
        "missing_modes": len(centers) - int(modes[-1]) if ended else None,
    }
