"""Judging mode-collapse claims: only where the runs compared can show collapse at all.

A claim about *collapse* ("loss A drops modes", chapter 3; "WGAN collapses less than the
non-saturating GAN", chapter 4) compares a per-run mode count over seeds with a
:class:`~ganlib.study.RunComparison`. That comparison says nothing about collapse where there is
none to see, so :class:`CollapseComparison` turns its judgement NOT DECIDED, saying why, unless
the runs can show it (issue 11: "a claim about collapse is only judged where the baseline
collapses at all"). Two guards, one per kind of claim:

- ``where="compared"`` (A drops modes, B does not): some run compared ends with a mode missing,
  and some run ends with every mode covered; where no run covers every mode, what is missing may
  be plain under-training at this budget, not collapse (:func:`collapse_occurs`);
- ``where="baseline"`` (A collapses less than a baseline): some baseline run ends with a mode
  missing or lost a mode it had covered; otherwise there is nothing to reduce
  (:func:`baseline_collapses`). :data:`LESS_COLLAPSE` is chapter 4's rule of this kind.

Runs that diverged are left out of both guards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .results import NOT_DECIDED
from .stats import MIN_SEEDS, Judgement, Rule
from .study import RunComparison

__all__ = [
    "CollapseComparison",
    "collapse_occurs",
    "baseline_collapses",
    "LESS_COLLAPSE",
    "LESS_COLLAPSE_TEXT",
    "less_collapse",
]

_GUARDS = ("compared", "baseline")


def _missing(run):
    """Modes not covered at the end of a run (``missing_modes``, or ``n_modes - final_modes``)."""
    if run.get("missing_modes") is not None:
        return run["missing_modes"]
    if run.get("final_modes") is None or not run.get("n_modes"):
        raise ValueError("a collapse guard needs mixture runs with modes to count (missing_modes is None)")
    return run["n_modes"] - run["final_modes"]


def _ended(runs):
    return [r for r in runs if not r.get("diverged")]


def collapse_occurs(runs):
    """``(ok, reasons)``: whether ``runs`` can show collapse: some run ends with a mode missing and some with none.

    ``reasons`` lists, in words, each condition that fails.
    """
    missing = [_missing(r) for r in _ended(runs)]
    reasons = []
    if not any(m > 0 for m in missing):
        reasons.append("no run ends with a mode missing: there is no collapse to judge at this budget")
    if not any(m == 0 for m in missing):
        reasons.append("no run covers every mode: missing modes may be under-training, not collapse")
    return not reasons, reasons


def baseline_collapses(runs):
    """Whether some run that trained to the end finished with a mode uncovered or lost one it had covered."""
    return any(_missing(r) > 0 or (r.get("lost_modes") or 0) > 0 for r in _ended(runs))


@dataclass(frozen=True)
class CollapseComparison:
    """A :class:`~ganlib.study.RunComparison` on a mode count, judged only where collapse can show (see the module)."""

    comparison: RunComparison
    where: str = "compared"

    def __post_init__(self):
        if self.where not in _GUARDS:
            raise ValueError(f"where must be one of {', '.join(_GUARDS)}, got {self.where!r}")

    @property
    def text(self):
        """The rule in words, with its condition on collapse."""
        if self.where == "baseline":
            condition = (
                "Also NOT DECIDED when the baseline does not collapse: every one of its runs ends with every mode "
                "covered and has lost none."
            )
        else:
            condition = (
                "Judged only where collapse shows: NOT DECIDED unless some run compared ends with a mode missing "
                "and some run ends with every mode covered."
            )
        return f"{self.comparison.text} {condition}"

    def judge(self, candidate, baseline):
        """The :class:`~ganlib.stats.Judgement` of the candidate's runs against the baseline's."""
        ended = [len(_ended(runs)) for runs in (candidate, baseline)]
        if min(ended) < MIN_SEEDS:  # nothing to compare: say so rather than fail
            rule, nan = self.comparison.rule, float("nan")
            why = f"fewer than {MIN_SEEDS} runs of a group ended ({ended[0]} vs {ended[1]}; the rest diverged)"
            return Judgement(
                NOT_DECIDED, rule.compared, "none", tuple(ended), nan, (nan, nan), rule.level, None, self.text, why
            )
        judgement = replace(self.comparison.judge(candidate, baseline), rule=self.text)
        if self.where == "baseline":
            if not baseline_collapses(baseline):
                reason = "the baseline covers every mode in every run and loses none: nothing to reduce"
                return judgement.undecided(reason, rule=self.text)
            return judgement
        ok, reasons = collapse_occurs([*candidate, *baseline])
        return judgement if ok else judgement.undecided("; ".join(reasons), rule=self.text)


LESS_COLLAPSE = CollapseComparison(
    RunComparison(Rule("final modes covered", better="higher"), "final_modes", settle=("modes",)), where="baseline"
)
LESS_COLLAPSE_TEXT = LESS_COLLAPSE.text
"""Chapter 4's rule for "collapses less than the baseline", in words, to print before the experiment."""


def less_collapse(candidate, baseline):
    """The judgement of "the candidate's runs collapse less than the baseline's" (:data:`LESS_COLLAPSE`)."""
    if any(r.get("n_modes", 0) == 0 for r in [*candidate, *baseline]):
        raise ValueError("less_collapse needs runs on a mixture with modes (the swiss roll has none)")
    return LESS_COLLAPSE.judge(candidate, baseline)
