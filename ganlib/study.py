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

import numpy as np

from .batch import run_batch
from .results import record
from .runs import run_spec
from .tables import markdown_table

__all__ = [
    "spec_grid",
    "run_study",
    "Study",
    "mixture_summary",
    "digits_summary",
    "steadier",
    "STEADIER_RULE",
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


STEADIER_RULE = (
    "share of all-mode runs and mean HQ no worse than the baseline's; share, HQ or lost modes strictly better"
)


def steadier(row, base, name="candidate", base_name="baseline"):
    """Whether a summary row (:func:`mixture_summary`) is steadier than ``base``, as a verdict's keyword arguments.

    Returns ``{"holds": bool, "value": {...}, "expected": STEADIER_RULE}``, so that
    ``verdict(claim, **steadier(row, base))`` states the rule with the numbers it read.
    """
    no_worse = row["all_modes_share"] >= base["all_modes_share"] and row["hq_mean"] >= base["hq_mean"]
    better = (
        row["all_modes_share"] > base["all_modes_share"]
        or row["hq_mean"] > base["hq_mean"]
        or row["lost_modes"] < base["lost_modes"]
    )
    keys = ("all_modes_share", "hq_mean", "lost_modes")
    return {
        "holds": bool(no_worse and better),
        "value": {name: [row[k] for k in keys], base_name: [base[k] for k in keys]},
        "expected": STEADIER_RULE,
    }
