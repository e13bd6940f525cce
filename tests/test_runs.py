"""ganlib.runs: specs validate early, runs are deterministic, the registry dispatches on the spec type."""

from dataclasses import dataclass

import numpy as np
import pytest

from ganlib.penalties import GradientPenalty, WeightClipping
from ganlib.runs import RUNNERS, DigitsRun, MixtureRun, mixture, register, run_digits, run_mixture, run_spec


def test_specs_refuse_bad_values_with_the_valid_choices():
    with pytest.raises(ValueError, match="unknown mixture 'spiral'"):
        MixtureRun(dataset="spiral")
    with pytest.raises(ValueError, match="unknown loss"):
        MixtureRun(loss="hinge_typo")
    with pytest.raises(ValueError, match="steps must be >= 1"):
        MixtureRun(steps=0)
    with pytest.raises(ValueError, match="unknown arch 'resnet'"):
        DigitsRun(arch="resnet")
    assert len(mixture("grid").centers) == 25 and mixture("ring", std=0.1).std == 0.1
    with pytest.raises(ValueError, match="set w1_samples"):
        MixtureRun(dataset="swissroll")
    with pytest.raises(ValueError, match="unknown optimizer"):
        MixtureRun(optimizer="adagrad")
    with pytest.raises(ValueError, match="unknown norm 'group'"):
        DigitsRun(norm="group")
    with pytest.raises(ValueError, match="unknown ablation 'dropout'"):
        DigitsRun(ablate="dropout")
    with pytest.raises(ValueError, match="needs arch='dcgan'"):
        DigitsRun(arch="mlp", ablate="init")
    with pytest.raises(ValueError, match="starts from D's batch norm"):
        DigitsRun(norm="none", ablate="batch_norm")


def test_mixture_run_scores_over_training_and_repeats_exactly():
    spec = MixtureRun(steps=40, evals=4, n_eval=300)
    a, b = run_mixture(spec), run_mixture(spec)
    assert list(a["step"]) == [10, 20, 30, 40] and a["n_modes"] == 8 and a["samples"].shape == (300, 2)
    assert a["final_modes"] == a["modes"][-1] and 0 <= a["final_hq"] <= 1 and 0 <= a["lost_modes"] <= 8
    assert (a["samples"] == b["samples"]).all() and a["spec"] == b["spec"] and a["diverged"] is None
    assert a["missing_modes"] == 8 - a["final_modes"]
    for key in ("p_real", "p_fake", "ra_real", "ra_fake"):  # realism per scoring interval, in (0, 1)
        assert a[key].shape == (4,) and ((a[key] > 0) & (a[key] < 1)).all() and (a[key] == b[key]).all()


def test_a_mixture_run_that_blows_up_reports_where_and_is_not_scored():
    spec = MixtureRun(loss="lsgan", lr_g=1e3, lr_d=1e3, steps=40, evals=4, n_eval=300)
    with pytest.warns(RuntimeWarning, match="training diverged"):
        r = run_mixture(spec)
    assert r["diverged"] == {"step": 2, "name": "d_loss", "value": np.inf}
    # stopped before the first scoring: no final scores, rather than "0 modes, HQ 0"
    assert r["final_modes"] is None and r["final_hq"] is None and r["lost_modes"] is None
    assert r["missing_modes"] is None and r["p_real"].shape == (0,)
    assert len(r["modes"]) == 0 and r["samples"] is None


def test_wasserstein_runs_track_w1_and_the_critic_estimate():
    spec = MixtureRun.from_recipe("wgan", batch_size=128, steps=30, evals=3, n_eval=200, w1_samples=100)
    r = run_mixture(spec)
    config = spec.train_config()
    assert config.penalties == (WeightClipping(0.01),) and (config.optimizer, config.lr_d, config.d_steps) == (
        "rmsprop",
        5e-5,
        5,
    )
    assert spec.recipe == "wgan" and config.batch_size == 128  # a field given beats the recipe's
    assert len(r["w1"]) == len(r["critic"]) == 3 and np.all(r["w1"] > 0)
    # a clipped critic is tiny: its estimate is far below the true W1 but has the right sign
    assert np.all(np.abs(r["critic"]) < r["w1"])
    roll = run_mixture(
        MixtureRun(
            dataset="swissroll",
            loss="wgan",
            beta1=0.0,
            beta2=0.9,
            steps=20,
            evals=2,
            n_eval=200,
            w1_samples=100,
            penalties=(GradientPenalty(10.0),),
        )
    )
    assert roll["modes"] is None and roll["n_modes"] == 0 and len(roll["w1"]) == 2
    assert run_mixture(MixtureRun(steps=20, evals=2, n_eval=200))["w1"].size == 0  # off by default


def test_standardized_runs_train_on_scaled_data_and_report_in_data_units():
    assert MixtureRun(dataset="grid", std=0.05, standardize=True).data_scale() == pytest.approx(np.sqrt(8 + 0.05**2))
    assert MixtureRun(dataset="ring", std=0.02, standardize=True).data_scale() == pytest.approx(np.sqrt(2 + 0.02**2))
    assert MixtureRun(dataset="grid").data_scale() == 1.0
    plain = MixtureRun(
        dataset="grid", steps=20, evals=1, n_eval=200, w1_samples=100, loss="wgan", penalties=(GradientPenalty(10.0),)
    )
    scaled = run_mixture(MixtureRun(**{**plain.__dict__, "standardize": True}))
    # same seed, same weights: the standardized generator's samples are its raw outputs times the scale
    assert np.abs(scaled["samples"]).max() > 1.5 * np.abs(run_mixture(plain)["samples"]).max()
    assert scaled["w1"][0] > 0 and np.isfinite(scaled["critic"][0])


def test_run_spec_dispatches_on_the_spec_type_and_new_specs_register():
    spec = MixtureRun(steps=10, evals=1, n_eval=100)
    assert (run_spec(spec)["samples"] == run_mixture(spec)["samples"]).all()
    with pytest.raises(TypeError, match="no runner registered for dict; registered specs: DigitsRun, MixtureRun"):
        run_spec({"steps": 10})

    @dataclass(frozen=True)
    class Echo:
        value: int = 3

    try:
        register(Echo)(lambda spec: {"twice": 2 * spec.value})
        assert run_spec(Echo(5)) == {"twice": 10}
    finally:
        RUNNERS.pop(Echo, None)


@pytest.mark.slow
def test_digits_runs_report_fd_and_histograms(digit_cache, monkeypatch):
    monkeypatch.setenv("GANLIB_CACHE", str(digit_cache))
    gp = (GradientPenalty(10.0),)
    for arch, loss, norm, penalties in (
        ("dcgan", "non_saturating", "batch", ()),
        ("mlp", "non_saturating", "batch", ()),
        ("dcgan", "wgan", "layer", gp),
        ("dcgan", "non_saturating", "batch", "strided"),
    ):
        ablate = penalties if isinstance(penalties, str) else ""
        penalties = () if ablate else penalties
        spec = DigitsRun(arch, loss, norm=norm, penalties=penalties, ablate=ablate, steps=20, evals=2, n_eval=100)
        r = run_digits(spec)
        assert list(r["step"]) == [10, 20] and r["samples"].shape == (64, 1, 8, 8)
        assert r["histogram"].sum() == 100 and np.isfinite(r["final_fd"]) and r["final_fd"] > 0
        assert np.abs(r["samples"]).max() <= 1 and min(r["n_params"]) > 0
