import json

from ganlib import results


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
    assert "1 passed, 0 failed" in lines and lines[-1] == "1 hold, 1 do not"
