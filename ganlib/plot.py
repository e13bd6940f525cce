"""Plots of the book: one seaborn theme and a few figure helpers every chapter shares."""
from __future__ import annotations

import matplotlib

import numpy as np

__all__ = ["set_theme", "PALETTE", "plot_densities", "plot_samples_2d", "plot_history"]

# real data, generator, discriminator, extra curves: the same colour means the same thing in
# every chapter
PALETTE = {"data": "#222222", "generator": "#2a9d8f", "discriminator": "#3a6ea5", "other": "#e76f51"}


def set_theme():
    """The book's look: seaborn's whitegrid, a colour-blind palette, crisp small figures."""
    import seaborn as sns

    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    matplotlib.rcParams.update({"figure.figsize": (6.4, 3.6), "figure.dpi": 100, "savefig.dpi": 100,
                                "axes.titlesize": "medium", "legend.frameon": False})


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def plot_densities(x, curves, ax=None, title=None, styles=None):
    """Draw named curves over the grid ``x``; ``curves`` maps a label to its values.

    ``styles`` maps a label to keyword arguments for ``ax.plot`` (colour, dashes, ...).
    """
    ax = _axes(ax)
    for label, y in curves.items():
        ax.plot(x, np.asarray(y), label=label, **(styles or {}).get(label, {}))
    ax.set_xlabel("x")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_samples_2d(real=None, fake=None, centers=None, ax=None, title=None, limit=None):
    """Scatter real and generated 2-D samples, with the mixture's mode centres marked."""
    ax = _axes(ax)
    as_np = lambda t: t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)
    if real is not None:
        r = as_np(real)
        ax.scatter(r[:, 0], r[:, 1], s=3, alpha=0.4, color=PALETTE["data"], label="real")
    if fake is not None:
        f = as_np(fake)
        ax.scatter(f[:, 0], f[:, 1], s=3, alpha=0.4, color=PALETTE["generator"], label="generated")
    if centers is not None:
        c = np.asarray(centers)
        ax.scatter(c[:, 0], c[:, 1], marker="x", s=30, color=PALETTE["other"], label="mode centres")
    if limit is not None:
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax


def plot_history(history, ax=None, title="training curves", smooth=25):
    """Discriminator and generator losses of a :class:`ganlib.train.History`, smoothed."""
    ax = _axes(ax)
    kernel = np.ones(smooth) / smooth
    for name, color in (("d_loss", PALETTE["discriminator"]), ("g_loss", PALETTE["generator"])):
        y = getattr(history, name)
        if len(y) >= smooth:
            y = np.convolve(y, kernel, mode="valid")
        ax.plot(np.arange(1, len(y) + 1), y, label=name, color=color)
    ax.set_xlabel("generator step")
    ax.set_title(title)
    ax.legend()
    return ax
