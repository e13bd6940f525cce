import json

import pytest

from ganlib import results, stats


def test_check_prints_and_writes_entries(tmp_path, monkeypatch, capsys):
    path = tmp_path / "entries.jsonl"
    monkeypatch.setenv(results.RESULTS_ENV, str(path))
    results.check("x is small", 0.01 < 0.1, value=0.01, expected="< 0.1")
    results.check("y is big", False, value=float("inf"))
    assert [c["passed"] for c in results.checks()[-2:]] == [True, False]
    results.record("curve", [1.0, 2.0])
    out = capsys.readouterr().out.splitlines()
    assert out == ["PASS  x is small: measured 0.01, expected < 0.1", "FAIL  y is big: measured inf"]
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [e["kind"] for e in lines] == ["check", "check", "metric"]
    assert lines[1]["passed"] is False and lines[2]["value"] == [1.0, 2.0]
    verdicts = [c["passed"] for c in results.checks()]
    assert results.summary().splitlines()[-1] == f"{sum(verdicts)} passed, {len(verdicts) - sum(verdicts)} failed"


def test_without_the_variable_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv(results.RESULTS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    results.check("quiet", True)
    assert list(tmp_path.iterdir()) == []


def test_verdicts_are_reported_apart_from_checks(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(results, "_ENTRIES", [])
    path = tmp_path / "entries.jsonl"
    monkeypatch.setenv(results.RESULTS_ENV, str(path))
    results.check("a fact", True)
    results.verdict("a paper's claim", False, value=[1, 2], expected="first > second")
    results.verdict("another claim", True)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "PASS  a fact",
        "DOES NOT HOLD  a paper's claim: measured [1, 2], claim first > second",
        "HOLDS  another claim",
    ]
    kinds = [json.loads(line)["kind"] for line in path.read_text().splitlines()]
    assert kinds == ["check", "verdict", "verdict"]
    assert [v["holds"] for v in results.verdicts()] == [False, True] and len(results.checks()) == 1
    lines = results.summary().splitlines()
    assert "1 passed, 0 failed" in lines and lines[-1] == "1 hold, 1 do not, 0 not decided"


def test_a_verdict_has_three_outcomes_printed_recorded_and_counted(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(results, "_ENTRIES", [])
    path = tmp_path / "entries.jsonl"
    monkeypatch.setenv(results.RESULTS_ENV, str(path))
    results.verdict("faster", True, value=2.5, expected="> 2")
    results.verdict("smaller", False)
    results.verdict("steadier", None, value=[0.1, 0.2])
    assert capsys.readouterr().out.splitlines() == [
        "HOLDS  faster: measured 2.5, claim > 2",
        "DOES NOT HOLD  smaller",
        "NOT DECIDED  steadier: measured [0.1, 0.2]",
    ]
    written = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["outcome"], e["holds"]) for e in written] == [
        ("holds", True),
        ("does not hold", False),
        ("not decided", None),
    ]
    assert all(e[k] is None for e in written for k in results.JUDGEMENT_FIELDS)  # no rule judged these
    assert results.summary().splitlines()[-1] == "1 hold, 1 do not, 1 not decided"


def test_a_judged_verdict_prints_and_records_its_evidence(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(results, "_ENTRIES", [])
    path = tmp_path / "entries.jsonl"
    monkeypatch.setenv(results.RESULTS_ENV, str(path))
    judgement = stats.Judgement(
        outcome="not decided",
        statistic="mean of final HQ share",
        test="bootstrap of mean difference",
        n=(4, 4),
        effect=0.12,
        interval=(-0.03, 0.2),
        level=0.95,
        p_value=None,
        rule="HOLDS if ...",
    )
    results.verdict("RSGAN beats SGAN", judgement=judgement, value={"RSGAN": 0.8, "SGAN": 0.68})
    assert capsys.readouterr().out.splitlines() == [
        "NOT DECIDED  RSGAN beats SGAN: effect +0.12 [-0.03, 0.2], bootstrap of mean difference, n=4 vs 4; "
        "measured {'RSGAN': 0.8, 'SGAN': 0.68}"
    ]
    (entry,) = [json.loads(line) for line in path.read_text().splitlines()]
    assert entry == {
        "kind": "verdict",
        "name": "RSGAN beats SGAN",
        "outcome": "not decided",
        "holds": None,
        "value": {"RSGAN": 0.8, "SGAN": 0.68},
        "expected": None,
        "statistic": "mean of final HQ share",
        "test": "bootstrap of mean difference",
        "n": [4, 4],
        "effect": 0.12,
        "interval": [-0.03, 0.2],
        "level": 0.95,
        "p_value": None,
        "rule": "HOLDS if ...",
        "note": None,
    }


def test_a_rule_judges_and_verdict_records_each_outcome(monkeypatch, capsys):
    monkeypatch.setattr(results, "_ENTRIES", [])
    monkeypatch.delenv(results.RESULTS_ENV, raising=False)
    rule = stats.Rule("final score", test="rank")
    ahead, behind = [5.0, 6.0, 7.0, 8.0, 9.0], [0.0, 1.0, 2.0, 3.0, 4.0]
    results.verdict("ahead", judgement=rule.judge(ahead, behind))
    results.verdict("behind", judgement=rule.judge(behind, ahead))
    results.verdict("mixed", judgement=rule.judge([1.0, 4.0, 5.0, 8.0, 9.0], [2.0, 3.0, 6.0, 7.0, 10.0]))
    results.verdict("too few", judgement=rule.judge(ahead[:3], behind[:3]))
    p = "p=0.0079, n=5 vs 5"
    assert capsys.readouterr().out.splitlines() == [
        f"HOLDS  ahead: effect +1 [1, 1], Mann-Whitney U, two-sided, {p}",
        f"DOES NOT HOLD  behind: effect -1 [-1, -1], Mann-Whitney U, two-sided, {p}",
        "NOT DECIDED  mixed: effect -0.04 [-1, 1], Mann-Whitney U, two-sided, p=1, n=5 vs 5",
        "NOT DECIDED  too few: effect +1 [1, 1], Mann-Whitney U, two-sided, p=0.1, n=3 vs 3 "
        "(too few seeds to decide at 95%: needs 4 vs 4 seeds)",
    ]
    recorded = results.verdicts()
    assert [v["outcome"] for v in recorded] == ["holds", "does not hold", "not decided", "not decided"]
    assert recorded[-1]["note"] == "too few seeds to decide at 95%: needs 4 vs 4 seeds"
    assert recorded[0]["rule"] == rule.text and recorded[0]["p_value"] == pytest.approx(2 / 252)


def test_a_verdict_takes_holds_or_a_judgement_not_both():
    judgement = stats.Rule("score", threshold=0.0).judge([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="holds or a judgement, not both"):
        results.verdict("claim", True, judgement=judgement)


def test_outcome_of_an_entry_written_before_there_were_three():
    assert [results.outcome({"holds": h}) for h in (True, False, None)] == ["holds", "does not hold", "not decided"]


def test_the_summary_is_text_printed_and_a_table_in_a_notebook(monkeypatch):
    monkeypatch.setattr(results, "_ENTRIES", [])
    results.check("D* = 1/2 | exactly", True)
    results.verdict("$x$ steadier", None)
    table = results.summary()
    assert str(table).splitlines()[-1] == "0 hold, 0 do not, 1 not decided"
    markdown = table._repr_markdown_().splitlines()
    assert markdown[:4] == [
        "|  | check or claim |",
        "|---|---|",
        "| **✔\u00a0PASS** | D\\* = 1/2 \\| exactly |",  # Markdown's and MyST math's characters escaped
        "| **?\u00a0NOT DECIDED** | \\$x\\$ steadier |",
    ]
    assert markdown[-1] == "checks: 1 passed, 0 failed; claims: 0 hold, 0 do not, 1 not decided"
