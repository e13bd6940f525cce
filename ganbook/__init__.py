"""ganbook: the GAN book's tooling; lists the chapters and executes them with papermill.

``python -m ganbook list`` prints every chapter with its parameters; ``python -m ganbook run``
executes chapters; ``python -m ganbook report OUT`` writes the page on how they were run. The
notebooks folder is ``notebooks`` under the working directory unless ``--notebooks DIR`` says
otherwise. One idea per module: :mod:`~ganbook.params` (the parameter grammar and ``-p``),
:mod:`~ganbook.chapters` (chapters, profiles), :mod:`~ganbook.cache` (cache key, versions),
:mod:`~ganbook.execute` (papermill, ``results.json``), :mod:`~ganbook.kernel` (the kernel's log
and processes), :mod:`~ganbook.progress` (batches shown while a cell runs), :mod:`~ganbook.lock`
(one run per output folder, leftovers of dead runs), :mod:`~ganbook.report` (the run-report
page) and :mod:`~ganbook.cli` (the commands and exit codes). ganbook uses ganlib; ganlib knows
nothing of it.

A chapter is a notebook ``NN_topic.ipynb`` in the notebooks folder. Its parameters, their
types, defaults and allowed ranges are declared in its cell tagged ``parameters``, one a line::

    steps: int = 300  # generator steps; range [1, inf)
    lr: float = 1e-3  # learning rate; range (0, inf)
    device: str = "auto"  # torch device; one of auto|cpu|cuda
    losses: str = "minimax,rsgan"  # comma-separated losses; each one of minimax|rsgan|wgan

The values of each profile (``quick`` for a CPU in minutes, ``medium`` for about ten minutes a
chapter on 2 cores, ``full`` for paper scale on a GPU) live in one file, ``profiles.yml`` in the
notebooks folder. Everything the user asks for is validated before
anything runs.

Each executed chapter lands in ``OUT/NN_topic.ipynb`` with ``OUT/NN_topic.results.json``
beside it (schema below). A chapter that raises is kept as ``OUT/failed/NN_topic.ipynb`` and
never replaces an earlier good run. A run whose notebook, parameters and ganlib and ganbook
sources are unchanged since the last good run is skipped (``--force`` re-executes). One run
at a time writes into an OUT folder; an interrupted run (Ctrl-C, SIGTERM) discards the chapter
it was running, with its kernel and worker processes, and keeps every earlier result.

``results.json`` schema (version 4, strict JSON: a non-finite number is the string "inf", "-inf"
or "nan". Version 3 gave a verdict ``holds`` alone, with no ``outcome`` or evidence; version 2
wrote bare Infinity and NaN; version 1 lacked ``verdicts``)::

    schema        4
    chapter       "01_information_theory"
    profile       "quick" | "medium" | "full"
    parameters    {name: value} as injected into the notebook
    device        "cpu" | "cuda"
    versions      {python, torch, ganlib, git_commit}; the commit of the checkout holding the
                  notebooks folder ("-dirty" when tracked files changed), null outside one
    started       ISO-8601 time, UTC
    duration_s    wall time of the execution in seconds
    status        "ok" (ran to the end) | "error" (raised; see "error")
    error         null, or the exception's last line
    cache_key     sha256 of notebook, profile, parameters and ganlib and ganbook sources
    metrics       {name: value} from ganlib.results.record
    checks        [{name, passed, value, expected}] from ganlib.results.check
    verdicts      [{name, outcome, holds, value, expected, statistic, test, n, effect, interval,
                  level, p_value, rule, note}] from ganlib.results.verdict: empirical claims.
                  outcome is "holds" | "does not hold" | "not decided" (holds: true | false |
                  null, as in version 3); no outcome is counted as a failure. The rest comes from
                  the ganlib.stats.Judgement of a rule, all null for a verdict given as
                  holds=True/False/None: statistic ("mean of final HQ share"), test ("bootstrap
                  of mean difference", "Mann-Whitney U, two-sided"), n (seeds per group:
                  [candidate, baseline], or [sample] against a threshold), effect (signed:
                  positive is better in the claim's direction), interval ([lo, hi] of the effect
                  at level), p_value (the rank test's, else null), rule (its text, as the chapter
                  printed it before the run), note (null, or why the outcome is not what the
                  numbers suggest: too few seeds to decide at that level)
"""

from .cache import cache_key
from .chapters import DEFAULT_NOTEBOOKS, PROFILES, Chapter, discover
from .cli import main
from .execute import RESULTS_SCHEMA, run_chapter
from .params import Param, UsageError
from .report import render_report

__all__ = [
    "main",
    "Chapter",
    "Param",
    "discover",
    "RESULTS_SCHEMA",
    "UsageError",
    "DEFAULT_NOTEBOOKS",
    "PROFILES",
    "cache_key",
    "run_chapter",
    "render_report",
]
