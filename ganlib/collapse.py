"""The book's rule for "less mode collapse than the baseline" on 2-D mixtures, judged only where there is collapse.

A claim that a method reduces mode collapse (WGAN's, chapter 4) compares the modes each run
covers at the end, over seeds: :class:`ganlib.study.RunComparison` on ``final_modes`` (more is
better, bootstrap of the mean difference), NOT DECIDED while the mode counts still move. It adds
one condition: the baseline must collapse somewhere (a run ending with a mode uncovered, or a
mode it covered and then lost). Where every baseline run covers every mode and keeps it there is
no collapse to reduce, and the comparison cannot show the claim (issue 11: "a claim about
collapse is only judged where the baseline collapses at all").
"""

from __future__ import annotations

from .stats import Rule
from .study import RunComparison

__all__ = ["LESS_COLLAPSE", "LESS_COLLAPSE_TEXT", "baseline_collapses", "less_collapse"]

LESS_COLLAPSE = RunComparison(Rule("final modes covered", better="higher"), "final_modes", settle=("modes",))
LESS_COLLAPSE_TEXT = (
    f"{LESS_COLLAPSE.text} Also NOT DECIDED when the baseline does not collapse: every one of its runs ends with "
    "every mode covered and has lost none."
)
"""The rule in words, to print before the experiment."""


def baseline_collapses(runs):
    """Whether some run that trained to the end finished with a mode uncovered or lost one it had covered."""
    ended = [r for r in runs if not r.get("diverged")]
    return any(r["final_modes"] < r["n_modes"] or r["lost_modes"] > 0 for r in ended)


def less_collapse(candidate, baseline, comparison=LESS_COLLAPSE):
    """The :class:`~ganlib.stats.Judgement` of "the candidate's runs collapse less than the baseline's".

    ``comparison`` (default :data:`LESS_COLLAPSE`) decides; the outcome turns NOT DECIDED when the
    baseline shows no collapse (:func:`baseline_collapses`).
    """
    if any(r.get("n_modes", 0) == 0 for r in list(candidate) + list(baseline)):
        raise ValueError("less_collapse needs runs on a mixture with modes (the swiss roll has none)")
    judgement = comparison.judge(candidate, baseline)
    if not baseline_collapses(baseline):
        judgement = judgement.undecided("the baseline covers every mode in every run and loses none: nothing to reduce")
    return judgement
