"""ganlib.critic_tracking: rank correlations between a critic's estimate and W1, and final W1."""

import numpy as np
import pytest

from ganlib.critic_tracking import tracking_correlations, with_final_w1


def test_the_warm_up_scorings_are_left_out():
    w1 = np.array([3.0, 2.0, 1.5, 1.2, 1.0, 0.9])
    critic = np.array([0.0, 2.1, 1.6, 1.1, 0.95, 0.8])  # rises from 0 first: the critic warming up
    run = {"critic": critic, "w1": w1}
    assert tracking_correlations([run], skip=1)[0] == pytest.approx(1.0)
    assert tracking_correlations([run], skip=0)[0] < 1.0
    with pytest.raises(ValueError, match="at least 4 scorings"):
        tracking_correlations([{"critic": critic[:3], "w1": w1[:3]}])


def test_final_w1_is_added_to_copies():
    runs = [{"w1": np.array([2.0, 1.0]), "diverged": None}, {"w1": np.array([2.0]), "diverged": {"step": 3}}]
    study = with_final_w1(runs)
    assert [r["final_w1"] for r in study] == [1.0, None] and "final_w1" not in runs[0]
