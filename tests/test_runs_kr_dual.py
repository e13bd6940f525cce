"""ganlib.runs.kr_dual: a penalised 1-D critic's dual beside POT's W1."""

import numpy as np
import pytest
from scipy.stats import norm

from ganlib.runs import run_spec
from ganlib.runs.kr_dual import KRDualRun, run_kr_dual


def test_the_run_reads_both_sides_of_the_duality_and_repeats():
    spec = KRDualRun(steps=150, n_samples=4000, grid=(-8.0, 8.0, 401))
    r = run_kr_dual(spec)
    grid = np.linspace(-8, 8, 160001)
    exact = np.trapezoid(np.abs(norm.cdf(grid) - norm.cdf(grid, 2.0, 0.5)), grid)  # W1 of the two laws
    assert r["w_primal"] == pytest.approx(exact, rel=0.03)
    assert 0 < r["w_critic"] and r["max_slope"] > 0 and r["critic"].shape == (401,)
    assert run_spec(spec)["w_critic"] == r["w_critic"]  # registered, and seeded
    with pytest.raises(ValueError, match="std_q > 0"):
        KRDualRun(std_q=0.0)
