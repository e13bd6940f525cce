"""ganlib.runs.weight_clipping: a deep critic under clipping or a gradient penalty, probed layer by layer."""

import numpy as np
import pytest

from ganlib.penalties import WeightClipping
from ganlib.runs import DeepCriticRun, run_deep_critic, run_spec


def test_specs_validate_early_and_name_their_bound():
    with pytest.raises(ValueError, match="depth >= 2"):
        DeepCriticRun(depth=1)
    with pytest.raises(ValueError, match="unknown optimizer"):
        DeepCriticRun(optimizer="adagrad")
    assert DeepCriticRun.from_recipe("wgan", penalties=(WeightClipping(0.1),)).clip() == 0.1
    gp = DeepCriticRun.from_recipe("wgan_gp", beta1=0.5)
    assert gp.clip() is None and gp.train_config().optimizer == "adam" and gp.recipe == "wgan_gp"


def test_clipped_critics_keep_their_weights_in_bounds_and_a_harder_clip_starves_the_gradients():
    small = dict(steps=30, width=16, depth=3, n_probe=256)
    runs = {
        c: run_deep_critic(DeepCriticRun.from_recipe("wgan", penalties=(WeightClipping(c),), **small))
        for c in (0.1, 0.001)
    }
    for c, r in runs.items():
        assert len(r["layer_grad_norms"]) == 4 and r["weights"].size == 2 * 16 + 16 * 16 * 2 + 16
        assert np.abs(r["weights"]).max() <= c and 0 <= r["share_at_bound"] <= 1
    # each layer of a critic clipped 100x harder passes on a gradient orders of magnitude smaller
    assert np.all(runs[0.001]["layer_grad_norms"][:-1] < 1e-3 * runs[0.1]["layer_grad_norms"][:-1])
    gp_spec = DeepCriticRun.from_recipe("wgan_gp", beta1=0.5, **small)
    gp = run_spec(gp_spec)
    assert gp["share_at_bound"] is None and np.all(gp["layer_grad_norms"] > 0)
    assert np.array_equal(run_deep_critic(gp_spec)["layer_grad_norms"], gp["layer_grad_norms"])


def test_the_activation_gradients_show_the_trend_over_depth_that_the_clip_sets():
    # he init, 64 units: a clip of 0.01 leaves a gain ~0.01 * sqrt(32) per layer, so the signal vanishes downwards
    small = dict(steps=10, width=64, depth=4, n_probe=128, init="he")
    clipped = run_deep_critic(DeepCriticRun.from_recipe("wgan", penalties=(WeightClipping(0.01),), **small))
    norms = clipped["activation_grad_norms"]
    assert len(norms) == 5 and np.all(norms > 0) and np.all(np.diff(norms[1:]) > 0)  # smaller at every step down
    assert clipped["depth_slope"] < -0.5
    with pytest.raises(ValueError, match="unknown init"):
        DeepCriticRun(init="xavier")


def test_he_init_matches_the_toy_codes_scale():
    import torch

    from ganlib.models import MLPDiscriminator
    from ganlib.runs.weight_clipping import _he_init_

    torch.manual_seed(0)
    critic = MLPDiscriminator(2, 512, 3)
    _he_init_(critic)
    hidden = critic.net[2]
    weight, bias = hidden.weight.detach(), hidden.bias.detach()
    assert float(weight.std()) == pytest.approx(np.sqrt(2 / 512), rel=0.02) and float(bias.abs().max()) == 0
