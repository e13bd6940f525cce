"""The registry of run specs: each spec type knows the one function that runs it."""

from __future__ import annotations

from dataclasses import fields

from ..recipes import get_recipe
from ..train import TrainConfig

__all__ = ["RUNNERS", "register", "run_spec", "RunSpec", "TRAINING_FIELDS"]

RUNNERS: dict = {}

# the fields a run spec shares with TrainConfig: one name per idea, copied by from_recipe
TRAINING_FIELDS = (
    "loss",
    "optimizer",
    "lr_g",
    "lr_d",
    "beta1",
    "beta2",
    "momentum",
    "penalties",
    "d_steps",
    "batch_size",
)


def register(spec_type):
    """Decorator: ``@register(MySpec)`` on ``def run_mine(spec)`` makes :func:`run_spec` run MySpec with it."""

    def decorate(run):
        RUNNERS[spec_type] = run
        return run

    return decorate


def run_spec(spec):
    """Run any registered spec (one function for a batch that mixes spec types)."""
    run = RUNNERS.get(type(spec))
    if run is None:
        known = ", ".join(t.__name__ for t in RUNNERS)
        raise TypeError(f"no runner registered for {type(spec).__name__}; registered specs: {known}")
    return run(spec)


class RunSpec:
    """Base of the frozen run specs: training fields as in :class:`TrainConfig`, built from a recipe or by hand.

    A subclass is a frozen dataclass with at least ``steps``, ``evals``, ``seed`` and the
    :data:`TRAINING_FIELDS`, plus a ``recipe`` label.
    """

    @classmethod
    def from_recipe(cls, recipe, **fields_):
        """A spec whose training fields come from ``recipe`` (a name or a Recipe), the rest from ``fields_``."""
        recipe = get_recipe(recipe)
        names = {f.name for f in fields(cls)}
        taken = {name: getattr(recipe.train, name) for name in TRAINING_FIELDS if name in names}
        return cls(**{**taken, "recipe": recipe.name, **fields_})

    def train_config(self):
        """The :class:`TrainConfig` this run trains with."""
        return TrainConfig(
            steps=self.steps,
            log_every=max(self.steps // self.evals, 1),
            seed=self.seed,
            **{name: getattr(self, name) for name in TRAINING_FIELDS},
        )
