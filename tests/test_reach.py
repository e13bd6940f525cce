"""ganlib.reach: the first scored step at which a run reaches a target; a run that never does is censored."""

import pytest

from ganlib.reach import steps_to_reach

RUN = {"step": [100, 200, 300, 400], "fd": [900.0, 120.0, 40.0, 55.0], "hq": [0.1, 0.5, 0.7, 0.9]}


def test_first_step_at_or_past_the_target():
    assert steps_to_reach(RUN, "fd", 120.0) == (200.0, True)  # at the target counts
    assert steps_to_reach(RUN, "fd", 50.0) == (300.0, True)  # later scores may rise again
    assert steps_to_reach(RUN, "hq", 0.8, below=False) == (400.0, True)


def test_a_run_that_never_reaches_is_censored_one_interval_late():
    assert steps_to_reach(RUN, "fd", 10.0) == (500.0, False)
    assert steps_to_reach({"step": [50], "fd": [9.0]}, "fd", 1.0) == (100.0, False)
    with pytest.raises(ValueError, match="one value per scored step"):
        steps_to_reach({"step": [1, 2], "fd": [3.0]}, "fd", 1.0)
