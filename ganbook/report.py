"""The run report: a Markdown page on the ``results.json`` files of a folder, for the book.

It covers the good runs in the folder and, in a section of their own, the chapters whose latest
run raised (``failed/``). A folder that does not exist, holds no results, or holds a
``results.json`` that cannot be read is a :class:`~ganbook.params.UsageError` naming it.
"""

from __future__ import annotations

import json
from pathlib import Path

from ganlib.results import DOES_NOT_HOLD, HOLDS, NOT_DECIDED, format_effect, format_value, outcome
from ganlib.tables import markdown_table

from .params import UsageError

__all__ = ["render_report", "read_runs"]


def render_report(out_dir):
    """A Markdown page on the runs in ``out_dir``: what ran, where, with what, for how long, verdicts."""
    runs, failed = read_runs(out_dir)
    lines = [
        "# How these chapters were run",
        "",
        "Written by `python -m ganbook report` from the `results.json` that each run left beside its",
        "executed notebook: the profile and parameters, the device and versions, the wall time, and",
        "the verdict of every check. Timings are of the machine that built this copy of the book.",
        "A *check* is a fact our code must reproduce (a failure is a bug); an *empirical claim* is",
        "a paper's or the notes' claim judged by an experiment, under a rule stated before it ran. A",
        "claim holds, does not hold, or is not decided (the seeds at this budget cannot tell); each is",
        "a result. A claim judged over seeds shows its statistic, its effect (positive: better in the",
        "claim's direction) with its interval, the test and the number of seeds.",
        "",
    ]
    if runs:
        lines.append(_table([_overview_row(r) for r in runs]))
    if failed:
        lines += ["", "## Chapters whose latest run raised", "", _table([_failed_row(r) for r in failed])]
    for r in runs:
        lines += _section(r)
    return "\n".join(lines) + "\n"


def read_runs(out_dir):
    """``(good, failed)``: the results of ``out_dir``'s good runs, and of the failed runs newer than them."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        what = "a file, not a folder" if out_dir.exists() else "not there"
        raise UsageError(f"{out_dir} is {what}; report reads the folder that `run --out` wrote")
    good = [_read_run(p) for p in sorted(out_dir.glob("[0-9][0-9]_*.results.json"))]
    failed = [_read_run(p) for p in sorted(out_dir.glob("failed/[0-9][0-9]_*.results.json"))]
    if not good and not failed:
        raise UsageError(f"no results.json in {out_dir}; run `python -m ganbook run --out {out_dir}` first")
    last_good = {r["chapter"]: r["started"] for r in good}
    return good, [r for r in failed if r["started"] > last_good.get(r["chapter"], "")]


def _read_run(path):
    """One results.json; a file that is not one is reported by name, never as a traceback."""
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path} cannot be read as JSON: {exc}") from None
    try:
        _check_run(run)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{path} is not a results.json of ganbook ({type(exc).__name__}: {exc})") from None
    return run


def _check_run(run):
    """Raise unless ``run`` has what the page shows: rendering it once is the check that cannot drift."""
    if not isinstance(run, dict) or not isinstance(run.get("started"), str):
        raise TypeError("expected an object with a 'started' time")
    _overview_row(run)
    _failed_row(run)
    _section(run)


def _section(r):
    """The lines of one chapter's section: versions, parameters, and its checks and claims."""
    v = r["versions"]
    lines = [
        "",
        f"## {r['chapter']}",
        "",
        f"python {v['python']}, torch {v['torch']}, ganlib {v['ganlib']}, commit `{v['git_commit']}`",
        "",
        "Parameters: " + ", ".join(f"`{k}={v_!r}`" for k, v_ in r["parameters"].items()),
    ]
    checks = [_judged_row(c, "check", "PASS" if c["passed"] else "FAIL", "expected") for c in r["checks"]]
    claims = [_claim_row(c) for c in r.get("verdicts", [])]
    return lines + [line for rows in (checks, claims) if rows for line in ("", _table(rows))]


def _failed_row(r):
    return {
        "chapter": r["chapter"],
        "profile": r["profile"],
        "started (UTC)": r["started"][:16].replace("T", " "),
        "error": r.get("error"),
        "notebook": f"failed/{r['chapter']}.ipynb",
    }


def _overview_row(r):
    passed = sum(c["passed"] for c in r["checks"])
    outcomes = [outcome(c) for c in r.get("verdicts", [])]
    return {
        "chapter": r["chapter"],
        "profile": r["profile"],
        "device": r["device"],
        "started (UTC)": r["started"][:16].replace("T", " "),
        "time": f"{r['duration_s']:.1f} s",
        "checks passed": passed,
        "checks failed": len(r["checks"]) - passed,
        "claims holding": outcomes.count(HOLDS),
        "claims not holding": outcomes.count(DOES_NOT_HOLD),
        "claims not decided": outcomes.count(NOT_DECIDED),
    }


def _judged_row(entry, kind, verdict, expected_label):
    return {kind: entry["name"], "verdict": verdict, "measured": entry["value"], expected_label: entry["expected"]}


def _claim_row(entry):
    """A verdict's row: outcome, numbers, and, when a rule judged it over seeds, its statistic, effect, test and n.

    A verdict given as holds=True/False/None, or read from a results.json of schema 3, leaves those cells empty.
    """
    row = _judged_row(entry, "empirical claim", outcome(entry), "claim")
    judged = entry.get("effect") is not None
    test = entry.get("test")
    if test is not None and entry.get("p_value") is not None:
        test += f", p={entry['p_value']:.2g}"
    if test is not None and entry.get("note"):
        test += f" ({entry['note']})"
    return row | {
        "statistic": entry.get("statistic"),
        "effect [interval]": format_effect(entry["effect"], entry["interval"]) if judged else None,
        "level": f"{100 * entry['level']:g}%" if judged else None,
        "test": test,
        "n": " vs ".join(map(str, entry["n"])) if judged else None,
    }


def _table(rows):
    return markdown_table(rows, format_cell=format_value)
