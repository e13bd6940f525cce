"""Standard training runs, each described by a frozen spec and run by one function.

Chapters run these in batches (:func:`ganlib.batch.run_batch`): losses x seeds x optimiser
settings. A spec holds everything that decides the outcome, so a result can be traced to it and
a run repeated from it alone.

- :class:`MixtureRun` / :func:`run_mixture`: an MLP GAN on a 2-D Gaussian mixture (ring or
  grid), scored over training by modes covered and high-quality ratio
  (:func:`ganlib.metrics.mode_coverage`).
- :class:`DigitsRun` / :func:`run_digits`: a DCGAN or an MLP GAN on scikit-learn's digits,
  scored by the digit Frechet distance and the class histogram (:mod:`ganlib.digit_metrics`).

:func:`summarize_mixture_runs` turns many results into one row per group (loss and setting, say):
mean and spread of the final scores, and the share of runs that end covering every mode.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, fields

import numpy as np
import torch
from torch import nn

from .data import grid_mixture, ring_mixture, swiss_roll
from .metrics import mode_coverage, wasserstein1
from .models import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from .recipes import get_recipe
from .train import TrainConfig, train_gan

__all__ = ["MixtureRun", "run_mixture", "mixture", "DigitsRun", "run_digits", "run_spec", "summarize_mixture_runs",
           "markdown_table"]

_MIXTURES = {"ring": ring_mixture, "grid": grid_mixture}


# the fields a run spec shares with TrainConfig: one name per idea, copied by from_recipe
_TRAINING_FIELDS = ("loss", "optimizer", "lr_g", "lr_d", "beta1", "beta2", "momentum", "penalties", "d_steps",
                    "batch_size")


class _FromRecipe:
    """``Spec.from_recipe(recipe, **fields)``: a spec trained as a paper's recipe says, other fields as given."""

    @classmethod
    def from_recipe(cls, recipe, **fields_):
        """A spec whose training fields come from ``recipe`` (a name or a Recipe), the rest from ``fields_``."""
        recipe = get_recipe(recipe)
        taken = {name: getattr(recipe.train, name) for name in _TRAINING_FIELDS if name in cls._field_names()}
        return cls(**{**taken, "recipe": recipe.name, **fields_})

    @classmethod
    def _field_names(cls):
        return {f.name for f in fields(cls)}

    def train_config(self):
        """The :class:`TrainConfig` this run trains with."""
        return TrainConfig(steps=self.steps, log_every=max(self.steps // self.evals, 1), seed=self.seed,
                           **{name: getattr(self, name) for name in _TRAINING_FIELDS})


def mixture(name, std=None):
    """The 2-D mixture ``"ring"`` (8 modes) or ``"grid"`` (25 modes), optionally with another std."""
    if name not in _MIXTURES:
        raise ValueError(f"unknown mixture {name!r}; choose one of: {', '.join(_MIXTURES)}")
    return _MIXTURES[name]() if std is None else _MIXTURES[name](std=std)


@dataclass(frozen=True)
class MixtureRun(_FromRecipe):
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
        return float(np.sqrt(np.mean(np.square(mix.centers)) + mix.std ** 2))


def run_mixture(spec: MixtureRun):
    """Train one :class:`MixtureRun`; returns a dict of plain numbers and arrays.

    Keys: ``spec`` (as a dict), ``step``, ``modes`` and ``hq`` over training, ``final_modes``,
    ``final_hq``, ``n_modes``, ``lost_modes`` (modes covered at some scoring but not at the end),
    ``samples`` (the last scoring's samples) and ``seconds`` (training wall time). On the swiss
    roll the mode keys are ``None`` (and ``n_modes`` 0). With ``w1_samples`` set, also ``w1`` (POT's
    exact W1 between generated and fresh real samples at each scoring) and ``critic`` (minus D's
    loss, averaged over the steps since the previous scoring: the critic's own estimate of W1 for
    the Wasserstein losses); both are empty arrays otherwise. With ``standardize`` the networks
    see data divided by :meth:`MixtureRun.data_scale`; samples, scores, ``w1`` and ``critic`` are
    all reported in the data's own units.
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
            window = history.d_loss[-config.log_every:]
            row.update(w1=wasserstein1(x[:spec.w1_samples], sample(spec.w1_samples, real_gen)),
                       critic=-float(np.mean(window)) * scale)  # back to data units (a Wasserstein estimate scales with the data)
        return row

    train_data = sample if scale == 1.0 else (lambda n, generator=None: sample(n, generator) / scale)
    t0 = time.perf_counter()
    history = train_gan(G, D, train_data, config, callbacks=[score], progress=False)
    seconds = time.perf_counter() - t0
    steps = np.array([r["step"] for r in history.metrics])
    result = {"spec": asdict(spec), "step": steps, "samples": last["samples"], "seconds": seconds,
              "w1": history.metric("w1")[1], "critic": history.metric("critic")[1]}
    if centers is None:
        return {**result, "modes": None, "hq": None, "final_modes": None, "final_hq": None, "n_modes": 0,
                "lost_modes": None}
    modes, hq = history.metric("modes")[1], history.metric("hq")[1]
    return {**result, "modes": modes, "hq": hq, "final_modes": int(modes[-1]), "final_hq": float(hq[-1]),
            "n_modes": len(centers), "lost_modes": int((covered_ever & (last["counts"] < 20)).sum())}


def summarize_mixture_runs(results, by=("loss",)):
    """One row per group of results (grouped by the spec fields in ``by``), in first-seen order.

    Each row: the group's fields, ``runs``, ``modes_mean`` / ``modes_std`` and ``hq_mean`` /
    ``hq_std`` of the final scores (std across runs, ddof 0), ``all_modes_share`` (runs ending
    with every mode covered) and ``lost_modes`` (summed over the group's runs).
    """
    groups = {}
    for r in results:
        groups.setdefault(tuple(r["spec"][k] for k in by), []).append(r)
    rows = []
    for key, runs in groups.items():
        modes = np.array([r["final_modes"] for r in runs], dtype=float)
        hq = np.array([r["final_hq"] for r in runs])
        rows.append({**dict(zip(by, key)), "runs": len(runs), "modes_mean": modes.mean(), "modes_std": modes.std(),
                     "hq_mean": hq.mean(), "hq_std": hq.std(),
                     "all_modes_share": float(np.mean([r["final_modes"] == r["n_modes"] for r in runs])),
                     "lost_modes": int(sum(r["lost_modes"] for r in runs))})
    return rows


def markdown_table(rows, digits=2):
    """A Markdown table of a list of flat dicts (floats rounded to ``digits``)."""
    if not rows:
        raise ValueError("markdown_table needs at least one row")
    head = list(rows[0])
    cell = lambda v: f"{v:.{digits}f}" if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(cell(r[k]) for k in head) + " |" for r in rows]
    return "\n".join(lines)


class _FlatGenerator(nn.Module):
    """An MLP generator whose outputs are squashed by tanh and shaped as 8x8 images."""

    def __init__(self, latent_dim, hidden, depth):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = MLPGenerator(latent_dim, 64, hidden, depth)

    def forward(self, z):
        return torch.tanh(self.net(z)).view(-1, 1, 8, 8)


class _FlatDiscriminator(nn.Module):
    def __init__(self, hidden, depth):
        super().__init__()
        self.net = MLPDiscriminator(64, hidden, depth)

    def forward(self, x):
        return self.net(x.flatten(1))


@dataclass(frozen=True)
class DigitsRun(_FromRecipe):
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
    norm: str = "batch"  # DCGAN critic's normalisation: "batch", "layer" or "none" (a penalised critic needs no batch norm)
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

    def __post_init__(self):
        if self.arch not in ("dcgan", "mlp"):
            raise ValueError(f"unknown arch {self.arch!r}; choose dcgan or mlp")
        if self.norm not in DCGANDiscriminator.NORMS:
            raise ValueError(f"unknown norm {self.norm!r}; choose one of: {', '.join(DCGANDiscriminator.NORMS)}")
        self.train_config()
        if self.evals < 1 or self.n_eval < 2:
            raise ValueError("evals must be >= 1 and n_eval >= 2")

def run_digits(spec: DigitsRun):
    """Train one :class:`DigitsRun`; returns a dict of plain numbers and arrays.

    Keys: ``spec``, ``step``, ``fd`` (digit-FD to the held-out split) and ``classes_covered``
    (classes with at least 2% of the samples) over training, ``final_fd``, ``histogram`` (the
    classifier's class counts at the end), ``samples`` (64 final images), ``n_params``
    (generator, discriminator) and ``seconds`` (training wall time).
    """
    from .digit_metrics import class_histogram, digit_fd, load_digit_classifier, split_digits

    (x_train, _), (x_held_out, _) = split_digits()
    classifier = load_digit_classifier()
    torch.manual_seed(spec.seed)
    if spec.arch == "dcgan":
        G, D = DCGANGenerator(spec.latent_dim, 1, spec.width), DCGANDiscriminator(1, spec.width, norm=spec.norm)
    else:
        G, D = _FlatGenerator(spec.latent_dim, spec.hidden, spec.depth), _FlatDiscriminator(spec.hidden, spec.depth)
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
    return {"spec": asdict(spec), "step": steps, "fd": fd, "classes_covered": classes, "final_fd": float(fd[-1]),
            "histogram": np.asarray(last["histogram"]), "samples": last["samples"],
            "n_params": (count(G), count(D)), "seconds": seconds}


def run_spec(spec):
    """Run a :class:`MixtureRun` or a :class:`DigitsRun`: one function for a batch that mixes both."""
    runners = {MixtureRun: run_mixture, DigitsRun: run_digits}
    if type(spec) not in runners:
        raise TypeError(f"run_spec takes a MixtureRun or a DigitsRun, got {type(spec).__name__}")
    return runners[type(spec)](spec)
