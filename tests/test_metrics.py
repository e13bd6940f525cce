import numpy as np
import pytest
import torch

from ganlib.data import grid_mixture
from ganlib.metrics import mode_coverage, wasserstein1


def test_mode_coverage_of_the_data_itself():
    mix = grid_mixture()
    x = mix.sample(2500, torch.Generator().manual_seed(0))
    cov = mode_coverage(x, mix.centers, mix.std)
    assert cov.modes_covered == 25 and cov.n_modes == 25
    # within 3 std in 2-D: P(chi2 with 2 dof <= 9) = 1 - exp(-4.5) = 0.9889
    assert abs(cov.hq_ratio - (1 - np.exp(-4.5))) < 0.008
    assert sum(cov.counts) == round(cov.hq_ratio * 2500)


def test_mode_coverage_of_a_collapsed_generator():
    mix = grid_mixture()
    collapsed = torch.tensor(mix.centers[0]).repeat(2500, 1) + 0.01
    cov = mode_coverage(collapsed, mix.centers, mix.std)
    assert cov.modes_covered == 1 and cov.hq_ratio == 1.0
    off = mode_coverage(torch.full((100, 2), 1.0), mix.centers, mix.std)  # between modes
    assert off.modes_covered == 0 and off.hq_ratio == 0.0
    with pytest.raises(ValueError, match="must be"):
        mode_coverage(torch.zeros(10, 3), mix.centers, mix.std)


def test_min_count_one_is_veegans_count():
    """VEEGAN: a mode is captured when at least one high-quality sample (within 3 std) has it as its nearest mode."""
    centers, std = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]]), 0.1
    x = np.array([[0.05, 0.0]] * 30 + [[2.0, 0.29]] + [[0.0, 2.31]])  # mode 1: one sample at 2.9 std; mode 2: 3.1 std
    veegan, ours = mode_coverage(x, centers, std, min_count=1), mode_coverage(x, centers, std)
    assert veegan.counts == (30, 1, 0) and veegan.modes_covered == 2  # the lone sample counts; the far one does not
    assert ours.modes_covered == 1  # the default asks for 20 high-quality samples a mode


def test_wasserstein1_of_shifted_samples():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 2))
    assert wasserstein1(x, x + np.array([3.0, 4.0])) == pytest.approx(5.0, rel=1e-9)
    assert wasserstein1(x[:, 0], x[:, 0] + 2.0) == pytest.approx(2.0, rel=1e-9)
    assert wasserstein1(x, x) == pytest.approx(0.0, abs=1e-12)


def test_frechet_distance_closed_forms():
    from scipy import linalg

    from ganlib.metrics import frechet_distance

    rng = np.random.default_rng(1)
    a = rng.normal(size=(4000, 3)) @ np.diag([1.0, 2.0, 0.5])
    b = rng.normal(size=(4000, 3)) @ rng.normal(size=(3, 3)) + 1.0
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)
    # against the textbook formula with scipy's matrix square root
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    expected = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(ca + cb - 2 * linalg.sqrtm(ca @ cb).real)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-8)
    # 1-D Gaussians: (m1 - m2)^2 + (s1 - s2)^2
    x = rng.normal(size=(200_000, 1))
    assert frechet_distance(x, 3 * x + 2) == pytest.approx((2 + 2 * x.mean()) ** 2 + 4 * x.var(ddof=1), rel=1e-9)
    with pytest.raises(ValueError, match="equal d"):
        frechet_distance(a, b[:, :2])
