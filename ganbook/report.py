"""The run report: a Markdown page on the ``results.json`` files of a folder, for the book."""
from __future__ import annotations

import json
from pathlib import Path

from ganlib.results import format_value

__all__ = ["render_report"]


def render_report(out_dir):
    """A Markdown page on the runs in ``out_dir``: what ran, where, with what, for how long, verdicts."""
    out_dir = Path(out_dir)
    runs = [json.loads(p.read_text()) for p in sorted(out_dir.glob("[0-9][0-9]_*.results.json"))]
    lines = ["# How these chapters were run", "",
             "Written by `python -m ganbook report` from the `results.json` that each run left beside its",
             "executed notebook: the profile and parameters, the device and versions, the wall time, and",
             "the verdict of every check. Timings are of the machine that built this copy of the book.",
             "A *check* is a fact our code must reproduce (a failure is a bug); an *empirical claim* is",
             "a paper's or the notes' claim judged by an experiment, and either verdict is a result.", "",
             "| chapter | profile | device | started (UTC) | time | checks passed | checks failed | claims holding |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in runs:
        passed = sum(c["passed"] for c in r["checks"])
        started = r["started"][:16].replace("T", " ")
        claims = r.get("verdicts", [])
        held = f"{sum(c['holds'] for c in claims)} of {len(claims)}" if claims else "-"
        lines.append(f"| {r['chapter']} | {r['profile']} | {r['device']} | {started} | {r['duration_s']:.1f} s "
                     f"| {passed} | {len(r['checks']) - passed} | {held} |")
    for r in runs:
        v = r["versions"]
        lines += ["", f"## {r['chapter']}", "",
                  f"python {v['python']}, torch {v['torch']}, ganlib {v['ganlib']}, commit `{v['git_commit']}`", "",
                  "Parameters: " + ", ".join(f"`{k}={v_!r}`" for k, v_ in r["parameters"].items()), "",
                  "| check | verdict | measured | expected |", "| --- | --- | --- | --- |"]
        for c in r["checks"]:
            lines.append(f"| {_cell(c['name'])} | {'PASS' if c['passed'] else 'FAIL'} "
                         f"| {_cell(c['value'])} | {_cell(c['expected'])} |")
        if r.get("verdicts"):
            lines += ["", "| empirical claim | verdict | measured | claim |", "| --- | --- | --- | --- |"]
            for c in r["verdicts"]:
                lines.append(f"| {_cell(c['name'])} | {'holds' if c['holds'] else 'does not hold'} "
                             f"| {_cell(c['value'])} | {_cell(c['expected'])} |")
    return "\n".join(lines) + "\n"


def _cell(value):
    return "" if value is None else format_value(value).replace("|", "\\|")
