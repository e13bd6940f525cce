"""ganlib.experiments: specs validate early, runs are deterministic, summaries count correctly."""
import numpy as np
import pytest

from ganlib.experiments import (DigitsRun, MixtureRun, markdown_table, mixture, run_digits, run_mixture,
                                summarize_mixture_runs)


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


def test_mixture_run_scores_over_training_and_repeats_exactly():
    spec = MixtureRun(steps=40, evals=4, n_eval=300)
    a, b = run_mixture(spec), run_mixture(spec)
    assert list(a["step"]) == [10, 20, 30, 40] and a["n_modes"] == 8 and a["samples"].shape == (300, 2)
    assert a["final_modes"] == a["modes"][-1] and 0 <= a["final_hq"] <= 1 and 0 <= a["lost_modes"] <= 8
    assert (a["samples"] == b["samples"]).all() and a["spec"] == b["spec"]


def test_summaries_count_runs_per_group():
    fake = [{"spec": {"loss": "a"}, "final_modes": 8, "n_modes": 8, "final_hq": 0.9, "lost_modes": 0},
            {"spec": {"loss": "a"}, "final_modes": 6, "n_modes": 8, "final_hq": 0.5, "lost_modes": 2},
            {"spec": {"loss": "b"}, "final_modes": 8, "n_modes": 8, "final_hq": 0.7, "lost_modes": 1}]
    rows = summarize_mixture_runs(fake)
    assert [r["loss"] for r in rows] == ["a", "b"]
    assert rows[0]["runs"] == 2 and rows[0]["modes_mean"] == 7 and rows[0]["modes_std"] == 1
    assert rows[0]["hq_mean"] == pytest.approx(0.7) and rows[0]["hq_std"] == pytest.approx(0.2)
    assert rows[0]["all_modes_share"] == 0.5 and rows[0]["lost_modes"] == 2 and rows[1]["all_modes_share"] == 1.0
    table = markdown_table(rows).splitlines()
    assert table[0].startswith("| loss | runs |") and table[2].startswith("| a | 2 | 7.00 | 1.00 | 0.70 |")
    with pytest.raises(ValueError):
        markdown_table([])


@pytest.mark.slow
def test_digits_runs_report_fd_and_histograms(tmp_path, monkeypatch):
    monkeypatch.setenv("GANLIB_CACHE", str(tmp_path))
    for arch in ("dcgan", "mlp"):
        r = run_digits(DigitsRun(arch=arch, steps=20, evals=2, n_eval=100))
        assert list(r["step"]) == [10, 20] and r["samples"].shape == (64, 1, 8, 8)
        assert r["histogram"].sum() == 100 and np.isfinite(r["final_fd"]) and r["final_fd"] > 0
        assert np.abs(r["samples"]).max() <= 1 and min(r["n_params"]) > 0
