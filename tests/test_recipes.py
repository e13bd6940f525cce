"""ganlib.recipes: every recipe trains through the loop, says its source, and is described correctly."""

import numpy as np
import pytest
import torch

from ganlib.data import ring_mixture
from ganlib.models import MLPDiscriminator, MLPGenerator
from ganlib.penalties import GradientPenalty, WeightClipping
from ganlib.recipes import RECIPES, Recipe, get_recipe, recipe_row
from ganlib.runs import MixtureRun
from ganlib.train import TrainConfig, train_gan


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_every_recipe_trains_two_steps_and_names_its_source(name):
    recipe = RECIPES[name]
    assert recipe.name == name and len(recipe.source) > 20
    torch.manual_seed(0)
    G, D = MLPGenerator(2, 2, 8, 1), MLPDiscriminator(2, 8, 1)
    h = train_gan(G, D, ring_mixture().sample, recipe.config(steps=2, batch_size=16, log_every=1))
    assert np.all(np.isfinite(h.g_loss)) and np.all(np.isfinite(h.d_loss))


def test_the_two_wgan_gp_settings_differ_where_their_sources_do():
    image, toy = RECIPES["wgan_gp"].train, RECIPES["wgan_gp_toy"].train
    assert image.penalties == (GradientPenalty(10.0),) and toy.penalties == (GradientPenalty(0.1),)
    assert (image.beta1, toy.beta1, image.batch_size, toy.batch_size) == (0.0, 0.5, 64, 256)
    assert RECIPES["wgan"].train.penalties == (WeightClipping(0.01),)
    # the toy code's clipping mode differs from the WGAN code only in its batch
    wgan, wgan_toy = RECIPES["wgan"].train, RECIPES["wgan_toy"].train
    assert wgan_toy == TrainConfig(**{**wgan.__dict__, "batch_size": 256}) and wgan.batch_size == 64


def test_rows_describe_the_config_and_replace_keeps_the_name():
    row = recipe_row(RECIPES["wgan"])
    assert row["optimizer"] == "RMSProp, lr 5e-05" and row["constraint"] == "clip weights to +-0.01"
    assert row["critic steps per G step"] == 5 and row["batch"] == 64
    bigger = RECIPES["wgan"].replace(batch_size=128)
    assert bigger.name == "wgan" and bigger.train.batch_size == 128 and "batch_size 128" in bigger.notes
    assert RECIPES["wgan"].train.batch_size == 64  # the registry's recipe is untouched
    mine = Recipe("mine", "a test", TrainConfig(loss="non_saturating", lr_g=1e-3, lr_d=2e-3))
    assert recipe_row(mine)["optimizer"] == "Adam, lr 0.002 (G 0.001), betas (0.5, 0.999)"


def test_specs_take_their_training_fields_from_a_recipe():
    spec = MixtureRun.from_recipe("wgan_gp_toy", dataset="grid", steps=50, evals=5)
    config = spec.train_config()
    toy = RECIPES["wgan_gp_toy"].config(steps=50, log_every=10, seed=0)
    assert config == toy and spec.recipe == "wgan_gp_toy"


def test_unknown_recipe_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown recipe 'wgan-gp'; choose one of: dcgan, wgan"):
        get_recipe("wgan-gp")
