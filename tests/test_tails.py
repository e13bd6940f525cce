"""ganlib.tails: per-sample generator gradients and the Hill estimator of a tail index."""

import numpy as np
import pytest
import torch

from ganlib.losses import get_loss
from ganlib.models import MLPDiscriminator, MLPGenerator
from ganlib.tails import hill_tail_index, per_sample_generator_gradient_norms


def test_hill_recovers_known_tail_indices():
    rng = np.random.default_rng(0)
    n = 20000
    pareto = rng.pareto(1.5, n) + 1.0  # P(X > x) = x^-1.5
    assert hill_tail_index(pareto) == pytest.approx(1.5, rel=0.1)
    assert hill_tail_index(np.abs(rng.standard_cauchy(n))) == pytest.approx(1.0, rel=0.15)
    assert hill_tail_index(np.abs(rng.standard_normal(n))) > 3  # a light tail reads as a large index


def test_hill_refuses_what_it_cannot_read():
    with pytest.raises(ValueError, match="at least 10"):
        hill_tail_index([1.0, 2.0])
    with pytest.raises(ValueError, match="strictly positive"):
        hill_tail_index(np.r_[np.ones(20), 0.0])
    with pytest.raises(ValueError, match="k must be"):
        hill_tail_index(np.arange(1.0, 21.0), k=20)


def test_per_sample_norms_match_one_backward_per_sample():
    torch.manual_seed(0)
    G, D = MLPGenerator(2, 2, 8, 2), MLPDiscriminator(2, 8, 2)
    z = torch.randn(5, 2)
    for name in ("minimax", "non_saturating"):
        norms = per_sample_generator_gradient_norms(G, D, z, name, chunk=2)
        loss = get_loss(name)
        for i in range(len(z)):
            grads = torch.autograd.grad(loss.g_loss(None, D(G(z[i : i + 1]))), list(G.parameters()))
            assert norms[i] == pytest.approx(float(torch.sqrt(sum((g**2).sum() for g in grads))), rel=1e-5)
    with pytest.raises(ValueError, match="real samples"):
        per_sample_generator_gradient_norms(G, D, z, "rsgan")
