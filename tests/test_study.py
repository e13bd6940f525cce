"""ganlib.study: grids of specs, selection and grouping of results, summaries, the steadier rule."""

import numpy as np
import pytest

from ganlib.runs import MixtureRun
from ganlib.stats import Rule
from ganlib.study import (
    STEADIER,
    RunComparison,
    Study,
    digits_summary,
    mixture_summary,
    run_study,
    settled,
    show_divergences,
    spec_grid,
    steadier,
)


def _run(loss, final_modes, hq, lost, dataset="ring", n_modes=8):
    return {
        "spec": {"loss": loss, "dataset": dataset},
        "final_modes": final_modes,
        "n_modes": n_modes,
        "final_hq": hq,
        "lost_modes": lost,
    }


FAKE = Study([_run("a", 8, 0.9, 0), _run("a", 6, 0.5, 2), _run("b", 8, 0.7, 1), _run("b", 8, 0.8, 0, dataset="grid")])


def test_spec_grid_varies_the_first_axis_slowest_and_fixes_the_rest():
    specs = spec_grid(MixtureRun, {"loss": ["non_saturating", "rsgan"], "seed": range(3)}, steps=50)
    assert [(s.loss, s.seed) for s in specs] == [
        ("non_saturating", 0),
        ("non_saturating", 1),
        ("non_saturating", 2),
        ("rsgan", 0),
        ("rsgan", 1),
        ("rsgan", 2),
    ]
    assert {s.steps for s in specs} == {50}
    assert spec_grid(lambda **kw: kw, {"x": [1, 2]}, y=0) == [{"x": 1, "y": 0}, {"x": 2, "y": 0}]
    with pytest.raises(ValueError, match="no values for seed"):
        spec_grid(MixtureRun, {"loss": ["rsgan"], "seed": []})


def test_select_groups_and_values():
    assert len(FAKE.select(loss="a")) == 2 and len(FAKE.select(loss="b", dataset="grid")) == 1
    assert len(FAKE.select(arch="dcgan")) == 0  # runs without the field never match
    groups = FAKE.groups("dataset", "loss")
    assert list(groups) == [("ring", "a"), ("ring", "b"), ("grid", "b")] and len(groups[("ring", "a")]) == 2
    assert FAKE.select(loss="a").values("final_hq").tolist() == [0.9, 0.5]
    assert isinstance(FAKE[:2], Study) and len(FAKE[:2] + FAKE[3:]) == 3


def test_mixture_summary_per_group():
    rows = FAKE.summarise(by=("loss",))
    assert [r["loss"] for r in rows] == ["a", "b"]
    assert rows[0]["runs"] == 2 and rows[0]["modes_mean"] == 7 and rows[0]["modes_std"] == 1
    assert rows[0]["hq_mean"] == pytest.approx(0.7) and rows[0]["hq_std"] == pytest.approx(0.2)
    assert rows[0]["all_modes_share"] == 0.5 and rows[0]["lost_modes"] == 2 and rows[1]["all_modes_share"] == 1.0
    assert FAKE.summarise(by=("loss",), summary=lambda runs: {"n": len(runs)}) == [
        {"loss": "a", "n": 2},
        {"loss": "b", "n": 2},
    ]
    assert mixture_summary(FAKE.select(loss="b"))["hq_mean"] == pytest.approx(0.75)


def _scored(loss, final_hq, hq=(0.5, 0.5, 0.5, 0.5), modes=(8, 8, 8, 8)):
    return {**_run(loss, 8, final_hq, 0), "hq": list(hq), "modes": list(modes)}


def test_settled_compares_the_last_quarter_of_scorings_with_the_one_before():
    flat = [_scored("a", 0.5, hq=(0.1, 0.3, 0.50, 0.51, 0.50, 0.52, 0.51, 0.50))]
    rising = [_scored("a", 0.5, hq=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8))]
    assert settled(flat, "hq")[0] and "has settled: 1% change" in settled(flat, "hq")[1]
    assert not settled(rising, "hq")[0] and "is still moving: 27% change" in settled(rising, "hq")[1]
    assert not settled([_scored("a", 0.5, hq=(0.5,))], "hq")[0]


def test_steadier_judges_the_spread_of_final_hq_and_waits_for_settled_curves():
    steady = Study([_scored("rsgan", 0.60 + 0.01 * k) for k in range(6)])
    wild = Study([_scored("sgan", hq) for hq in (0.1, 0.9, 0.3, 0.8, 0.2, 0.95)])
    judged = steadier(steady, wild)
    assert judged.outcome == "holds" and judged.n == (6, 6) and judged.statistic.startswith("std of final HQ")
    assert steadier(wild, steady).outcome == "does not hold"
    assert "still move" in judged.rule and judged.rule == STEADIER.text
    moving = Study([_scored("rsgan", 0.6, modes=(2, 4, 6, 8)) for _ in range(6)])
    early = steadier(moving, wild)
    assert early.outcome == "not decided" and "modes is still moving" in early.note
    blown = steadier(Study([*steady, _diverged("rsgan", 9)]), wild)
    assert blown.n == (6, 6) and "1 runs diverged" in blown.note


def test_a_run_comparison_without_settling_is_its_rule():
    means = RunComparison(Rule("final FD", better="lower"), "final_fd")
    runs = lambda fds: Study([{"spec": {}, "final_fd": fd} for fd in fds])
    judged = means.judge(runs([10, 11, 12, 10, 11]), runs([30, 31, 29, 32, 30]))
    assert judged.outcome == "holds" and judged.effect == pytest.approx(19.6) and means.text == means.rule.text


def test_run_study_keeps_the_specs_order():
    specs = spec_grid(MixtureRun, {"seed": [1, 0]}, steps=10, evals=1, n_eval=100)
    study = run_study(specs, workers=1)
    assert [r["spec"]["seed"] for r in study] == [1, 0]
    assert np.isfinite(study.values("final_hq")).all()


def test_digits_summary():
    runs = [{"final_fd": 10.0, "classes_covered": [9, 10]}, {"final_fd": 20.0, "classes_covered": [10, 8]}]
    assert digits_summary(runs) == {
        "runs": 2,
        "fd_mean": 15.0,
        "fd_std": 5.0,
        "all_classes_share": 0.5,
        "diverged": 0,
    }
    blown = {"final_fd": None, "classes_covered": [10], "diverged": {"step": 3, "name": "d_loss", "value": np.nan}}
    assert digits_summary([*runs, blown]) == {
        "runs": 3,
        "fd_mean": 15.0,
        "fd_std": 5.0,
        "all_classes_share": pytest.approx(1 / 3),
        "diverged": 1,
    }


def _diverged(loss, step):
    return {**_run(loss, None, None, None), "diverged": {"step": step, "name": "g_loss", "value": np.inf}}


def test_a_diverged_run_is_counted_apart_never_as_a_collapse():
    runs = Study([_run("a", 8, 0.9, 0), _run("a", 6, 0.5, 2), _diverged("a", 7)])
    row = mixture_summary(runs)
    # means over the two runs that ended; the blow-up is not a run with 0 modes and HQ 0
    assert row["modes_mean"] == 7 and row["hq_mean"] == pytest.approx(0.7) and row["lost_modes"] == 2
    assert row["diverged"] == 1 and row["runs"] == 3 and row["all_modes_share"] == pytest.approx(1 / 3)
    everything_blew_up = mixture_summary(Study([_diverged("b", 3)]))
    assert np.isnan(everything_blew_up["hq_mean"]) and everything_blew_up["diverged"] == 1
    assert [r["spec"]["loss"] for r in runs.diverged()] == ["a"]


def test_show_divergences_prints_and_records_each_blown_up_run(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("GANLIB_RESULTS", str(tmp_path / "entries.jsonl"))
    show_divergences(Study([_run("a", 8, 0.9, 0), _diverged("b", 12)]), ("loss", "dataset"))
    out = capsys.readouterr().out
    assert "1 of 2 runs diverged" in out and "| b | ring | 12 | g_loss |" in out
    entry = (tmp_path / "entries.jsonl").read_text().splitlines()[-1]
    assert '"name": "diverged_runs"' in entry and '"diverged_at": 12' in entry
    show_divergences(FAKE, ("loss",))
    assert "none of the 4 runs diverged" in capsys.readouterr().out
    show_divergences(Study([_diverged("b", 5), _run("a", 8, 0.9, 0)]))  # fields: those that vary
    assert "| loss | diverged_at | non_finite |" in capsys.readouterr().out


def test_run_study_names_the_runs_that_blew_up(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("GANLIB_RESULTS", str(tmp_path / "entries.jsonl"))
    specs = spec_grid(MixtureRun, {"lr_d": [2e-3, 1e3]}, loss="lsgan", lr_g=1e3, steps=20, evals=1, n_eval=100)
    with pytest.warns(RuntimeWarning, match="training diverged"):
        study = run_study(specs, workers=1, desc="blow-ups")
    assert [r["diverged"] is not None for r in study] == [False, True]
    assert "| lr_d | diverged_at | non_finite |" in capsys.readouterr().out
    assert '"name": "diverged runs (blow-ups)"' in (tmp_path / "entries.jsonl").read_text()
