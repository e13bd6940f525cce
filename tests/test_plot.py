"""ganlib.plot: the book's colours and figure helpers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from ganlib.losses import LOSSES  # noqa: E402
from ganlib.plot import (  # noqa: E402
    LOSS_COLORS,
    PALETTE,
    digit_montage,
    loss_color,
    plot_class_histograms,
    plot_critic_field,
    plot_digit_runs,
    plot_final_hq,
    plot_game_1d,
    plot_generator_gradients,
    plot_moves,
    plot_run_samples,
    plot_runs,
    plot_study_curves,
)


def test_every_registered_loss_has_its_own_colour():
    base = {name.split(":")[0] for name in LOSSES}
    assert base <= set(LOSS_COLORS) and len(set(LOSS_COLORS.values())) == len(LOSS_COLORS)
    assert loss_color("wgan_gp_toy") == LOSS_COLORS["wgan_gp"] and loss_color("wgan") == LOSS_COLORS["wgan"]
    assert loss_color("lsgan:-1-1-0") == LOSS_COLORS["lsgan"] and loss_color("dcgan") == PALETTE["other"]


def test_digit_montage_leaves_gaps_between_tiles():
    images = np.arange(4 * 64, dtype=float).reshape(4, 1, 8, 8)
    out = digit_montage(images, rows=2, cols=2, gap=1)
    assert out.shape == (17, 17) and np.isnan(out[8]).all() and np.isnan(out[:, 8]).all()
    assert (out[:8, :8] == images[0, 0]).all() and (out[9:, 9:] == images[3, 0]).all()


def test_run_curves_and_digit_figures_draw_one_legend_entry_per_group():
    runs = [
        {
            "spec": {"loss": loss},
            "step": [1, 2],
            "hq": [0.1, 0.2],
            "fd": [9.0, 3.0],
            "final_fd": 3.0,
            "samples": np.zeros((36, 1, 8, 8)),
        }
        for loss in ("lsgan", "lsgan", "ralsgan")
    ]
    fig, axes = plt.subplots(1, 3)
    plot_runs(axes[0], runs, "hq")
    assert [line.get_label() for line in axes[0].lines][::2] == ["lsgan", "ralsgan"]
    assert axes[0].lines[0].get_color() == LOSS_COLORS["lsgan"]
    plot_digit_runs(runs[1:], ["lsgan", "ralsgan"], axes, fd_floor=1.0)
    assert len(axes[2].lines) == 3 and axes[0].get_title() == "lsgan: digit-FD 3"
    plt.close(fig)


def _mixture_run(dataset, loss, modes, seed=0):
    return {
        "spec": {"dataset": dataset, "loss": loss, "seed": seed, "std": None},
        "step": [10, 20],
        "modes": [modes - 1, modes],
        "hq": [0.2, 0.5 + 0.1 * seed],
        "w1": [1.0, 0.5],
        "final_modes": modes,
        "n_modes": 8 if dataset == "ring" else 25,
        "final_hq": 0.5 + 0.1 * seed,
        "samples": np.zeros((10, 2)),
    }


def test_study_curves_put_a_score_per_row_and_a_data_set_per_column():
    runs = [_mixture_run("ring", "lsgan", 8), _mixture_run("grid", "lsgan", 20), _mixture_run("grid", "rsgan", 3)]
    fig, axes = plot_study_curves(runs, ("modes", "hq", "w1"))
    assert axes.shape == (3, 2) and axes[0, 1].get_title() == "grid: modes covered"
    assert axes[0, 1].lines[-1].get_ydata()[0] == 25  # the mixture's number of modes, marked
    assert len(axes[1, 1].lines) == 2 and axes[1, 1].get_ylim() == (0, 1) and axes[2, 0].get_yscale() == "log"
    plt.close(fig)


def test_run_samples_draw_the_first_run_of_each_cell_with_its_score():
    runs = [
        _mixture_run("ring", "lsgan", 7),
        _mixture_run("ring", "lsgan", 1, seed=1),
        _mixture_run("grid", "rsgan", 3),
    ]
    runs.append({**_mixture_run("swissroll", "rsgan", 0), "n_modes": 0, "final_modes": None, "w1": [0.9, 0.25]})
    fig, axes = plot_run_samples(runs, real=50)
    assert axes.shape == (3, 2) and axes[0, 0].get_title() == "ring: lsgan\n7/8 modes"
    assert axes[2, 1].get_title() == "swissroll: rsgan\nW1 0.25" and not axes[0, 1].collections  # an empty cell
    assert axes[1, 1].get_xlim() == (-6, 6) and len(axes[0, 0].collections) == 3  # real, generated, centres
    plt.close(fig)


def test_final_hq_fills_the_dots_of_runs_that_covered_every_mode():
    fig, ax = plt.subplots()
    full, partial = _mixture_run("ring", "lsgan", 8), _mixture_run("ring", "lsgan", 5, seed=1)
    plot_final_hq(ax, {"lsgan": [full, partial], "rsgan": [_mixture_run("ring", "rsgan", 8)]})
    faces = ax.collections[0].get_facecolors()
    assert faces[0][3] == 1 and tuple(faces[1][:3]) == (1, 1, 1)  # filled, then white
    assert [t.get_text() for t in ax.texts] == ["50%", "100%"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["lsgan", "rsgan"]
    plt.close(fig)


def test_class_histograms_show_shares_side_by_side():
    fig, ax = plt.subplots()
    runs = [{"histogram": np.arange(10.0)}, {"histogram": np.ones(10)}]
    plot_class_histograms(ax, runs, ["dcgan", "mlp"], colors={"dcgan": "red"})
    bars = ax.patches
    assert len(bars) == 20 and abs(bars[9].get_height() - 9 / 45) < 1e-12 and abs(bars[10].get_height() - 0.1) < 1e-12
    assert abs(bars[0].get_x() + bars[0].get_width() - bars[10].get_x()) < 1e-12  # the two runs' bars touch
    assert bars[0].get_facecolor()[:3] == (1, 0, 0) and bars[10].get_facecolor()[:3] != (1, 0, 0)
    plt.close(fig)


def test_critic_field_shades_the_box_and_draws_the_boundary_and_moves_scale_to_one():
    fig, ax = plt.subplots()
    D = torch.nn.Linear(2, 1)
    with torch.no_grad():
        D.weight.copy_(torch.tensor([[4.0, 0.0]]))
        D.bias.zero_()
    plot_critic_field(ax, D, (-1, 1), (-2, 2), level=0.5, transform=torch.sigmoid, n=41)
    filled, line = ax.collections[:2]
    assert filled.levels.min() >= 0 and filled.levels.max() <= 1 and list(line.levels) == [0.5]
    assert len(fig.axes) == 2 and ax.get_xlim() == (-1, 1) and ax.get_ylim() == (-2, 2)  # and a colour bar
    boundary = np.concatenate(line.allsegs[0])
    assert np.abs(boundary[:, 0]).max() < 1e-6  # sigmoid(4 x) = 1/2 on the line x = 0
    plot_moves(ax, torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[3.0, 4.0], [0.3, 0.0]]), label="probes")
    arrows = ax.collections[-2]
    assert np.allclose(np.hypot(arrows.U, arrows.V), [1.0, 0.06])  # the longest is one unit long
    plt.close(fig)


def test_game_1d_draws_the_densities_d_and_the_mapping_from_z():
    from ganlib.data import Gaussian1D
    from ganlib.stages import GameSnapshot

    x = np.linspace(-3, 5, 81)
    law = Gaussian1D(1.0, 0.5)
    fig, ax = plt.subplots()
    plot_game_1d(ax, x, np.zeros_like(x), GameSnapshot(law.pdf(x), np.full_like(x, 0.5), None, law), z=[-2.0, 2.0])
    assert [line.get_label() for line in ax.lines[:3]] == ["p_data", "p_g", "D"]
    mapping = ax.lines[3:5]
    assert [tuple(line.get_xdata()) for line in mapping] == [(-2.0, 0.0), (2.0, 2.0)]  # z -> 1 + 0.5 z
    plt.close(fig)


def test_generator_gradients_draw_a_band_only_where_a_spread_is_given():
    fig, axes = plt.subplots(1, 2)
    steps = np.array([10, 20])
    gradients = {
        "minimax": {"step": steps, "mean": np.array([1e-1, 1e-3]), "std": np.array([0.2, 1e-4])},
        "wgan_gp": {"step": steps, "mean": np.array([0.5, 0.6])},
    }
    plot_generator_gradients(axes, gradients, (steps, [0.4, 0.01]), labels={"wgan_gp": "WGAN-GP critic"})
    assert [line.get_label() for line in axes[0].lines] == ["minimax", "WGAN-GP critic"]
    assert axes[0].lines[1].get_color() == LOSS_COLORS["wgan_gp"] and len(axes[0].collections) == 1
    band = axes[0].collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == 1e-12  # mean - std < 0 is clipped to stay on the log scale
    assert axes[0].get_yscale() == axes[1].get_yscale() == "log" and list(axes[1].lines[0].get_ydata()) == [0.4, 0.01]
    plt.close(fig)
