"""ganlib.collapse: collapse claims judged only where collapse shows (among the runs compared, or in the baseline)."""

import numpy as np
import pytest

from ganlib.collapse import (
    LESS_COLLAPSE_TEXT,
    CollapseComparison,
    baseline_collapses,
    collapse_occurs,
    less_collapse,
)
from ganlib.results import DOES_NOT_HOLD, HOLDS, NOT_DECIDED
from ganlib.stats import Rule
from ganlib.study import RunComparison


def _runs(missing, n_modes=8):
    steady = [n_modes - 1.0] * 8
    return [{"missing_modes": m, "n_modes": n_modes, "modes": steady, "diverged": None} for m in missing]


RULE = CollapseComparison(RunComparison(Rule("modes missing at the end", test="rank"), "missing_modes", ("modes",)))


def test_collapse_shows_only_with_a_missing_mode_and_a_full_run():
    assert collapse_occurs(_runs([0, 2])) == (True, [])
    ok, why = collapse_occurs(_runs([0, 0, 0]))
    assert not ok and why == ["no run ends with a mode missing: there is no collapse to judge at this budget"]
    ok, why = collapse_occurs(_runs([3, 5]))
    assert not ok and "under-training" in why[0]
    diverged = _runs([2]) + [{"missing_modes": None, "diverged": {"step": 3}}]
    assert collapse_occurs(diverged)[0] is False  # the diverged run is left out; no run covers every mode
    with pytest.raises(ValueError, match="modes to count"):
        collapse_occurs([{"missing_modes": None}])


def test_a_clear_difference_holds_only_where_collapse_shows():
    dropping, keeping = _runs([2, 3, 2, 4, 3]), _runs([0, 0, 0, 0, 0])
    judged = RULE.judge(dropping, keeping)
    assert judged.outcome == HOLDS and judged.effect == 1.0 and "Judged only where collapse shows" in judged.rule
    no_collapse = RULE.judge(keeping, _runs([0, 0, 0, 0]))
    assert no_collapse.outcome == NOT_DECIDED and "no run ends with a mode missing" in no_collapse.note
    all_short = RULE.judge(_runs([3, 4, 3, 4]), _runs([1, 1, 2, 1]))
    assert all_short.outcome == NOT_DECIDED and "under-training" in all_short.note


def test_groups_that_mostly_diverged_are_not_decided_rather_than_an_error():
    diverged = {"missing_modes": None, "diverged": {"step": 3, "name": "g_loss", "value": float("inf")}}
    judged = RULE.judge(_runs([2]) + [diverged] * 3, _runs([0, 0, 1]))
    assert judged.outcome == NOT_DECIDED and judged.n == (1, 3) and "diverged" in judged.note


def _run(final, n_modes=8, lost=0, modes=None):
    modes = np.array(modes if modes is not None else [final] * 8, dtype=float)
    return {"final_modes": final, "n_modes": n_modes, "lost_modes": lost, "modes": modes, "diverged": None}


def test_a_baseline_that_never_collapses_leaves_the_claim_undecided():
    full = [_run(8) for _ in range(5)]
    fewer = [_run(6) for _ in range(5)]
    assert not baseline_collapses(full)
    j = less_collapse(fewer, full)
    assert j.outcome == NOT_DECIDED and "nothing to reduce" in j.note and j.effect == pytest.approx(-2)


def test_where_the_baseline_collapses_the_comparison_decides_both_ways():
    collapsed = [_run(f, lost=1) for f in (4, 5, 5, 6, 4)]
    assert baseline_collapses(collapsed) and baseline_collapses([_run(8, lost=1)])
    assert less_collapse([_run(f) for f in (8, 8, 7, 8, 8)], collapsed).outcome == HOLDS
    assert less_collapse([_run(f) for f in (1, 2, 1, 2, 1)], collapsed).outcome == DOES_NOT_HOLD
    moving = [_run(8, modes=[1, 2, 3, 4, 5, 6, 7, 8]) for _ in range(5)]  # still finding modes at the end
    assert less_collapse(moving, collapsed).outcome == NOT_DECIDED
    assert "baseline does not collapse" in LESS_COLLAPSE_TEXT


def test_runs_without_modes_are_refused():
    with pytest.raises(ValueError, match="swiss roll"):
        less_collapse([_run(0, n_modes=0)] * 4, [_run(8)] * 4)


def test_the_guard_is_named():
    with pytest.raises(ValueError, match="where must be one of compared, baseline"):
        CollapseComparison(RunComparison(Rule("modes"), "final_modes"), where="everywhere")
