"""Seeding and device choice, shared by the runner, the notebooks and the benchmarks."""

from __future__ import annotations

import random

import numpy as np
import torch

__all__ = ["seed_everything", "resolve_device", "setup", "DEVICES"]

DEVICES = ("auto", "cpu", "cuda")


def seed_everything(seed):
    """Seed Python's, NumPy's and torch's global generators with any ``seed`` in [0, 2**64), torch's range."""
    seed = int(seed)
    if not 0 <= seed < 2**64:
        raise ValueError(f"seed must be in [0, 2**64), got {seed}")
    random.seed(seed)
    # NumPy's legacy seed takes 32 bits; a larger seed goes in as two words (smaller ones as before)
    np.random.seed(seed if seed < 2**32 else [seed & 0xFFFFFFFF, seed >> 32])
    torch.manual_seed(seed)


def resolve_device(name="auto"):
    """ "auto" -> "cuda" when a GPU is visible, else "cpu"; "cuda" without CUDA is an error."""
    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}; choose one of: {', '.join(DEVICES)}")
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for, but CUDA is not available on this machine")
    return name


def setup(seed=0, device="auto"):
    """A notebook's first call: seed everything, make torch deterministic, set the plot theme.

    Returns the ``torch.device`` to use.
    """
    from .plot import set_theme

    seed_everything(seed)
    # warn_only: a few CUDA kernels have no deterministic version; CPU runs are fully repeatable
    torch.use_deterministic_algorithms(True, warn_only=True)
    set_theme()
    return torch.device(resolve_device(device))
