import math

import numpy as np
import pytest
import scipy.stats
from scipy.spatial.distance import jensenshannon

from ganlib import info
from ganlib.data import Gaussian1D

rng = np.random.default_rng(0)
P = rng.dirichlet(np.ones(6), size=50)
Q = rng.dirichlet(np.ones(6), size=50)


def test_entropy_matches_scipy_in_nats_and_bits():
    np.testing.assert_allclose(info.entropy(P), scipy.stats.entropy(P, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(info.entropy(P, base=2), scipy.stats.entropy(P, base=2, axis=-1), rtol=1e-12)


def test_zero_probabilities_contribute_nothing():
    assert info.entropy([0.5, 0.5, 0.0]) == pytest.approx(math.log(2))
    assert info.kl_divergence([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]) == pytest.approx(math.log(2))


def test_kl_matches_scipy_and_is_infinite_off_support():
    np.testing.assert_allclose(info.kl_divergence(P, Q), scipy.stats.entropy(P, Q, axis=-1), rtol=1e-10)
    assert math.isinf(info.kl_divergence([0.5, 0.5], [1.0, 0.0]))


def test_cross_entropy_is_entropy_plus_kl():
    np.testing.assert_allclose(info.cross_entropy(P, Q), info.entropy(P) + info.kl_divergence(P, Q), rtol=1e-12)


def test_js_matches_scipy_and_bounds():
    # scipy returns the square root of the divergence
    np.testing.assert_allclose(info.js_divergence(P, Q), jensenshannon(P, Q, axis=-1) ** 2, rtol=1e-9)
    assert info.js_divergence([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.log(2), abs=1e-15)
    assert info.js_divergence([1.0, 0.0], [0.0, 1.0], base=2) == pytest.approx(1.0, abs=1e-15)


def test_self_information():
    assert info.self_information(1.0) == 0.0
    assert info.self_information(0.25, base=2) == pytest.approx(2.0)
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        info.self_information(0.0)


def test_bad_distributions_are_rejected_clearly():
    with pytest.raises(ValueError, match="sum to 1"):
        info.entropy([0.5, 0.6])
    with pytest.raises(ValueError, match="negative"):
        info.entropy([1.5, -0.5])


def test_huffman_known_example_and_bounds():
    # the textbook example: lengths 1, 2, 3, 3
    assert list(info.huffman_code_lengths([0.5, 0.25, 0.125, 0.125])) == [1, 2, 3, 3]
    assert list(info.huffman_code_lengths([1.0])) == [1]
    for p in rng.dirichlet(np.full(20, 0.3), size=100):
        lengths = info.huffman_code_lengths(p)
        mean = float(np.dot(p, lengths))
        h = float(info.entropy(p, base=2))
        assert h - 1e-12 <= mean < h + 1
        assert np.sum(2.0**-lengths) == pytest.approx(1.0)  # a full binary tree: Kraft with equality


def test_density_divergences_match_closed_forms():
    x = np.linspace(-15, 15, 30001)
    p, q = Gaussian1D(0.0, 1.0), Gaussian1D(1.0, 2.0)
    # KL(N(m1, s1^2) || N(m2, s2^2)) = log(s2/s1) + (s1^2 + (m1-m2)^2) / (2 s2^2) - 1/2
    expected = math.log(2.0) + (1.0 + 1.0) / (2 * 4.0) - 0.5
    assert info.kl_density(p.pdf(x), q.pdf(x), x) == pytest.approx(expected, abs=1e-8)
    assert info.entropy_density(p.pdf(x), x) == pytest.approx(0.5 * math.log(2 * math.pi * math.e), abs=1e-8)
    assert info.cross_entropy_density(p.pdf(x), q.pdf(x), x) == pytest.approx(
        info.entropy_density(p.pdf(x), x) + expected, abs=1e-8
    )
    far = Gaussian1D(12.0, 0.5)
    assert info.js_density(Gaussian1D(0, 0.5).pdf(x), far.pdf(x), x) == pytest.approx(math.log(2), abs=1e-9)


def test_density_grid_errors():
    with pytest.raises(ValueError, match="increasing"):
        info.kl_density([1, 1], [1, 1], [1.0, 0.0])
    with pytest.raises(ValueError, match="grid of 3 points"):
        info.kl_density([1, 1], [1, 1], [0.0, 1.0, 2.0])
