"""ganlib.rgan_recipes: the relativistic paper's settings, with their source, usable as run recipes."""

import pytest

from ganlib.recipes import recipe_row
from ganlib.rgan_recipes import RGAN_SETTINGS, rgan_setting
from ganlib.runs import MixtureRun


def test_settings_carry_the_papers_numbers_and_the_batch_change():
    high = rgan_setting("high_lr")
    assert (high.train.lr_g, high.train.lr_d, high.train.beta1, high.train.beta2, high.train.d_steps) == (
        1e-3, 1e-3, 0.5, 0.999, 1,
    )  # fmt: skip
    assert RGAN_SETTINGS["wgan_gp_setup"].train.d_steps == 5 and RGAN_SETTINGS["high_momentum"].train.beta2 == 0.9
    assert all(s.train.batch_size == 128 and "batch_size 128" in s.notes for s in RGAN_SETTINGS.values())
    assert "unstable.sh" in high.source and recipe_row(high)["optimizer"] == "Adam, lr 0.001, betas (0.5, 0.999)"
    with pytest.raises(ValueError, match="choose one of: standard, wgan_gp_setup, high_lr, high_momentum"):
        rgan_setting("fast")


def test_a_mixture_run_takes_a_setting_and_its_own_loss():
    spec = MixtureRun.from_recipe(rgan_setting("wgan_gp_setup"), loss="rasgan", steps=10)
    assert (spec.loss, spec.lr_d, spec.d_steps, spec.batch_size, spec.recipe) == (
        "rasgan", 1e-4, 5, 128, "rgan_wgan_gp_setup",
    )  # fmt: skip
