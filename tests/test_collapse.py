"""ganlib.collapse: a collapse claim is judged only where some run misses a mode and some run covers them all."""

import pytest

from ganlib.collapse import CollapseComparison, collapse_occurs
from ganlib.results import HOLDS, NOT_DECIDED
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
