"""The run report: a Markdown page on the ``results.json`` files of a folder, for the book."""

from __future__ import annotations

import json
from pathlib import Path

from ganlib.results import format_value
from ganlib.tables import markdown_table

__all__ = ["render_report"]


def render_report(out_dir):
    """A Markdown page on the runs in ``out_dir``: what ran, where, with what, for how long, verdicts."""
    out_dir = Path(out_dir)
    runs = [json.loads(p.read_text()) for p in sorted(out_dir.glob("[0-9][0-9]_*.results.json"))]
    lines = [
        "# How these chapters were run",
        "",
        "Written by `python -m ganbook report` from the `results.json` that each run left beside its",
        "executed notebook: the profile and parameters, the device and versions, the wall time, and",
        "the verdict of every check. Timings are of the machine that built this copy of the book.",
        "A *check* is a fact our code must reproduce (a failure is a bug); an *empirical claim* is",
        "a paper's or the notes' claim judged by an experiment, and either verdict is a result.",
        "",
    ]
    if runs:
        lines.append(_table([_overview_row(r) for r in runs]))
    for r in runs:
        v = r["versions"]
        lines += [
            "",
            f"## {r['chapter']}",
            "",
            f"python {v['python']}, torch {v['torch']}, ganlib {v['ganlib']}, commit `{v['git_commit']}`",
            "",
            "Parameters: " + ", ".join(f"`{k}={v_!r}`" for k, v_ in r["parameters"].items()),
        ]
        checks = [_judged_row(c, "check", "PASS" if c["passed"] else "FAIL", "expected") for c in r["checks"]]
        claims = [
            _judged_row(c, "empirical claim", "holds" if c["holds"] else "does not hold", "claim")
            for c in r.get("verdicts", [])
        ]
        lines += [line for rows in (checks, claims) if rows for line in ("", _table(rows))]
    return "\n".join(lines) + "\n"


def _overview_row(r):
    passed = sum(c["passed"] for c in r["checks"])
    claims = r.get("verdicts", [])
    return {
        "chapter": r["chapter"],
        "profile": r["profile"],
        "device": r["device"],
        "started (UTC)": r["started"][:16].replace("T", " "),
        "time": f"{r['duration_s']:.1f} s",
        "checks passed": passed,
        "checks failed": len(r["checks"]) - passed,
        "claims holding": f"{sum(c['holds'] for c in claims)} of {len(claims)}" if claims else "-",
    }


def _judged_row(entry, kind, outcome, expected_label):
    return {kind: entry["name"], "verdict": outcome, "measured": entry["value"], expected_label: entry["expected"]}


def _table(rows):
    return markdown_table(rows, format_cell=format_value)
