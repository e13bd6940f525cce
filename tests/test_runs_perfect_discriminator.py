"""ganlib.runs.perfect_discriminator: D trained against a frozen G, and the gradients G would receive."""

import numpy as np
import pytest

from ganlib.penalties import GradientPenalty
from ganlib.runs import PerfectDiscriminatorRun, run_perfect_discriminator, run_spec


def test_specs_validate_early_and_never_step_the_generator():
    with pytest.raises(ValueError, match="unknown mixture 'spiral'"):
        PerfectDiscriminatorRun(dataset="spiral")
    with pytest.raises(ValueError, match="needs probes"):
        PerfectDiscriminatorRun(probes=())
    with pytest.raises(ValueError, match="unknown loss"):
        PerfectDiscriminatorRun(loss="hinge_typo")
    gp = PerfectDiscriminatorRun.from_recipe("wgan_gp", d_steps=1, probes=("wgan",), steps=100, log_every=25)
    config = gp.train_config()
    assert (config.g_steps, config.d_steps, config.log_every, config.steps) == (0, 1, 25, 100)
    assert config.penalties == (GradientPenalty(10.0),) and (config.lr_d, config.beta1, config.beta2) == (
        1e-4,
        0.0,
        0.9,
    )


def test_as_the_discriminator_wins_the_minimax_gradient_saturates_and_runs_repeat():
    spec = PerfectDiscriminatorRun(lr_d=1e-3, steps=200, log_every=50, probe_batches=3, probe_size=64)
    r = run_perfect_discriminator(spec)
    mm, ns = r["gradients"]["minimax"], r["gradients"]["non_saturating"]
    assert list(mm["step"]) == [50, 100, 150, 200] and len(r["p_fake"]) == 200
    assert np.all(mm["std"] >= 0) and np.all(mm["std"] > 0)  # three batches, three different norms
    assert r["p_fake"][-1] < 0.1 * r["p_fake"][0]  # D learns to reject the frozen G's samples
    # log(1 - D) saturates where -log D does not: the minimax gradient falls far below the other
    assert mm["mean"][-1] < 0.1 * ns["mean"][-1] and mm["mean"][-1] < mm["mean"][0]
    again = run_spec(spec)
    assert np.array_equal(again["gradients"]["minimax"]["mean"], mm["mean"]) and again["spec"] == r["spec"]


def test_instance_noise_keeps_the_minimax_gradient_and_tails_are_read_per_sample():
    small = dict(lr_d=1e-3, steps=200, log_every=100, probe_batches=2, probe_size=64)
    plain = run_perfect_discriminator(PerfectDiscriminatorRun(tail_samples=300, **small))
    noisy = run_perfect_discriminator(PerfectDiscriminatorRun(instance_noise=1.0, **small))
    # with the supports blurred into each other D cannot win, and log(1 - D) keeps its slope
    assert noisy["p_fake"][-1] > 10 * plain["p_fake"][-1]
    assert noisy["gradients"]["minimax"]["mean"][-1] > 10 * plain["gradients"]["minimax"]["mean"][-1]
    tails = plain["sample_gradients"]
    assert set(tails) == {"minimax", "non_saturating"} and tails["minimax"].shape == (300,)
    assert np.all(tails["non_saturating"] > 0) and noisy["sample_gradients"] == {}
    with pytest.raises(ValueError, match="instance_noise"):
        PerfectDiscriminatorRun(instance_noise=-0.1)
