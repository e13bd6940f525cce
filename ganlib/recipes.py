"""Papers' training recipes as data, each with where its numbers come from.

A :class:`Recipe` is a name, a source and a :class:`ganlib.train.TrainConfig` (loss, optimiser,
learning rates, betas, batch size, critic steps, penalties); ``recipe.config(steps=..., seed=...)``
gives the config of one run. Chapters and benchmarks take their settings from here, so that a
paper's numbers are written once, and a table of them (:func:`recipe_row`) says what each run
used. Where a paper and its official code disagree, the source says which one is followed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .penalties import GradientPenalty, R1Penalty, WeightClipping
from .train import TrainConfig

__all__ = ["Recipe", "RECIPES", "get_recipe", "recipe_row"]


@dataclass(frozen=True)
class Recipe:
    """A named training setting with its source; :meth:`config` makes a run's :class:`TrainConfig`."""

    name: str
    source: str  # paper section or official code (repository, file, variables)
    train: TrainConfig
    notes: str = ""  # what the recipe leaves out of the source, if anything

    def config(self, **overrides):
        """The recipe's :class:`TrainConfig` with some fields replaced (steps, seed, log_every, ...)."""
        return replace(self.train, **overrides)

    def replace(self, **overrides):
        """The same recipe with some training fields changed (a batch size for other data, say); the name stays."""
        changed = ", ".join(f"{k} {v}" for k, v in overrides.items())
        return replace(
            self, train=self.config(**overrides), notes="; ".join(filter(None, [self.notes, f"here: {changed}"]))
        )


def _constraint(config):
    parts = []
    for p in config.penalties:
        if isinstance(p, WeightClipping):
            parts.append(f"clip weights to +-{p.clip:g}")
        elif isinstance(p, GradientPenalty):
            parts.append(f"gradient penalty, lambda {p.gp_weight:g}, target {p.target:g}")
        elif isinstance(p, R1Penalty):
            parts.append(f"R1, gamma {p.gamma:g}" + (f", every {p.interval} steps" if p.interval > 1 else ""))
        else:
            parts.append(type(p).__name__)
    return "; ".join(parts) or "none"


def recipe_row(recipe):
    """One table row describing ``recipe``: loss, optimiser, critic steps, constraint, source."""
    c = recipe.train
    optimizer = {
        "adam": f"Adam, lr {c.lr_d:g}"
        + (f" (G {c.lr_g:g})" if c.lr_g != c.lr_d else "")
        + f", betas ({c.beta1:g}, {c.beta2:g})",
        "rmsprop": f"RMSProp, lr {c.lr_d:g}" + (f" (G {c.lr_g:g})" if c.lr_g != c.lr_d else ""),
        "sgd": f"SGD, lr {c.lr_d:g}, momentum {c.momentum:g}",
    }[c.optimizer]
    return {
        "recipe": recipe.name,
        "loss": c.loss if isinstance(c.loss, str) else type(c.loss).__name__,
        "optimizer": optimizer + (", annealed to 0" if c.anneal else ""),
        "batch": c.batch_size,
        "critic steps per G step": c.d_steps,
        "constraint": _constraint(c),
        "source": recipe.source,
    }


_RECIPES = [
    Recipe(
        "dcgan",
        "Radford et al. 2016, section 4: Adam 2e-4 (1e-3 too high), beta1 0.5 (0.9 oscillated), batch 128",
        TrainConfig(loss="non_saturating", lr_g=2e-4, lr_d=2e-4, beta1=0.5, beta2=0.999, batch_size=128),
    ),
    Recipe(
        "wgan",
        "martinarjovsky/WassersteinGAN main.py: RMSprop lrD = lrG = 5e-5, clamp +-0.01, Diters 5, batchSize 64",
        TrainConfig(
            loss="wgan",
            optimizer="rmsprop",
            lr_g=5e-5,
            lr_d=5e-5,
            d_steps=5,
            batch_size=64,
            penalties=(WeightClipping(0.01),),
        ),
        notes="the code's 100 critic steps for the first 25 and every 500th generator step are left out",
    ),
    Recipe(
        "wgan_gp",
        "Gulrajani et al. 2017, Algorithm 1: lambda 10, n_critic 5, Adam 1e-4, betas (0, 0.9); batch 64 "
        "(improved_wgan_training gan_cifar.py)",
        TrainConfig(
            loss="wgan",
            lr_g=1e-4,
            lr_d=1e-4,
            beta1=0.0,
            beta2=0.9,
            d_steps=5,
            batch_size=64,
            penalties=(GradientPenalty(10.0, target=1.0),),
        ),
        notes="the official image code uses betas (0.5, 0.9)",
    ),
    Recipe(
        "wgan_toy",
        "improved_wgan_training gan_toy.py, MODE 'wgan': RMSProp 5e-5, clip +-0.01, CRITIC_ITERS 5, "
        "BATCH_SIZE 256, 3x512 ReLU MLPs, data divided by its std",
        TrainConfig(
            loss="wgan",
            optimizer="rmsprop",
            lr_g=5e-5,
            lr_d=5e-5,
            d_steps=5,
            batch_size=256,
            penalties=(WeightClipping(0.01),),
        ),
    ),
    Recipe(
        "wgan_gp_toy",
        "improved_wgan_training gan_toy.py: LAMBDA 0.1, CRITIC_ITERS 5, BATCH_SIZE 256, Adam 1e-4, "
        "betas (0.5, 0.9), 3x512 ReLU MLPs, data divided by its std",
        TrainConfig(
            loss="wgan",
            lr_g=1e-4,
            lr_d=1e-4,
            beta1=0.5,
            beta2=0.9,
            d_steps=5,
            batch_size=256,
            penalties=(GradientPenalty(0.1, target=1.0),),
        ),
    ),
    Recipe(
        "lsgan",
        "xudonmao/LSGAN train_lsun.py: Adam 1e-3, beta1 0.5, batch 64, 0-1-1 coding (2e-4 for the other data sets)",
        TrainConfig(loss="lsgan", lr_g=1e-3, lr_d=1e-3, beta1=0.5, beta2=0.999, batch_size=64),
    ),
    Recipe(
        "lsgan_mixture",
        "xudonmao/LSGAN stability_comparison/mixture_gaussian/ls.py: Adam, G 1e-3, D 1e-4, beta1 0.5, batch 512",
        TrainConfig(loss="lsgan", lr_g=1e-3, lr_d=1e-4, beta1=0.5, beta2=0.999, batch_size=512),
    ),
    Recipe(
        "stylegan",
        "NVlabs/stylegan train.py: non-saturating logistic loss, R1 gamma 10 on every D step, "
        "Adam 1e-3, betas (0, 0.99) (resolutions up to 64)",
        TrainConfig(
            loss="non_saturating",
            lr_g=1e-3,
            lr_d=1e-3,
            beta1=0.0,
            beta2=0.99,
            batch_size=32,
            penalties=(R1Penalty(gamma=10.0),),
        ),
        notes="Adam's epsilon 1e-8 is torch's default; G's moving average is a hook (ganlib.train.EMA)",
    ),
    Recipe(
        "ns_zero_gp_annealed",
        "this book's 25-grid recipe (benchmarks/time_to_quality.py): non-saturating loss, "
        "zero-centred penalty (Thanh-Tung et al. 2019) weight 1, Adam 2e-3, betas (0.5, 0.999), batch 256, "
        "learning rates and penalty annealed linearly to 0",
        TrainConfig(
            loss="non_saturating",
            lr_g=2e-3,
            lr_d=2e-3,
            beta1=0.5,
            beta2=0.999,
            batch_size=256,
            penalties=(GradientPenalty(1.0, target=0.0),),
            anneal=True,
        ),
    ),
]
RECIPES: dict[str, Recipe] = {r.name: r for r in _RECIPES}


def get_recipe(name):
    """The :class:`Recipe` registered under ``name``; a clear error lists the valid names."""
    if isinstance(name, Recipe):
        return name
    try:
        return RECIPES[name]
    except KeyError:
        raise ValueError(f"unknown recipe {name!r}; choose one of: {', '.join(RECIPES)}") from None
