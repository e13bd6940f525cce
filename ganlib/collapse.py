"""Judging mode-collapse claims: only where collapse happens at all and every mode can be reached.

"Loss A drops modes" is a claim about *collapse*. A comparison of modes covered says nothing about it
when no run misses a mode (there is no collapse to explain), nor when no run covers every mode (what
is missing may be plain under-training at this budget, not collapse). :class:`CollapseComparison`
wraps a :class:`~ganlib.study.RunComparison` of a per-run mode count (``missing_modes`` or
``final_modes`` of :func:`ganlib.runs.run_mixture`) and turns its judgement NOT DECIDED in those two
cases, saying which in the note (chapter 3).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .results import NOT_DECIDED
from .stats import MIN_SEEDS, Judgement
from .study import RunComparison

__all__ = ["CollapseComparison", "collapse_occurs"]


def collapse_occurs(runs):
    """``(ok, reasons)``: whether ``runs`` can show collapse: some run ends with a mode missing and some with none.

    Runs that diverged are left out; ``reasons`` lists, in words, each condition that fails.
    """
    missing = [r["missing_modes"] for r in runs if not r.get("diverged")]
    if any(m is None for m in missing):
        raise ValueError("collapse_occurs needs mixture runs with modes to count (missing_modes is None)")
    reasons = []
    if not any(m > 0 for m in missing):
        reasons.append("no run ends with a mode missing: there is no collapse to judge at this budget")
    if not any(m == 0 for m in missing):
        reasons.append("no run covers every mode: missing modes may be under-training, not collapse")
    return not reasons, reasons


@dataclass(frozen=True)
class CollapseComparison:
    """A :class:`~ganlib.study.RunComparison` on a mode count, judged only where the runs compared can show collapse."""

    comparison: RunComparison

    @property
    def text(self):
        """The rule in words, with the condition on collapse."""
        return (
            f"{self.comparison.text} Judged only where collapse shows: NOT DECIDED unless some run compared ends "
            "with a mode missing and some run ends with every mode covered."
        )

    def judge(self, candidate, baseline):
        """The :class:`~ganlib.stats.Judgement` of the candidate's runs against the baseline's."""
        ended = [sum(not r.get("diverged") for r in runs) for runs in (candidate, baseline)]
        if min(ended) < MIN_SEEDS:  # nothing to compare: say so rather than fail
            rule, nan = self.comparison.rule, float("nan")
            why = f"fewer than {MIN_SEEDS} runs of a group ended ({ended[0]} vs {ended[1]}; the rest diverged)"
            return Judgement(
                NOT_DECIDED, rule.compared, "none", tuple(ended), nan, (nan, nan), rule.level, None, self.text, why
            )
        judgement = self.comparison.judge(candidate, baseline)
        ok, reasons = collapse_occurs([*candidate, *baseline])
        return replace(judgement, rule=self.text) if ok else judgement.undecided("; ".join(reasons), rule=self.text)
