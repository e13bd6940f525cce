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
