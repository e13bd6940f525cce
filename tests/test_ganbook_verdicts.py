"""Verdicts on their way into results.json and the run report (issue 11): three outcomes, and the evidence of a rule."""

import json

import pytest

from ganbook import RESULTS_SCHEMA, render_report
from ganbook.execute import read_entries, write_json
from ganlib import results
from ganlib.stats import Rule

AHEAD, BEHIND = [5.0, 6.0, 7.0, 8.0, 9.0], [0.0, 1.0, 2.0, 3.0, 4.0]


def _run(verdicts, schema=RESULTS_SCHEMA):
    return {
        "schema": schema,
        "chapter": "01_alpha",
        "profile": "quick",
        "parameters": {"steps": 3},
        "device": "cpu",
        "versions": {"python": "3", "torch": "2", "ganlib": "0.1", "git_commit": None},
        "started": "2026-01-01T10:00:00+00:00",
        "duration_s": 1.0,
        "status": "ok",
        "error": None,
        "cache_key": "k",
        "metrics": {},
        "checks": [{"name": "a check", "passed": True, "value": 1, "expected": 1}],
        "verdicts": verdicts,
    }


@pytest.fixture
def entries(tmp_path, monkeypatch):
    """The entries file of a chapter that gave one verdict of each kind, as a run of ganbook would."""
    path = tmp_path / "entries.jsonl"
    monkeypatch.setattr(results, "_ENTRIES", [])
    monkeypatch.setenv(results.RESULTS_ENV, str(path))
    results.verdict("RSGAN scores higher", judgement=Rule("final score", test="rank").judge(AHEAD, BEHIND))
    results.verdict(
        "SGAN is steadier", judgement=Rule("final score", better="lower", statistic="std").judge(AHEAD[:3], BEHIND[:3])
    )
    results.verdict("a one-off claim", False, value=0.03, expected="> 1")
    return path


def test_the_runner_keeps_every_field_of_a_verdict(entries):
    _, _, verdicts = read_entries(entries)
    ranked, steadier, one_off = verdicts
    assert ranked["outcome"] == "holds" and ranked["holds"] is True
    assert ranked["n"] == [5, 5] and ranked["interval"] == [1.0, 1.0] and ranked["p_value"] == pytest.approx(2 / 252)
    assert ranked["test"] == "Mann-Whitney U, two-sided" and ranked["rule"] == Rule("final score", test="rank").text
    assert steadier["outcome"] == "not decided" and steadier["holds"] is None
    assert steadier["statistic"] == "std of final score" and steadier["note"].startswith("too few seeds")
    assert one_off == {
        "name": "a one-off claim",
        "outcome": "does not hold",
        "holds": False,
        "value": 0.03,
        "expected": "> 1",
        **dict.fromkeys(results.JUDGEMENT_FIELDS),
    }


def test_the_report_counts_the_three_outcomes_and_shows_the_evidence(entries, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    write_json(out / "01_alpha.results.json", _run(read_entries(entries)[2]))
    page = render_report(out)
    overview = "| claims holding | claims not holding | claims not decided |"
    assert overview in page and "| 1.0 s | 1 | 0 | 1 | 1 | 1 |" in page
    assert (
        "| RSGAN scores higher | holds |  |  | Cliff's delta of final score | +1 [1, 1] | 95% "
        "| Mann-Whitney U, two-sided, p=0.0079 | 5 vs 5 |" in page
    )
    assert "| bootstrap of std difference (too few seeds to decide at 95%: needs 4 vs 4 seeds) | 3 vs 3 |" in page
    assert "| a one-off claim | does not hold | 0.03 | > 1 |  |  |  |  |  |" in page


def test_a_results_file_of_schema_3_still_renders(tmp_path):
    old = [
        {"name": "held", "holds": True, "value": 2.0, "expected": "> 1"},
        {"name": "refuted", "holds": False, "value": None, "expected": None},
    ]
    (tmp_path / "01_alpha.results.json").write_text(json.dumps(_run(old, schema=3)))
    page = render_report(tmp_path)
    assert "| 1.0 s | 1 | 0 | 1 | 1 | 0 |" in page
    assert "| held | holds | 2 | > 1 |  |  |  |  |  |" in page and "| refuted | does not hold |" in page
