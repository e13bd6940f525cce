"""ganlib.probes: gradient norms and weights read from frozen networks, checked on cases solved by hand."""

import numpy as np
import pytest
import torch
from torch import nn

from ganlib.models import AffineGenerator, MLPDiscriminator
from ganlib.probes import (
    GradientProbe,
    fake_sample_gradients,
    generator_gradient_norms,
    generator_loss_slopes,
    layer_gradient_norms,
    probe_over_seeds,
    weight_values,
)


class _Linear(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.lin = nn.Linear(1, 1)
        with torch.no_grad():
            self.lin.weight.fill_(w)
            self.lin.bias.zero_()

    def forward(self, x):
        return self.lin(x).squeeze(-1)


def test_generator_gradient_norms_match_the_hand_computed_gradient():
    # G(z) = a z + b against C(x) = w x: -E C(G(z)) has gradient (-w mean z, -w) on (a, b)
    G, D, w = AffineGenerator(shift=0.5, scale=2.0), _Linear(3.0), 3.0
    z = torch.randn(64, 1, generator=torch.Generator().manual_seed(0))
    norms = generator_gradient_norms(G, D, z, ["wgan", "non_saturating"])
    assert norms["wgan"] == pytest.approx(w * np.sqrt(1 + float(z.mean()) ** 2), rel=1e-5)
    assert set(norms) == {"wgan", "non_saturating"} and norms["non_saturating"] > 0
    assert all(p.grad is None for p in list(G.parameters()) + list(D.parameters()))  # nothing left behind


def test_relativistic_probe_needs_real_samples():
    G, D = AffineGenerator(), _Linear(1.0)
    z = torch.randn(8, 1)
    with pytest.raises(ValueError, match="needs real samples"):
        generator_gradient_norms(G, D, z, ["rsgan"])
    assert generator_gradient_norms(G, D, z, ["rsgan"], x_real=torch.randn(8, 1))["rsgan"] > 0


def test_layer_gradient_norms_and_weights_follow_the_layers_input_first():
    torch.manual_seed(0)
    D = MLPDiscriminator(2, hidden=5, depth=2)  # weights 5x2, 5x5, 1x5
    x = torch.randn(16, 2)
    norms = layer_gradient_norms(D, D(x).mean())
    layers = [m for m in D.modules() if isinstance(m, nn.Linear)]
    expected = [float(g.norm()) for g in torch.autograd.grad(D(x).mean(), [m.weight for m in layers])]
    assert norms == pytest.approx(expected) and len(norms) == 3
    values = weight_values(D)
    assert values.shape == (10 + 25 + 5,) and values[0] == float(layers[0].weight.detach()[0, 0])
    with pytest.raises(ValueError, match="no linear or convolution layers"):
        weight_values(nn.ReLU())


def test_gradient_probe_logs_mean_and_spread_over_batches():
    G, D, w = AffineGenerator(shift=0.5, scale=2.0), _Linear(3.0), 3.0
    batches = [torch.randn(64, 1, generator=torch.Generator().manual_seed(s)) for s in range(3)]
    row = GradientProbe(batches, ["wgan"])(0, G, D, None)
    per_batch = [w * np.sqrt(1 + float(z.mean()) ** 2) for z in batches]
    assert row["wgan"] == pytest.approx(np.mean(per_batch), rel=1e-5)
    assert row["wgan_std"] == pytest.approx(np.std(per_batch), rel=1e-4) and row["wgan_std"] > 0
    p_fake = np.mean([torch.sigmoid(3 * (2 * z + 0.5)).mean().item() for z in batches])
    assert row["p_fake"] == pytest.approx(p_fake, rel=1e-6)
    assert GradientProbe(batches[:1], ["wgan"])(0, G, D, None)["wgan_std"] == 0
    with pytest.raises(ValueError, match="at least one latent batch"):
        GradientProbe([], ["wgan"])


def test_generator_loss_slopes_match_the_closed_forms():
    logits = np.linspace(-5, 5, 11)
    d = 1 / (1 + np.exp(-logits))
    values, slopes = generator_loss_slopes("non_saturating", logits)
    assert np.allclose(values, -np.log(d)) and np.allclose(slopes, -(1 - d))
    _, slopes = generator_loss_slopes("minimax", logits)
    assert np.allclose(slopes, -d)
    with pytest.raises(ValueError, match="reads real samples"):
        generator_loss_slopes("rsgan", logits)


def test_fake_sample_gradients_are_each_fakes_own_gradient():
    D = nn.Linear(2, 1)
    with torch.no_grad():
        D.weight.copy_(torch.tensor([[3.0, -4.0]]))
        D.bias.fill_(0.5)
    critic = lambda x: D(x).squeeze(-1)  # noqa: E731
    x = torch.tensor([[1.0, 2.0], [-3.0, 0.5], [0.0, 0.0]])
    # -log sigmoid(l) has slope -sigmoid(-l) in l, and dl/dx = w: one sample's batch, no 1/N
    expected = -torch.sigmoid(-critic(x)).unsqueeze(1) * D.weight
    torch.testing.assert_close(fake_sample_gradients(critic, "non_saturating", x), expected)
    # least squares, 0-1-1 coding: (l - 1)^2 / 2 has slope l - 1
    torch.testing.assert_close(fake_sample_gradients(critic, "lsgan", x), (critic(x) - 1).unsqueeze(1) * D.weight)
    assert D.weight.grad is None and not x.requires_grad
    with pytest.raises(ValueError, match="reads real samples"):
        fake_sample_gradients(critic, "rsgan", x)


def _linear_critic(weight, bias=0.0):
    D = nn.Linear(2, 1)
    with torch.no_grad():
        D.weight.copy_(torch.tensor([weight]))
        D.bias.fill_(bias)
    return lambda x: D(x).squeeze(-1)


def test_probe_over_seeds_reads_each_critic_and_compares_losses_per_seed():
    # seed s gives the critic l(x) = s * x_0: its gradient at every probe is a multiple of (s, 0)
    trained = []
    probes = torch.tensor([[1.0, 0.0], [-1.0, 2.0]])
    readings = probe_over_seeds(
        lambda loss, s: trained.append((loss, s)) or _linear_critic([s, 0.0]),
        ["non_saturating", "lsgan"],
        probes,
        seeds=[1, 2],
    )
    assert trained == [("non_saturating", 1), ("non_saturating", 2), ("lsgan", 1), ("lsgan", 2)]
    assert readings.gradients["lsgan"].shape == (2, 2, 2)
    torch.testing.assert_close(readings.outputs["lsgan"], torch.tensor([[1.0, -1.0], [2.0, -2.0]]))
    ls = (readings.outputs["lsgan"] - 1).abs() * torch.tensor([[1.0], [2.0]])  # |l - 1| |w|
    ce = torch.sigmoid(-readings.outputs["non_saturating"]) * torch.tensor([[1.0], [2.0]])
    np.testing.assert_allclose(
        readings.log10_gain("lsgan", "non_saturating"), torch.log10(ls.mean(1) / ce.mean(1)).numpy(), rtol=1e-6
    )
    # least squares moves a probe along -(l - 1) w. Seed 1 (w = (1, 0)): the probe at x_0 = 1 sits at the
    # target (zero gradient, no move), the one at x_0 = -1 moves along +x_0. Seed 2 (w = (2, 0)): l = 2 and
    # -2 there, so they move along -x_0 and +x_0.
    np.testing.assert_allclose(readings.pulled_share("lsgan", [3.0, 2.0]), [0.5, 0.5])
    np.testing.assert_allclose(readings.pulled_share("lsgan", [-3.0, 2.0]), [0.0, 0.5])


def test_probe_over_seeds_needs_losses_and_seeds():
    with pytest.raises(ValueError, match="at least one loss and one seed"):
        probe_over_seeds(lambda loss, s: None, [], torch.zeros(1, 2), seeds=[0])
