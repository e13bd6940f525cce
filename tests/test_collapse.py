"""ganlib.collapse: "less mode collapse" judged only where the baseline collapses."""

import numpy as np
import pytest

from ganlib.collapse import LESS_COLLAPSE_TEXT, baseline_collapses, less_collapse
from ganlib.results import DOES_NOT_HOLD, HOLDS, NOT_DECIDED


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
