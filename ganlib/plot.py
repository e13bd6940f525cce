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
    "plot_game_1d",
    "plot_samples_2d",
    "plot_critic_field",
    "plot_moves",
    "plot_history",
    "plot_generator_gradients",
    "plot_runs",
    "plot_study_curves",
    "plot_run_samples",
    "plot_final_hq",
    "digit_montage",
    "plot_digit_runs",
    "plot_class_histograms",
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


def _color(label, colors=None):
    """``colors[label]`` where given, else the book's colour for the loss or recipe ``label``."""
    return (colors or {}).get(label) or loss_color(str(label))


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


def plot_game_1d(ax, x, p_data, snap, z=None):
    """The original paper's Figure 1 for one :class:`ganlib.stages.GameSnapshot` ``snap`` on the grid ``x``.

    p_data dotted, p_g solid, D dashed; below them the mapping x = G(z) of the latents ``z``
    (default nine points in [-2, 2]) as lines from the z axis (at height -0.45) to the x axis
    (at -0.1), drawn from G's law: x = mean + std z.
    """
    ax.plot(x, p_data, ":", color=PALETTE["data"], lw=2, label="p_data")
    ax.plot(x, snap.p_g, color=PALETTE["generator"], label="p_g")
    ax.plot(x, snap.d, "--", color=PALETTE["discriminator"], label="D")
    for z_ in np.linspace(-2, 2, 9) if z is None else z:
        ax.plot([z_, snap.law.mean + snap.law.std * z_], [-0.45, -0.1], color="gray", lw=0.6)
    ax.axhline(-0.1, color="black", lw=0.5)
    ax.axhline(-0.45, color="black", lw=0.5)
    ax.set_ylim(-0.5, 1.05)
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


def plot_critic_field(ax, critic, xlim, ylim, level=None, transform=None, n=141, cmap="RdBu_r"):
    """Filled contours of a 2-D critic over the box ``xlim`` x ``ylim`` (``n`` x ``n`` points), with a colour bar.

    ``transform`` maps the critic's outputs first (``torch.sigmoid`` shows a discriminator's
    P(real)); ``level`` draws that contour as a black line (a decision boundary).
    """
    import torch

    xx, yy = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    points = torch.tensor(np.stack([xx.ravel(), yy.ravel()], 1), dtype=torch.float32)
    with torch.no_grad():
        out = critic(points.to(next(critic.parameters()).device))
        field = (out if transform is None else transform(out)).cpu().numpy().reshape(xx.shape)
    filled = ax.contourf(xx, yy, field, levels=20, cmap=cmap, alpha=0.6)
    if level is not None:
        ax.contour(xx, yy, field, levels=[level], colors="k", linewidths=1.5)
    ax.figure.colorbar(filled, ax=ax, fraction=0.046)
    return ax


def plot_moves(ax, points, moves, label=None, color=None):
    """2-D points drawn as stars, each with an arrow along its row of ``moves``, the longest arrow one unit long."""
    points, moves = (np.asarray(a.detach().cpu() if hasattr(a, "detach") else a) for a in (points, moves))
    scale = 1.0 / max(np.linalg.norm(moves, axis=1).max(), 1e-12)
    color = color or PALETTE["other"]
    ax.quiver(*points.T, *(moves * scale).T, angles="xy", scale_units="xy", scale=1, color=color, width=0.006)
    ax.scatter(points[:, 0], points[:, 1], marker="*", s=90, color=color, label=label)
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


def plot_generator_gradients(axes, gradients, p_fake, labels=None):
    """What a frozen G would receive while D trains against it: two panels (chapters 3 and 4).

    ``axes[0]``: for each loss in ``gradients`` (``{"step", "mean"}``, and ``"std"`` drawn as a
    band), the norm of the gradient its generator loss sends G, log scale, in the loss's colour,
    named by ``labels`` (default the loss's name). ``axes[1]``: ``p_fake = (steps, values)``, the
    mean D(G(z)) as D wins.
    """
    for name, g in gradients.items():
        color = loss_color(name)
        axes[0].semilogy(g["step"], g["mean"], color=color, label=(labels or {}).get(name, name))
        if "std" in g:
            low = np.clip(g["mean"] - g["std"], 1e-12, None)  # the band stays on the log scale
            axes[0].fill_between(g["step"], low, g["mean"] + g["std"], color=color, alpha=0.2)
    axes[0].set(
        xlabel="discriminator steps (G frozen)",
        ylabel=r"$\|\nabla_\theta J^{(G)}\|$",
        title="the gradient G would receive",
    )
    axes[0].legend(fontsize=8)
    axes[1].semilogy(*p_fake, color=PALETTE["discriminator"])
    axes[1].set(xlabel="discriminator steps", ylabel="mean $D(G(z))$", title="the discriminator wins")
    return axes


def plot_runs(ax, runs, key, group="loss", colors=None, x="step", **style):
    """One curve per run of ``r[x]`` against ``r[key]``, coloured by the spec field ``group``, one legend entry a group.

    ``colors`` maps a group value to a colour (default :func:`loss_color`); ``style`` goes to ``ax.plot``.
    """
    seen = set()
    for r in runs:
        label = r["spec"][group]
        ax.plot(r[x], r[key], color=_color(label, colors), label=None if label in seen else str(label), **style)
        seen.add(label)
    return ax


# how a score of the runs is drawn over training: its axis label, range and scale
CURVES = {
    "modes": {"ylabel": "modes covered"},
    "hq": {"ylabel": "high-quality ratio", "ylim": (0, 1)},
    "w1": {"ylabel": "W1 to the data (POT)", "yscale": "log"},
}


def plot_study_curves(runs, keys, by="dataset", group="loss", colors=None, **style):
    """A figure of scores over training: a column per value of the spec field ``by``, a row per score in ``keys``.

    Each panel is :func:`plot_runs` of one score for the runs of one column (a curve per run,
    coloured by ``group``); a ``"modes"`` panel also marks the mixture's number of modes. A
    score in :data:`CURVES` gets its label, range and scale. Returns ``(fig, axes)``, axes of
    shape (len(keys), columns).
    """
    import matplotlib.pyplot as plt

    columns = list(dict.fromkeys(r["spec"][by] for r in runs))
    fig, axes = plt.subplots(len(keys), len(columns), figsize=(4.6 * len(columns), 3.2 * len(keys)), squeeze=False)
    for j, value in enumerate(columns):
        chosen = [r for r in runs if r["spec"][by] == value]
        for i, key in enumerate(keys):
            look = CURVES.get(key, {"ylabel": key})
            plot_runs(axes[i, j], chosen, key, group=group, colors=colors, **style)
            if key == "modes":
                axes[i, j].axhline(chosen[0]["n_modes"], color=PALETTE["data"], ls=":", lw=1)
            axes[i, j].set(title=f"{value}: {look['ylabel']}", xlabel="generator step", **look)
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig, axes


def plot_run_samples(runs, rows="dataset", cols="loss", real=0, colors=None, size=2, seed=0):
    """The last samples of 2-D runs on a grid of panels: a row per value of the spec field ``rows``, a column per
    value of ``cols``, the first run of each cell.

    Mode centres are marked and a title gives the modes covered, or the last W1 on the swiss
    roll; ``real > 0`` draws that many samples of the run's data set underneath (seeded by
    ``seed``). Axes span 1.5 times the farthest mode centre (3 on the swiss roll). Returns
    ``(fig, axes)``.
    """
    import matplotlib.pyplot as plt
    import torch

    from .data import swiss_roll
    from .runs.mixture import mixture

    row_values = list(dict.fromkeys(r["spec"][rows] for r in runs))
    col_values = list(dict.fromkeys(r["spec"][cols] for r in runs))
    shape = (len(row_values), len(col_values))
    fig, axes = plt.subplots(*shape, figsize=(2.8 * shape[1], 2.8 * shape[0]), squeeze=False)
    drawn = set()
    for r in runs:
        cell = (row_values.index(r["spec"][rows]), col_values.index(r["spec"][cols]))
        if cell in drawn:
            continue
        drawn.add(cell)
        dataset, gen = r["spec"]["dataset"], torch.Generator().manual_seed(seed)
        data = None if dataset == "swissroll" else mixture(dataset, r["spec"].get("std"))
        x_real = None
        if real:
            x_real = swiss_roll(real, generator=gen) if data is None else data.sample(real, gen)
        score = f"W1 {r['w1'][-1]:.2f}" if data is None else f"{r['final_modes']}/{r['n_modes']} modes"
        plot_samples_2d(
            x_real,
            r["samples"],
            centers=None if data is None else data.centers,
            ax=axes[cell],
            limit=3 if data is None else 1.5 * float(np.abs(data.centers).max()),
            color=_color(r["spec"][cols], colors),
            size=size,
            title=f"{r['spec'][rows]}: {r['spec'][cols]}\n{score}",
        )
    fig.tight_layout()
    return fig, axes


def plot_final_hq(ax, groups):
    """The final high-quality ratio of every run, a column of dots per group; ``groups`` maps a label to its runs.

    A dot is filled when its run ended with every mode covered, the share of such runs is
    written above the column, and a bar beside it shows the mean and std (ddof 0).
    """
    for i, (label, runs) in enumerate(groups.items()):
        hq = np.array([r["final_hq"] for r in runs])
        full = np.array([r["final_modes"] == r["n_modes"] for r in runs])
        color = loss_color(str(label))
        jitter = np.linspace(-0.15, 0.15, len(runs))
        ax.scatter(i + jitter, hq, c=[color if f else "white" for f in full], edgecolors=color, s=30, zorder=3)
        ax.errorbar(i + 0.3, hq.mean(), yerr=hq.std(), fmt="_", color=PALETTE["data"], capsize=4, ms=12)
        ax.text(i, 1.02, f"{full.mean():.0%}", ha="center", fontsize=8)
    ax.set(xticks=range(len(groups)), xticklabels=list(groups), ylim=(0, 1.1), ylabel="final high-quality ratio")
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
        curves.semilogy(r["step"], r["fd"], marker="o", color=_color(label, colors), label=label)
    if fd_floor is not None:
        curves.axhline(fd_floor, color=PALETTE["data"], ls=":", label="floor (real vs real)")
    curves.set(xlabel="generator step", ylabel="digit-FD", title="distance to held-out digits")
    curves.legend(fontsize=8)
    return axes


def plot_class_histograms(ax, runs, labels, colors=None):
    """Side by side, the share of each digits run's samples in each class (``r["histogram"]``); 1/10 marked."""
    width = 0.8 / len(runs)
    for i, (r, label) in enumerate(zip(runs, labels)):
        shares = r["histogram"] / r["histogram"].sum()
        ax.bar(
            np.arange(10) + (i - (len(runs) - 1) / 2) * width, shares, width, label=label, color=_color(label, colors)
        )
    ax.axhline(0.1, color=PALETTE["data"], ls=":")
    ax.set(xticks=range(10), xlabel="class the classifier assigns", ylabel="share of samples", title="class histogram")
    ax.legend(fontsize=8)
    return ax
