import numpy as np
import pytest
import torch

from ganlib.data import ring_mixture
from ganlib.models import MLPDiscriminator, MLPGenerator
from ganlib.train import TrainConfig, train_critic, train_gan


def _models(seed=0):
    torch.manual_seed(seed)
    return MLPGenerator(latent_dim=2, out_dim=2, hidden=16, depth=2), MLPDiscriminator(in_dim=2, hidden=16, depth=2)


def test_smoke_run_logs_every_step_and_calls_callbacks():
    G, D = _models()
    calls = []
    cb = lambda step, G, D, h: calls.append(step) or {"g_norm": 1.0}
    h = train_gan(G, D, ring_mixture().sample, TrainConfig(steps=30, batch_size=32, log_every=10), callbacks=[cb])
    assert len(h.d_loss) == len(h.g_loss) == len(h.d_real) == 30
    assert np.all(np.isfinite(h.d_loss)) and np.all((h.d_fake >= 0) & (h.d_fake <= 1))
    assert calls == [10, 20, 30]
    assert h.metric("g_norm")[0].tolist() == [10, 20, 30]


@pytest.mark.parametrize("loss", ["minimax", "non_saturating", "max_likelihood"])
def test_same_seed_same_history(loss):
    runs = []
    for _ in range(2):
        G, D = _models()
        cfg = TrainConfig(steps=15, batch_size=16, loss=loss, d_steps=2, seed=4, log_every=5)
        runs.append(train_gan(G, D, ring_mixture().sample, cfg))
    np.testing.assert_array_equal(runs[0].g_loss, runs[1].g_loss)
    np.testing.assert_array_equal(runs[0].d_loss, runs[1].d_loss)


def test_tensor_data_and_frozen_players():
    data = ring_mixture().sample(256, torch.Generator().manual_seed(0))
    G, D = _models()
    d_before = [p.clone() for p in D.parameters()]
    h = train_gan(G, D, data, TrainConfig(steps=5, batch_size=8, d_steps=0, log_every=5))
    assert all(torch.equal(a, b) for a, b in zip(d_before, D.parameters()))
    assert np.all(np.isnan(h.d_loss)) and np.all(np.isfinite(h.g_loss))
    g_before = [p.clone() for p in G.parameters()]
    train_gan(G, D, data, TrainConfig(steps=5, batch_size=8, g_steps=0, log_every=5))
    assert all(torch.equal(a, b) for a, b in zip(g_before, G.parameters()))
    assert all(p.requires_grad for p in D.parameters())


def test_nonsaturating_gan_learns_a_shift():
    # G starts at the origin; the data sit at (3, 3). A few hundred steps must move G there.
    G, D = _models()
    data = lambda n, g: torch.randn(n, 2, generator=g) * 0.1 + 3.0
    train_gan(G, D, data, TrainConfig(steps=300, batch_size=64, lr_g=2e-3, lr_d=2e-3, log_every=100))
    with torch.no_grad():
        mean = G(torch.randn(512, 2)).mean(0)
    assert torch.allclose(mean, torch.tensor([3.0, 3.0]), atol=0.5)


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": 0}, "steps must be >= 1"),
    ({"d_steps": 0, "g_steps": 0}, "not both 0"),
    ({"lr_g": -1e-3}, "learning rates must be positive"),
    ({"loss": "nope"}, "unknown loss 'nope'"),
    ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
    ({"clip_value": -0.01}, "clip_value must be >= 0"),
    ({"gp_weight": float("nan")}, "gp_weight must be >= 0"),
    ({"gp_target": -1.0}, "gp_target must be >= 0"),
])
def test_config_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**kwargs)


def test_bad_data_is_a_clear_error():
    G, D = _models()
    with pytest.raises(TypeError, match="data must be a tensor"):
        train_gan(G, D, [1, 2, 3], TrainConfig(steps=1))


@pytest.mark.parametrize("loss", ["rsgan", "rasgan", "lsgan", "lsgan:-1-1-0", "ralsgan"])
def test_relativistic_and_least_squares_losses_train(loss):
    G, D = _models()
    h = train_gan(G, D, ring_mixture().sample, TrainConfig(steps=20, batch_size=32, loss=loss, log_every=10))
    assert np.all(np.isfinite(h.g_loss)) and np.all(np.isfinite(h.d_loss))


def _largest_weight(D):
    return max(float(p.detach().abs().max()) for p in D.parameters())


def test_wgan_clips_the_critic_after_every_step_and_the_config_can_override():
    seen = []
    cb = lambda step, G, D, h: seen.append(_largest_weight(D))
    G, D = _models()
    assert _largest_weight(D) > 0.01  # clipping has work to do
    h = train_gan(G, D, ring_mixture().sample, TrainConfig(steps=6, batch_size=16, d_steps=5, loss="wgan",
                                                            optimizer="rmsprop", lr_d=5e-5, log_every=1), callbacks=[cb])
    assert max(seen) <= 0.01 and len(seen) == 6  # the loss's own c = 0.01, applied in every round
    assert np.all(np.isnan(h.penalty))
    G, D = _models()
    train_gan(G, D, ring_mixture().sample, TrainConfig(steps=2, batch_size=16, loss="wgan", clip_value=0.05))
    assert 0.01 < _largest_weight(D) <= 0.05 + 1e-6  # float32 rounding of 0.05
    G, D = _models()
    train_gan(G, D, ring_mixture().sample, TrainConfig(steps=2, batch_size=16, loss="wgan", clip_value=0))
    assert _largest_weight(D) > 0.05  # 0 turns clipping off


def test_wgan_gp_adds_the_penalty_and_logs_it_apart():
    G, D = _models()
    cfg = TrainConfig(steps=5, batch_size=16, d_steps=1, loss="wgan_gp", lr_g=1e-4, lr_d=1e-4, betas=(0.0, 0.9))
    h = train_gan(G, D, ring_mixture().sample, cfg)
    assert np.all(np.isfinite(h.penalty)) and np.all(h.penalty >= 0) and np.all(np.isfinite(h.d_loss))
    G2, D2 = _models()
    off = train_gan(G2, D2, ring_mixture().sample, TrainConfig(**{**cfg.__dict__, "gp_weight": 0}))
    assert np.all(np.isnan(off.penalty))
    # same seed, same first critic batch, logged before any update: the logged loss excludes the penalty
    assert off.d_loss[0] == pytest.approx(h.d_loss[0])
    assert not np.allclose(off.d_loss[1:], h.d_loss[1:])  # ... and the penalty changed the training


def test_a_callback_can_stop_training():
    G, D = _models()
    cb = lambda step, G, D, h: {"stop": step >= 20, "seen": step}
    h = train_gan(G, D, ring_mixture().sample, TrainConfig(steps=100, batch_size=16, log_every=10), callbacks=[cb])
    assert h.metric("seen")[1].tolist() == [10, 20] and len(h.d_loss) == 20


class _LinearCritic(torch.nn.Module):
    def __init__(self, weights):
        super().__init__()
        self.lin = torch.nn.Linear(len(weights), 1)
        with torch.no_grad():
            self.lin.weight.copy_(torch.tensor([weights]))
            self.lin.bias.zero_()

    def forward(self, x):
        return self.lin(x).squeeze(-1)


@pytest.mark.parametrize("target", [0.0, 1.0])
def test_the_penalty_pulls_towards_its_target_norm(target):
    # a linear critic has gradient W everywhere, so the first logged penalty is (||W|| - target)^2
    G, _ = _models()
    D = _LinearCritic([0.6, 0.8 * 3])  # ||W|| = sqrt(0.36 + 5.76)
    h = train_gan(G, D, ring_mixture().sample, TrainConfig(steps=1, batch_size=8, loss="non_saturating",
                                                           gp_weight=1.0, gp_target=target))
    assert h.penalty[0] == pytest.approx((6.12 ** 0.5 - target) ** 2, rel=1e-5)


def test_anneal_decays_the_learning_rate_linearly_to_zero():
    # G(z) = z + shift against a frozen linear critic C(x) = w x: the Wasserstein generator loss
    # -E C(G(z)) has gradient -w on the shift, so plain SGD moves the shift by lr * factor * w
    from ganlib.models import AffineGenerator

    G, D, w, lr, steps = AffineGenerator(), _LinearCritic([2.0]), 2.0, 0.1, 4
    shifts = []
    cb = lambda step, G, D, h: shifts.append(float(G.shift.detach()))
    train_gan(G, D, torch.randn(64, 1), TrainConfig(steps=steps, batch_size=8, d_steps=0, loss="wgan", lr_g=lr,
                                                    optimizer="sgd", betas=(0.0, 0.9), anneal=True, log_every=1),
              callbacks=[cb])
    moves = np.diff([0.0] + shifts)
    assert moves == pytest.approx([lr * w * (1 - k / steps) for k in range(steps)], rel=1e-5)


def _shifted(mean):
    return lambda n, generator: mean + torch.randn(n, 2, generator=generator)


def test_train_critic_separates_two_samplers_and_repeats_exactly():
    runs, seen = [], []
    for _ in range(2):
        torch.manual_seed(0)
        D = MLPDiscriminator(in_dim=2, hidden=16, depth=2)
        cb = lambda step, D: seen.append(step) or {"gap": float((D(torch.full((1, 2), 2.0)) - D(torch.full((1, 2), -2.0))).detach())}
        h = train_critic(D, _shifted(2.0), _shifted(-2.0), TrainConfig(steps=60, batch_size=64, lr_d=1e-2, log_every=20),
                         callbacks=[cb])
        runs.append(h)
    assert len(runs[0].d_loss) == 60 and np.all(np.isnan(runs[0].g_loss)) and np.all(np.isnan(runs[0].penalty))
    assert runs[0].d_real[-1] > 0.9 and runs[0].d_fake[-1] < 0.1 and runs[0].metric("gap")[1][-1] > 0
    assert seen == [20, 40, 60] * 2 and np.array_equal(runs[0].d_loss, runs[1].d_loss)


def test_train_critic_applies_the_losses_constraints():
    torch.manual_seed(0)
    D = MLPDiscriminator(in_dim=2, hidden=16, depth=2)
    train_critic(D, _shifted(1.0), _shifted(-1.0), TrainConfig(steps=3, batch_size=16, loss="wgan", optimizer="rmsprop"))
    assert _largest_weight(D) <= 0.01
    h = train_critic(D, _shifted(1.0), _shifted(-1.0), TrainConfig(steps=3, batch_size=16, loss="wgan_gp"))
    assert np.all(np.isfinite(h.penalty)) and np.all(h.penalty >= 0)
