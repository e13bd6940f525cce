"""ganlib.depth_gradients: the gradient w.r.t. each layer's activations, and its trend over depth."""

import numpy as np
import pytest
import torch
from torch import nn

from ganlib.depth_gradients import FLOOR, activation_gradient_norms, depth_slope
from ganlib.models import MLPDiscriminator
from ganlib.probes import layer_gradient_norms


def _chain(gain, depth, width=4):
    """Linear layers with identity 'nonlinearities': each hidden map is gain * I, the output sums the units."""
    layers = [nn.Linear(2, width), nn.Identity()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.Identity()]
    layers.append(nn.Linear(width, 1))
    net = nn.Sequential(*layers)
    with torch.no_grad():
        for m in net[2:-1]:
            if isinstance(m, nn.Linear):
                m.weight.copy_(gain * torch.eye(width))
                m.bias.zero_()
        net[-1].weight.fill_(1.0)
    return net


def test_a_layer_of_gain_g_multiplies_the_back_propagated_signal_by_g():
    net = _chain(2.0, depth=4)
    x = torch.randn(8, 2)
    norms = activation_gradient_norms(net, x, lambda out: out.sum())
    # dL/da_4 is one per unit and sample: sqrt(8 * 4); each layer below doubles it
    assert norms.shape == (5,)
    assert np.allclose(norms[1:], np.sqrt(32) * 2.0 ** np.arange(3, -1, -1))
    assert depth_slope(norms) == pytest.approx(np.log10(2.0))
    assert depth_slope(activation_gradient_norms(_chain(0.5, 4), x, lambda out: out.sum())) == pytest.approx(
        -np.log10(2.0)
    )


def test_tiny_gradients_do_not_underflow_and_the_weight_gradients_stay_flat():
    torch.manual_seed(0)
    critic = MLPDiscriminator(2, 64, 8)
    with torch.no_grad():
        for m in critic.modules():
            if isinstance(m, nn.Linear):
                m.weight.copy_(1e-3 * torch.sign(torch.randn_like(m.weight)))  # clipped hard, mixed signs
                m.bias.zero_()
    x = torch.randn(256, 2)
    norms = activation_gradient_norms(critic, x, lambda out: out.mean())
    assert np.all(norms > 0) and norms[1] < 1e-18  # float64: shrunk ~200x a layer, never an exact zero
    assert depth_slope(norms) < -1.5
    # the same critic's weight gradients are all of one tiny order (or underflow): they cannot show a trend
    w = layer_gradient_norms(critic, critic(x).mean())
    assert w.max() < 1e-15
    for p in critic.parameters():  # the critic was left as it was (float32)
        assert p.dtype == torch.float32


def test_depth_slope_reads_zeros_as_the_floor_and_refuses_bad_input():
    assert depth_slope([1.0, 1.0, 1.0, 1.0]) == 0.0
    assert depth_slope([5.0, 0.0, 1.0]) == pytest.approx(np.log10(FLOOR))  # the input's entry is left out
    with pytest.raises(ValueError, match="at least two hidden"):
        depth_slope([1.0, 2.0])
    with pytest.raises(ValueError, match="finite"):
        depth_slope([1.0, np.nan, 1.0])
    with pytest.raises(ValueError, match="MLP critic"):
        activation_gradient_norms(nn.Conv2d(1, 1, 3), torch.randn(1, 1, 4, 4), lambda out: out.sum())
