"""Studies: a grid of run specs, run in parallel, then selected, grouped, summarised and compared.

A chapter's study is a list of frozen specs (:mod:`ganlib.runs`) built by :func:`spec_grid`,
run by :func:`run_study` (one process per core, :func:`ganlib.batch.run_batch`), and read
through a :class:`Study`: ``study.select(dataset="ring", loss="rsgan")`` keeps the runs whose
spec has those fields, ``study.summarise(by=("dataset", "loss"))`` gives one row per group.
:func:`steadier` is the book's one rule for "steadier than the baseline" on mixtures.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .batch import run_batch
from .results import record
from .runs import run_spec
from .stats import Judgement, Rule
from .tables import markdown_table

__all__ = [
    "spec_grid",
    "run_study",
    "Study",
    "mixture_summary",
    "digits_summary",
    "settled",
    "RunComparison",
    "STEADIER",
    "steadier",
    "show_divergences",
]


def spec_grid(make, axes, **fixed):
    """One spec per point of the product of ``axes``, built by ``make(**point, **fixed)``.

    ``axes`` maps a field to its values; the first axis varies slowest, so
    ``spec_grid(MixtureRun, {"loss": ["a", "b"], "seed": range(3)}, steps=800)`` lists a's
    three seeds, then b's. ``make`` is a spec class or any function of keyword arguments.
    """
    names = list(axes)
    empty = [n for n in names if len(list(axes[n])) == 0]
    if empty:
        raise ValueError(f"spec_grid: no values for {', '.join(empty)}")
    return [make(**dict(zip(names, point)), **fixed) for point in itertools.product(*(list(axes[n]) for n in names))]


def run_study(specs, workers=None, desc="runs"):
    """Run every spec (in parallel; results in the specs' order) and return them as a :class:`Study`.

    Runs that blew up are named at once (:func:`show_divergences`, recorded as ``diverged runs (desc)``).
    """
    study = Study(run_batch(run_spec, list(specs), workers=workers, desc=desc))
    show_divergences(study, name=f"diverged runs ({desc})", quiet=True)
    return study


class Study(Sequence):
    """The results of a study's runs (dicts with a ``spec`` dict), in the order they were asked for."""

    def __init__(self, results):
        self.results = list(results)

    def __getitem__(self, index):
        return Study(self.results[index]) if isinstance(index, slice) else self.results[index]

    def __len__(self):
        return len(self.results)

    def __add__(self, other):
        return Study(self.results + list(other))

    def select(self, **fields):
        """The runs whose spec has every given field equal to the given value (a run without it never matches)."""
        missing = object()
        return Study(r for r in self.results if all(r["spec"].get(k, missing) == v for k, v in fields.items()))

    def groups(self, *by):
        """``{(value, ...): Study}`` grouped by the spec fields ``by``, in first-seen order."""
        out = {}
        for r in self.results:
            out.setdefault(tuple(r["spec"][k] for k in by), []).append(r)
        return {key: Study(runs) for key, runs in out.items()}

    def diverged(self):
        """The runs whose training blew up (a non-finite loss: ``result["diverged"]`` is set)."""
        return Study(r for r in self.results if r.get("diverged"))

    def values(self, key):
        """``np.array`` of one result key over the runs (``"final_hq"``, say)."""
        return np.array([r[key] for r in self.results])

    def summarise(self, by, summary=None):
        """One row per group of runs: the group's fields, then ``summary(runs)`` (default :func:`mixture_summary`)."""
        summary = summary or mixture_summary
        return [{**dict(zip(by, key)), **summary(runs)} for key, runs in self.groups(*by).items()]


def _ended(runs):
    """The runs that trained to the end (a diverged run has no final scores)."""
    return [r for r in runs if not r.get("diverged")]


def _mean_std(values):
    """(mean, std with ddof 0), NaN for no values (every run diverged) without NumPy's warning."""
    values = np.asarray(values, dtype=float)
    return (values.mean(), values.std()) if len(values) else (float("nan"), float("nan"))


def mixture_summary(runs):
    """The final scores of runs on one mixture: ``runs``, mean and std (ddof 0) of modes and HQ, ``all_modes_share``
    (runs ending with every mode covered), ``lost_modes`` (summed over the runs) and ``diverged`` (runs that blew
    up). Means, stds and lost modes are over the runs that trained to the end; a diverged run counts in
    ``all_modes_share`` as a run that did not end with every mode, never as a collapse to zero modes."""
    ended = _ended(runs)
    modes_mean, modes_std = _mean_std([r["final_modes"] for r in ended])
    hq_mean, hq_std = _mean_std([r["final_hq"] for r in ended])
    return {
        "runs": len(runs),
        "modes_mean": modes_mean,
        "modes_std": modes_std,
        "hq_mean": hq_mean,
        "hq_std": hq_std,
        "all_modes_share": float(np.mean([r["final_modes"] == r["n_modes"] for r in runs])),
        "lost_modes": int(sum(r["lost_modes"] for r in ended)),
        "diverged": len(runs) - len(ended),
    }


def digits_summary(runs):
    """The final scores of digits runs: ``runs``, mean and std (ddof 0) of the digit-FD over the runs that trained to
    the end, ``all_classes_share`` (runs whose last scoring produced all ten classes; a diverged run did not) and
    ``diverged`` (runs that blew up)."""
    ended = _ended(runs)
    fd_mean, fd_std = _mean_std([r["final_fd"] for r in ended])
    return {
        "runs": len(runs),
        "fd_mean": fd_mean,
        "fd_std": fd_std,
        "all_classes_share": float(np.mean([not r.get("diverged") and r["classes_covered"][-1] == 10 for r in runs])),
        "diverged": len(runs) - len(ended),
    }


def _varying_fields(study):
    """The spec fields whose values differ between the runs of ``study`` (what tells its runs apart)."""
    specs = [r["spec"] for r in study]
    return [k for k in specs[0] if len({repr(s.get(k)) for s in specs}) > 1] if specs else []


def show_divergences(study, fields=None, name="diverged_runs", quiet=False):
    """Print and record the runs of ``study`` that blew up: one row per run with its spec ``fields`` (default:
    those that vary within the study), the step where it diverged and the first non-finite value's name.

    Recorded under ``name`` as a list of rows (empty when no run diverged). Printed as a table; when no run
    diverged, one line says so unless ``quiet``.
    """
    fields = _varying_fields(study) if fields is None else fields
    rows = [
        {**{f: r["spec"][f] for f in fields}, "diverged_at": r["diverged"]["step"], "non_finite": r["diverged"]["name"]}
        for r in study.diverged()
    ]
    record(name, rows)
    if rows:
        print(f"{len(rows)} of {len(study)} runs diverged (a loss became NaN or infinite); they are not scored:")
        print(markdown_table(rows))
    elif not quiet:
        print(f"none of the {len(study)} runs diverged")


def settled(runs, key, tolerance=0.05):
    """Whether the score ``key`` (a series over scorings, such as ``"modes"``) has stopped moving: ``(bool, text)``.

    The runs' mean over the last quarter of their scorings (at least one) is compared with the quarter before;
    the score has settled when the two differ by at most ``tolerance`` of the larger in size. Final scores that
    are still moving measure how fast a loss trains, not where it ends.
    """
    series = [np.asarray(r[key], dtype=float) for r in runs]
    scorings = min((len(x) for x in series), default=0)
    q = max(1, scorings // 4)
    if scorings < 2:
        return False, f"{key}: fewer than two scorings, so whether it settled is unknown"
    last = np.mean([x[-q:].mean() for x in series])
    before = np.mean([x[-2 * q : -q].mean() for x in series])
    moved = abs(last - before) / max(abs(last), abs(before), 1e-12)
    verb = "has settled" if moved <= tolerance else "is still moving"
    return bool(moved <= tolerance), f"{key} {verb}: {100 * moved:.0f}% change over the last quarter of training"


@dataclass(frozen=True)
class RunComparison:
    """A claim that one kind of run ends better than another, judged on a final score of each run.

    ``rule`` (a :class:`~ganlib.stats.Rule`) compares the final ``key`` of the candidate's runs with the
    baseline's. Runs that diverged have no final score: they are left out and counted in the note. The
    comparison stays NOT DECIDED while a score named in ``settle`` is still moving (:func:`settled`, within
    ``tolerance``): a verdict is not decided on runs too short to show where they end. Print :attr:`text`
    before the experiment; :meth:`judge` gives the :class:`~ganlib.stats.Judgement` for ``verdict``.
    """

    rule: Rule
    key: str  # the final score of a run, e.g. "final_hq"
    settle: tuple = ()  # score series over training that must have settled, e.g. ("modes", "hq")
    tolerance: float = 0.05

    @property
    def text(self):
        """The rule in words, with the settling condition."""
        if not self.settle:
            return self.rule.text
        moving = " or ".join(self.settle)
        return (
            f"{self.rule.text} Also NOT DECIDED while {moving} still move: a change over the last quarter of "
            f"training of more than {100 * self.tolerance:g}% (mean over the runs compared)."
        )

    def judge(self, candidate, baseline):
        """The :class:`~ganlib.stats.Judgement` of the candidate's runs against the baseline's."""
        ended_c, ended_b = _ended(candidate), _ended(baseline)
        judgement: Judgement = self.rule.judge([r[self.key] for r in ended_c], [r[self.key] for r in ended_b])
        judgement = replace(judgement, rule=self.text)
        diverged = len(candidate) + len(baseline) - len(ended_c) - len(ended_b)
        if diverged:
            judgement = replace(judgement, note=_join(judgement.note, f"{diverged} runs diverged"))
        moving = [text for ok, text in (settled(ended_c + ended_b, k, self.tolerance) for k in self.settle) if not ok]
        return judgement.undecided("; ".join(moving)) if moving else judgement


def _join(note, more):
    return more if note is None else f"{note}; {more}"


STEADIER = RunComparison(
    Rule("final HQ over seeds and settings", better="lower", statistic="std"), "final_hq", settle=("modes", "hq")
)
"""The book's one rule for "steadier than the baseline" on mixtures: a smaller spread of the final high-quality
share over seeds and a small grid of settings, pooled (as "Are GANs Created Equal?" compares losses over seeds and
hyper-parameters), judged only once the modes and HQ curves have settled."""


def steadier(candidate, baseline):
    """:data:`STEADIER` judged on two sets of mixture runs (a :class:`Study` each); a Judgement for ``verdict``."""
    return STEADIER.judge(candidate, baseline)
