"""ganlib.estimators: JS and a KL lower bound read off discriminators, on cases known exactly."""

import math

import pytest
import torch

from ganlib.data import VerticalSegment
from ganlib.estimators import discriminator_divergences, dv_kl_lower_bound, js_from_logits


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
