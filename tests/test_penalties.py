"""The gradient penalty and weight clipping, pinned to their formulas."""

import pytest
import torch
from torch import nn

from ganlib.penalties import (
    GradientPenalty,
    R1Penalty,
    WeightClipping,
    clip_weights_,
    gradient_penalty,
    interpolates,
    r1_penalty,
)


class LinearCritic(nn.Module):
    """C(x) = <W, x> + b over the whole sample: its input gradient is W everywhere."""

    def __init__(self, shape):
        super().__init__()
        self.W = nn.Parameter(torch.randn(shape, generator=torch.Generator().manual_seed(0)))
        self.b = nn.Parameter(torch.tensor(0.3))

    def forward(self, x):
        return (x * self.W).flatten(1).sum(1) + self.b


def test_interpolates_lie_on_the_segments_with_one_eps_per_sample():
    real, fake = torch.zeros(64, 3, 4, 4), torch.ones(64, 3, 4, 4)
    x = interpolates(real, fake, torch.Generator().manual_seed(1))
    eps = torch.rand(64, 1, 1, 1, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(x, (1 - eps).expand_as(x))  # eps * 0 + (1 - eps) * 1
    assert torch.all(x.flatten(1).std(1) == 0)  # the same eps for every channel and pixel
    with pytest.raises(ValueError, match="differ in shape"):
        interpolates(real, fake[:3])


def test_penalty_of_a_linear_critic_uses_the_norm_of_the_whole_flattened_input():
    critic = LinearCritic((3, 4, 4))
    real, fake = torch.randn(32, 3, 4, 4), torch.randn(32, 3, 4, 4)
    gp = gradient_penalty(critic, real, fake)
    expected = (critic.W.detach().norm() - 1) ** 2  # the Frobenius norm over all 48 inputs
    torch.testing.assert_close(gp, expected)
    per_channel = ((critic.W.detach().flatten(1).norm(dim=1) - 1) ** 2).mean()
    assert not torch.isclose(gp, per_channel)  # the bug it guards against gives another number


def test_penalty_of_a_quadratic_critic_matches_its_interpolates():
    critic = lambda x: 0.5 * (x**2).sum(1)  # gradient at x_hat is x_hat itself
    real, fake = torch.randn(50, 2), torch.randn(50, 2) + 3
    gp = gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(7))
    x_hat = interpolates(real, fake, torch.Generator().manual_seed(7))
    torch.testing.assert_close(gp, ((x_hat.norm(dim=1) - 1) ** 2).mean())


def test_penalty_gradient_reaches_the_critic_weights_but_not_the_samples():
    critic = LinearCritic((5,))
    real, fake = torch.randn(8, 5), torch.randn(8, 5, requires_grad=True)
    gradient_penalty(critic, real, fake).backward()
    w = critic.W.detach()
    torch.testing.assert_close(critic.W.grad, 2 * (w.norm() - 1) * w / w.norm())  # d/dW (|W| - 1)^2
    assert fake.grad is None


def test_clipping_bounds_every_parameter_and_refuses_a_bad_bound():
    net = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1))
    with torch.no_grad():
        net[0].bias.fill_(5.0)
    clip_weights_(net, 0.01)
    assert all(float(p.detach().abs().max()) <= 0.01 for p in net.parameters())
    assert float(net[0].bias.detach().max()) == pytest.approx(0.01)
    with pytest.raises(ValueError, match="must be positive"):
        clip_weights_(net, 0)


def test_r1_of_a_linear_critic_is_the_squared_norm_of_its_weights_and_reaches_only_the_critic():
    critic = LinearCritic((3, 4, 4))
    real = torch.randn(16, 3, 4, 4, requires_grad=True)
    r1 = r1_penalty(critic, real)
    torch.testing.assert_close(r1, critic.W.detach().pow(2).sum())
    r1.backward()
    torch.testing.assert_close(critic.W.grad, 2 * critic.W.detach())  # d/dW ||W||^2
    assert real.grad is None


def test_penalty_objects_weigh_and_space_their_terms():
    assert GradientPenalty(0.1).weight == 0.1 and GradientPenalty().target == 1.0
    r1 = R1Penalty(gamma=10.0, interval=4)
    assert r1.weight == 5.0 and r1.every == 4  # gamma / 2, applied on updates 1, 5, 9, ...
    assert [u for u in range(1, 11) if r1.due(u)] == [1, 5, 9]
    assert WeightClipping().weight == 0 and WeightClipping().clip == 0.01
    for bad, message in (
        (lambda: GradientPenalty(-1.0), "gp_weight must be a finite number >= 0"),
        (lambda: R1Penalty(interval=0), "interval must be an integer >= 1"),
        (lambda: R1Penalty(gamma=float("nan")), "gamma must be a finite number >= 0"),
        (lambda: WeightClipping(0.0), "clip must be a positive number"),
    ):
        with pytest.raises(ValueError, match=message):
            bad()
