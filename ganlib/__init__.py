"""ganlib: the small PyTorch library behind the GAN book.

One idea per module: :mod:`~ganlib.info` (information theory), :mod:`~ganlib.data` (data sets),
:mod:`~ganlib.losses` (GAN losses by name), :mod:`~ganlib.models` (networks),
:mod:`~ganlib.loss_terms` (the f1, f2, g1, g2 notation), :mod:`~ganlib.train` (the alternating loop),
:mod:`~ganlib.metrics`, :mod:`~ganlib.digit_metrics` (image metrics without Inception),
:mod:`~ganlib.experiments` (runs described by frozen specs), :mod:`~ganlib.batch` (many runs
at once), :mod:`~ganlib.plot`,
:mod:`~ganlib.results` (what a notebook records and checks), :mod:`~ganlib.runtime` (seeding,
devices) and :mod:`~ganlib.runner` (``python -m ganlib``).
"""
__version__ = "0.1.0"

from . import data, info, loss_terms, losses, metrics, models, plot, results, runtime, train
from .losses import LOSSES, get_loss
from .results import check, record
from .runtime import resolve_device, seed_everything, setup
from .train import History, TrainConfig, train_gan

__all__ = [
    "__version__",
    "data", "info", "loss_terms", "losses", "metrics", "models", "plot", "results", "runtime", "train",
    "LOSSES", "get_loss", "check", "record", "resolve_device", "seed_everything", "setup",
    "History", "TrainConfig", "train_gan",
]
