"""ganlib.estimators: JS and a KL lower bound read off discriminators, on cases known exactly."""

import math

import numpy as np
import pytest
import torch

from ganlib.data import VerticalSegment
from ganlib.estimators import discriminator_divergences, dv_kl_lower_bound, js_from_logits, kr_dual, parallel_lines


def test_js_estimate_is_zero_for_a_blind_and_log_2_for_a_perfect_discriminator():
    zeros = torch.zeros(100)
    assert js_from_logits(zeros, zeros) == pytest.approx(0, abs=1e-7)
    assert js_from_logits(torch.full((100,), 30.0), torch.full((100,), -30.0)) == pytest.approx(math.log(2), abs=1e-9)


def test_donsker_varadhan_bound_by_hand():
    t_p, t_q = torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0])
    assert dv_kl_lower_bound(t_p, t_q) == pytest.approx(2.0)  # E_P T = 2, log E_Q exp T = 0
    assert dv_kl_lower_bound(torch.zeros(5), torch.zeros(5)) == 0


def test_disjoint_segments_look_disjoint_and_one_segment_looks_alike():
    apart = discriminator_divergences(
        VerticalSegment(0.0).sample, VerticalSegment(0.5).sample, n=128, steps=200, seed=0
    )
    same = discriminator_divergences(VerticalSegment(0.0).sample, VerticalSegment(0.0).sample, n=128, steps=50, seed=0)
    assert apart[0] > math.log(2) - 0.05 and apart[1][-1] > apart[1][0] > 1
    assert abs(same[0]) < 0.05 and len(same[1]) == 2


def test_kr_dual_of_the_identity_is_the_gap_between_the_means():
    f = torch.nn.Linear(1, 1)
    with torch.no_grad():
        f.weight.fill_(1.0)
        f.bias.fill_(5.0)  # a constant cancels
    x_p, x_q = torch.tensor([[3.0], [5.0]]), torch.tensor([[0.0], [1.0], [2.0]])
    assert kr_dual(f, x_p, x_q) == pytest.approx(3.0)  # W1 of these two samples is 3 too: f is optimal
    assert f.weight.grad is None


def test_parallel_lines_w_grows_with_the_gap_while_js_saturates():
    out = parallel_lines([-0.5, 0.0, 0.5], n=128, steps=150, seed=0)
    assert list(out["theta"]) == [-0.5, 0.0, 0.5] and out["w_hat"].shape == out["js_hat"].shape == (3,)
    np.testing.assert_allclose(out["w_hat"], [0.5, 0.0, 0.5], atol=0.05)
    assert abs(out["js_hat"][1]) < 0.05 and np.all(out["js_hat"][[0, 2]] > math.log(2) - 0.05)
    assert np.all(out["kl_lower_bound"][[0, 2]] > out["kl_lower_bound_half_way"][[0, 2]])
    same = discriminator_divergences(VerticalSegment(0.0).sample, VerticalSegment(0.5).sample, 128, 150, seed=0)
    assert out["js_hat"][2] == same[0]  # each theta's discriminator is the one discriminator_divergences trains


def test_a_penalised_critic_reads_the_dual_close_to_the_primal():
    from ganlib.data import GaussianMixture1D
    from ganlib.estimators import penalised_critic_dual
    from ganlib.metrics import wasserstein1

    p, q = GaussianMixture1D((0.0,), (1.0,)), GaussianMixture1D((2.0,), (0.5,))
    gen = torch.Generator().manual_seed(0)
    x_p, x_q = p.sample(4000, gen), q.sample(4000, gen)
    dual, critic = penalised_critic_dual(p.sample, q.sample, x_p, x_q, steps=300, seed=0)
    again, _ = penalised_critic_dual(p.sample, q.sample, x_p, x_q, steps=300, seed=0)
    assert dual == again  # seeded
    assert abs(dual / wasserstein1(x_p, x_q) - 1) < 0.3  # an estimate of W, not necessarily within 5%
