"""ganlib: the small PyTorch library behind the GAN book.

One idea per module: :mod:`~ganlib.info` (information theory), :mod:`~ganlib.data` (data sets),
:mod:`~ganlib.losses` (GAN losses by name), :mod:`~ganlib.models` (networks),
:mod:`~ganlib.loss_terms` (the f1, f2, g1, g2 notation), :mod:`~ganlib.penalties` (gradient
penalty, R1, clipping), :mod:`~ganlib.recipes` (papers' training settings with their sources;
:mod:`~ganlib.rgan_recipes`, the relativistic-GAN paper's grid of them),
:mod:`~ganlib.train` (the alternating loop, with hooks), :mod:`~ganlib.stages` (training in
stages, the 1-D game read after each), :mod:`~ganlib.probes` (gradient probes),
:mod:`~ganlib.densities` (V(G, D), D* and divergences on 1-D grids), :mod:`~ganlib.estimators`
(divergences read off a trained discriminator), :mod:`~ganlib.metrics`,
:mod:`~ganlib.digit_metrics` (image metrics without Inception), :mod:`~ganlib.runs` (runs
described by frozen specs, with a registry), :mod:`~ganlib.batch` (many runs at once),
:mod:`~ganlib.study` (grids of runs: select, summarise, compare), :mod:`~ganlib.collapse` (mode-collapse
claims judged only where collapse shows), :mod:`~ganlib.realism` (how real D finds real and fake samples,
read plainly and relativistically), :mod:`~ganlib.reach` (time to quality), :mod:`~ganlib.plot`,
:mod:`~ganlib.tables` (the one Markdown table renderer),
:mod:`~ganlib.results` (what a notebook records and checks), :mod:`~ganlib.stats` (claims judged
over seeds: bootstrap intervals, a rank test, rules stated before the run; imported on its own,
as it loads SciPy) and :mod:`~ganlib.runtime` (seeding, devices). The book's tooling
(``python -m ganbook``) lives in the separate package ganbook.
"""

__version__ = "0.1.0"

from . import data, info, loss_terms, losses, metrics, models, penalties, plot, recipes, results, runtime, train
from .losses import LOSSES, get_loss
from .results import check, record
from .runtime import resolve_device, seed_everything, setup
from .train import History, TrainConfig, train_gan

__all__ = [
    "__version__",
    "data",
    "info",
    "loss_terms",
    "losses",
    "metrics",
    "models",
    "penalties",
    "plot",
    "recipes",
    "results",
    "runtime",
    "train",
    "LOSSES",
    "get_loss",
    "check",
    "record",
    "resolve_device",
    "seed_everything",
    "setup",
    "History",
    "TrainConfig",
    "train_gan",
]
