"""ganlib.plot: the book's colours and figure helpers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ganlib.losses import LOSSES  # noqa: E402
from ganlib.plot import LOSS_COLORS, PALETTE, digit_montage, loss_color, plot_digit_runs, plot_runs  # noqa: E402


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
