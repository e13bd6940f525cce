"""What a notebook measured and judged: ``record`` a metric, ``check`` a fact, ``verdict`` a finding.

Two kinds of judgement, kept apart on purpose:

- :func:`check` is for what must hold if our code is right: an identity, a formula, a bound,
  a property of a method that theory guarantees. A failed check is a defect; the runner counts
  it and ``make test`` fails.
- :func:`verdict` is for an empirical claim from a paper or from the notes (say, "RSGAN is
  steadier than SGAN") judged by an experiment. It has three outcomes: HOLDS, DOES NOT HOLD,
  and NOT DECIDED (the evidence at this budget cannot tell). Each is a result the book reports
  with its numbers; "does not hold" is a finding, not a build failure, so such a claim is never
  bent to pass. A claim judged over seeds passes the :class:`~ganlib.stats.Judgement` of a
  :class:`~ganlib.stats.Rule` stated before the run, so that the verdict names its statistic,
  test, number of seeds, and effect with its interval.

In a Jupyter kernel the judgements of a cell are shown together when the cell ends, as one small
table (Markdown, with the same lines as plain text beside it); elsewhere each prints its line.
:func:`summary` is the closing table of a chapter.

Inside a run of ``python -m ganbook run`` every call is also appended, one JSON object a line,
to the file named by the environment variable ``GANLIB_RESULTS``; the runner gathers those lines
into the chapter's ``results.json`` (schema: ``ganbook.RESULTS_SCHEMA``). Run by hand or
under nbval, the variable is unset and nothing is written. A failed check never raises: the
notebook goes on and the runner counts the failure.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os

import numpy as np

__all__ = [
    "record",
    "check",
    "verdict",
    "checks",
    "verdicts",
    "metrics",
    "summary",
    "Summary",
    "format_value",
    "format_effect",
    "outcome",
    "RESULTS_ENV",
    "HOLDS",
    "DOES_NOT_HOLD",
    "NOT_DECIDED",
    "OUTCOMES",
    "JUDGEMENT_FIELDS",
]

RESULTS_ENV = "GANLIB_RESULTS"
_ENTRIES: list[dict] = []

# A verdict's three outcomes, as recorded; printed in capitals. ``holds`` keeps True / False / None beside them.
HOLDS, DOES_NOT_HOLD, NOT_DECIDED = "holds", "does not hold", "not decided"
OUTCOMES = (HOLDS, DOES_NOT_HOLD, NOT_DECIDED)
_HOLDS_FLAG = {HOLDS: True, DOES_NOT_HOLD: False, NOT_DECIDED: None}
_OUTCOME_OF_HOLDS = {flag: word for word, flag in _HOLDS_FLAG.items()}
# What a verdict judged by a rule adds to its entry (None when it was given as holds=True/False/None).
JUDGEMENT_FIELDS = ("statistic", "test", "n", "effect", "interval", "level", "p_value", "rule", "note")


def _plain(value):
    """JSON-friendly copy of a number, array, tensor or nested list of them."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def format_value(value):
    """Short, stable text for a value: floats to 4 significant digits."""
    if isinstance(value, float):
        return "inf" if math.isinf(value) else f"{value:.4g}"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value[:8]) + (", ..." if len(value) > 8 else "") + "]"
    return str(value)


def format_effect(effect, interval):
    """An effect with its interval, signed, to 3 significant digits: ``+0.12 [0.03, 0.2]``."""
    lo, hi = interval
    return f"{effect:+.3g} [{lo:.3g}, {hi:.3g}]"


# the mark and the word kept on one line (a no-break space) in a narrow table column
_OUTCOME_WORDS = {
    word: f"{mark}\u00a0{word}"
    for word, mark in [("PASS", "✔"), ("FAIL", "✘"), ("HOLDS", "✔"), ("DOES NOT HOLD", "✘"), ("NOT DECIDED", "?")]
}
_cell_rows: list[tuple[str, str, str, str]] = []  # (line, outcome, claim, evidence) of the running cell


def _markdown_text(text):
    """``text`` with Markdown's (and MyST math's) special characters escaped, for a table cell."""
    return "".join("\\" + c if c in "\\`*_{}[]<>#|$~" else c for c in str(text)).replace("\n", " ")


def _table(rows, head=("", "claim", "evidence")):
    """A Markdown table: each row an outcome word (shown in bold with its mark) and its text cells."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for word, *cells in rows:
        marked = _OUTCOME_WORDS.get(word, word)
        lines.append("| " + " | ".join([f"**{marked}**", *map(_markdown_text, cells)]) + " |")
    return "\n".join(lines)


def _jupyter_shell():
    """The running Jupyter kernel's shell, or None (a script, pytest, a plain interpreter)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and type(shell).__name__ == "ZMQInteractiveShell" else None


def _show_cell_table(*_):
    """At the end of a cell: its judgements as one table (text/markdown, and text/plain lines)."""
    if not _cell_rows:
        return
    from IPython.display import display

    rows, text = [r[1:] for r in _cell_rows], "\n".join(r[0] for r in _cell_rows)
    _cell_rows.clear()
    display({"text/plain": text, "text/markdown": _table(rows)}, raw=True)


def _show(line, outcome_word, name, evidence):
    """Print one judgement's line, or in a Jupyter kernel keep it for the cell's table."""
    shell = _jupyter_shell()
    if shell is None:
        print(line)
        return
    if _show_cell_table not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", _show_cell_table)
    _cell_rows.append((line, outcome_word, name, evidence))


def _emit(entry):
    _ENTRIES.append(entry)
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, allow_nan=True) + "\n")


def record(name, value):
    """Record a metric under ``name`` (a number, array, tensor, or a list or dict of them)."""
    _emit({"kind": "metric", "name": str(name), "value": _plain(value)})


def check(name, passed, value=None, expected=None):
    """Judge a claim: print one PASS/FAIL line and record the verdict with its numbers.

    ``value`` is what was measured and ``expected`` what the claim says (a number or a short
    text such as ``"< 0.05"``). Returns nothing, so a check closing a cell prints only its line;
    :func:`checks` lists the verdicts.
    """
    _judge("check", "passed", passed, ("PASS", "FAIL"), "expected", name, value, expected)


def verdict(name, holds=None, value=None, expected=None, *, judgement=None):
    """Judge an empirical claim: print one HOLDS / DOES NOT HOLD / NOT DECIDED line and record it.

    Use it for claims an experiment may confirm or refute (see the module docstring); for facts
    that must hold, use :func:`check`. The rule must be fixed before the experiment runs and
    stated in the book beside the line. Two ways to give the outcome:

    - ``verdict(name, judgement=rule.judge(candidate, baseline))`` for a claim over seeds: the
      :class:`~ganlib.stats.Judgement` decides, and its statistic, test, n, effect, interval,
      p-value and rule text are printed and recorded;
    - ``verdict(name, holds, value, expected)`` with ``holds`` True, False, or None (NOT DECIDED),
      for a claim a single measurement settles.

    ``value`` (what was measured) and ``expected`` (what the claim says) are recorded either way.
    """
    if judgement is not None and holds is not None:
        raise ValueError("verdict takes holds or a judgement, not both: the judgement's outcome decides")
    if judgement is None:
        result = _OUTCOME_OF_HOLDS[None if holds is None else bool(holds)]
        fields = dict.fromkeys(JUDGEMENT_FIELDS)
    else:
        result, fields = judgement.outcome, dataclasses.asdict(judgement)
        fields = {k: _plain(fields[k]) for k in JUDGEMENT_FIELDS}
    entry = {"kind": "verdict", "name": str(name), "outcome": result, "holds": _HOLDS_FLAG[result]}
    entry.update(value=_plain(value), expected=_plain(expected), **fields)
    _emit(entry)
    numbers = _numbers(entry, "claim")
    parts = [str(judgement)] if judgement is not None else []
    if numbers:
        parts.append(numbers)
    evidence = "; ".join(parts)
    _show(f"{result.upper()}  {name}" + (": " + evidence if parts else ""), result.upper(), name, evidence)


def _numbers(entry, expected_word):
    """``measured v, <expected_word> e`` from a recorded entry, leaving out what was not given."""
    numbers = []
    if entry["value"] is not None:
        numbers.append(f"measured {format_value(entry['value'])}")
    if entry["expected"] is not None:
        numbers.append(f"{expected_word} {format_value(entry['expected'])}")
    return ", ".join(numbers)


def outcome(entry):
    """The outcome of a recorded verdict; an entry written before there were three (schema 3) has only ``holds``."""
    return entry.get("outcome") or _OUTCOME_OF_HOLDS[entry["holds"]]


def _judge(kind, flag, ok, words, expected_word, name, value, expected):
    """Record one judgement and print its line: WORD  name: measured v, <expected_word> e."""
    ok = bool(ok)
    entry = {"kind": kind, "name": str(name), flag: ok, "value": _plain(value), "expected": _plain(expected)}
    _emit(entry)
    numbers = _numbers(entry, expected_word)
    word = words[0] if ok else words[1]
    _show(f"{word}  {name}" + (": " + numbers if numbers else ""), word, name, numbers)


def verdicts():
    """The verdicts on empirical claims recorded so far in this process, oldest first."""
    return [e for e in _ENTRIES if e["kind"] == "verdict"]


def checks():
    """The checks recorded so far in this process, oldest first."""
    return [e for e in _ENTRIES if e["kind"] == "check"]


def metrics():
    """The metrics recorded so far in this process, as a name -> value dict."""
    return {e["name"]: e["value"] for e in _ENTRIES if e["kind"] == "metric"}


class Summary(str):
    """The closing table of a chapter: plain text when printed, a Markdown table in a notebook."""

    rows: list
    counts: str

    def __repr__(self):
        return str(self)

    def _repr_markdown_(self):
        return _table(self.rows, head=("", "check or claim")) + "\n\n" + _markdown_text(self.counts)


def summary():
    """A one-line-per-judgement table of this process's checks and verdicts, for a chapter's closing cell.

    Printed, it is text; as the last expression of a notebook cell it shows as a Markdown table.
    """
    rows, claims = checks(), verdicts()
    width = max((len(r["name"]) for r in rows + claims), default=5)
    lines = [f"{'check':<{width}}  verdict"] + [
        f"{r['name']:<{width}}  {'PASS' if r['passed'] else 'FAIL'}" for r in rows
    ]
    failed = sum(not r["passed"] for r in rows)
    lines.append(f"{len(rows) - failed} passed, {failed} failed")
    if claims:
        lines += ["", f"{'empirical claim':<{width}}  verdict"]
        lines += [f"{r['name']:<{width}}  {outcome(r)}" for r in claims]
        counts = [sum(outcome(r) == o for r in claims) for o in OUTCOMES]
        lines.append("{} hold, {} do not, {} not decided".format(*counts))
    table = Summary("\n".join(lines))
    table.rows = [("PASS" if r["passed"] else "FAIL", r["name"]) for r in rows]
    table.rows += [(outcome(r).upper(), r["name"]) for r in claims]
    table.counts = f"checks: {len(rows) - failed} passed, {failed} failed" + (
        f"; claims: {lines[-1]}" if claims else ""
    )
    return table
