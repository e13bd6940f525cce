"""Plots of the book: one seaborn theme and a few figure helpers every chapter shares."""

from __future__ import annotations

import matplotlib
import numpy as np

__all__ = [
    "set_theme",
    "PALETTE",
    "LOSS_COLORS",
    "loss_color",
    "plot_densities",
    "plot_samples_2d",
    "plot_history",
    "plot_runs",
    "digit_montage",
    "plot_digit_runs",
]

# real data, generator, discriminator, extra curves: the same colour means the same thing in
# every chapter
PALETTE = {"data": "#222222", "generator": "#2a9d8f", "discriminator": "#3a6ea5", "other": "#e76f51"}

# one colour per loss for the whole book: a loss keeps its colour from chapter to chapter
LOSS_COLORS = {
    "minimax": "#e76f51",
    "non_saturating": "#2a9d8f",
    "max_likelihood": "#8e6bb8",
    "rsgan": "#3a6ea5",
    "rasgan": "#e9a23b",
    "wgan": "#9c6644",
    "wgan_gp": "#264653",
    "lsgan": "#d62839",
    "ralsgan": "#7cb518",
}


def loss_color(name):
    """The book's colour for a loss (its recipe name also works: ``"wgan_gp_toy"`` is WGAN-GP's colour)."""
    for key in sorted(LOSS_COLORS, key=len, reverse=True):
        if name == key or name.startswith(key + "_") or name.startswith(key + ":"):
            return LOSS_COLORS[key]
    return PALETTE["other"]


def set_theme():
    """The book's look: seaborn's whitegrid, a colour-blind palette, crisp small figures."""
    import seaborn as sns

    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    matplotlib.rcParams.update(
        {
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.titlesize": "medium",
            "legend.frameon": False,
        }
    )


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


def plot_samples_2d(real=None, fake=None, centers=None, ax=None, title=None, limit=None, color=None, size=3):
    """Scatter real and generated 2-D samples (``color``: the generated ones'), with the mode centres marked."""
    ax = _axes(ax)
    as_np = lambda t: t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)
    if real is not None:
        r = as_np(real)
        ax.scatter(r[:, 0], r[:, 1], s=size, alpha=0.3, color=PALETTE["data"], label="real")
    if fake is not None:
        f = as_np(fake)
        ax.scatter(f[:, 0], f[:, 1], s=size, alpha=0.4, color=color or PALETTE["generator"], label="generated")
    if centers is not None:
        c = np.asarray(centers)
        ax.scatter(c[:, 0], c[:, 1], marker="x", s=30, color=PALETTE["other"], label="mode centres")
    if limit is not None:
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
    ax.set(aspect="equal", xticks=[], yticks=[])
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


def plot_runs(ax, runs, key, group="loss", colors=None, x="step", **style):
    """One curve per run of ``r[x]`` against ``r[key]``, coloured by the spec field ``group``, one legend entry a group.

    ``colors`` maps a group value to a colour (default :func:`loss_color`); ``style`` goes to ``ax.plot``.
    """
    seen = set()
    for r in runs:
        label = r["spec"][group]
        color = (colors or {}).get(label) or loss_color(str(label))
        ax.plot(r[x], r[key], color=color, label=None if label in seen else str(label), **style)
        seen.add(label)
    return ax


def digit_montage(images, rows=6, cols=6, gap=1):
    """A (rows, cols) grid of square images (N, 1, s, s) with ``gap`` blank pixels between tiles, blank = NaN."""
    images = np.asarray(images)[: rows * cols, 0]
    side = images.shape[-1]
    out = np.full((rows * (side + gap) - gap, cols * (side + gap) - gap), np.nan)
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        out[r * (side + gap) : r * (side + gap) + side, c * (side + gap) : c * (side + gap) + side] = img
    return out


def plot_digit_runs(runs, labels, axes, fd_floor=None, colors=None):
    """Samples of each digits run (a montage per run on ``axes[:len(runs)]``) and their digit-FD over training on
    the next axis; ``labels`` names the runs, ``colors`` maps a label to a colour (default :func:`loss_color`)."""
    for ax, r, label in zip(axes, runs, labels):
        ax.imshow(digit_montage(r["samples"]), cmap="gray_r", vmin=-1, vmax=1)
        ax.set(xticks=[], yticks=[], title=f"{label}: digit-FD {r['final_fd']:.0f}")
    curves = axes[len(runs)]
    for r, label in zip(runs, labels):
        curves.semilogy(
            r["step"], r["fd"], marker="o", color=(colors or {}).get(label) or loss_color(label), label=label
        )
    if fd_floor is not None:
        curves.axhline(fd_floor, color=PALETTE["data"], ls=":", label="floor (real vs real)")
    curves.set(xlabel="generator step", ylabel="digit-FD", title="distance to held-out digits")
    curves.legend(fontsize=8)
    return axes
