import numpy as np
import pytest
import torch

from ganlib.data import ring_mixture
from ganlib.models import MLPDiscriminator, MLPGenerator
from ganlib.penalties import GradientPenalty, R1Penalty, WeightClipping
from ganlib.train import EMA, Divergence, Hook, TrainConfig, train_critic, train_gan


def _models(seed=0):
    torch.manual_seed(seed)
    return MLPGenerator(latent_dim=2, out_dim=2, hidden=16, depth=2), MLPDiscriminator(in_dim=2, hidden=16, depth=2)


def test_smoke_run_logs_every_step_and_calls_callbacks():
    G, D = _models()
    calls = []
    cb = lambda step, G, D, h: calls.append(step) or {"g_norm": 1.0}
    h = train_gan(G, D, ring_mixture().sample, TrainConfig(steps=30, batch_size=32, log_every=10), callbacks=[cb])
    assert len(h.d_loss) == len(h.g_loss) == len(h.p_real) == 30 == h.steps
    assert np.all(np.isfinite(h.d_loss)) and np.all((h.p_fake >= 0) & (h.p_fake <= 1))
    assert set(h.columns) == {"d_loss", "g_loss", "p_real", "p_fake"}
    with pytest.raises(AttributeError, match="History has no column 'gp'; it has: d_loss"):
        _ = h.gp
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


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"steps": 0}, "steps must be >= 1"),
        ({"d_steps": 0, "g_steps": 0}, "not both 0"),
        ({"lr_g": -1e-3}, "learning rates must be positive"),
        ({"loss": "nope"}, "unknown loss 'nope'"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
        ({"beta1": 1.0}, "beta1, beta2 and momentum must lie in"),
        ({"penalties": [GradientPenalty()]}, "must be a tuple of ganlib.penalties objects"),
        ({"penalties": (0.01,)}, "must be a tuple of ganlib.penalties objects"),
        ({"penalties": (GradientPenalty(), GradientPenalty(1.0))}, "lists one kind twice"),
    ],
)
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


def test_clipping_acts_after_every_critic_step():
    seen = []
    cb = lambda step, G, D, h: seen.append(_largest_weight(D))
    G, D = _models()
    assert _largest_weight(D) > 0.01  # clipping has work to do
    h = train_gan(
        G,
        D,
        ring_mixture().sample,
        TrainConfig(
            steps=6,
            batch_size=16,
            d_steps=5,
            loss="wgan",
            optimizer="rmsprop",
            lr_d=5e-5,
            log_every=1,
            penalties=(WeightClipping(0.01),),
        ),
        callbacks=[cb],
    )
    assert max(seen) <= 0.01 and len(seen) == 6 and "clip" not in h  # a constraint logs no term
    G, D = _models()
    train_gan(
        G, D, ring_mixture().sample, TrainConfig(steps=2, batch_size=16, loss="wgan", penalties=(WeightClipping(0.05),))
    )
    assert 0.01 < _largest_weight(D) <= 0.05 + 1e-6  # float32 rounding of 0.05
    G, D = _models()
    train_gan(G, D, ring_mixture().sample, TrainConfig(steps=2, batch_size=16, loss="wgan"))
    assert _largest_weight(D) > 0.05  # a loss alone brings no constraint: the recipe does


def test_gradient_penalty_is_added_and_logged_apart():
    G, D = _models()
    cfg = TrainConfig(
        steps=5,
        batch_size=16,
        d_steps=1,
        loss="wgan",
        lr_g=1e-4,
        lr_d=1e-4,
        beta1=0.0,
        beta2=0.9,
        penalties=(GradientPenalty(10.0),),
    )
    h = train_gan(G, D, ring_mixture().sample, cfg)
    assert np.all(np.isfinite(h.gp)) and np.all(h.gp >= 0) and np.all(np.isfinite(h.d_loss))
    G2, D2 = _models()
    off = train_gan(G2, D2, ring_mixture().sample, TrainConfig(**{**cfg.__dict__, "penalties": ()}))
    assert "gp" not in off
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
    h = train_gan(
        G,
        D,
        ring_mixture().sample,
        TrainConfig(steps=1, batch_size=8, loss="non_saturating", penalties=(GradientPenalty(1.0, target=target),)),
    )
    assert h.gp[0] == pytest.approx((6.12**0.5 - target) ** 2, rel=1e-5)


def test_anneal_decays_the_learning_rate_linearly_to_zero():
    # G(z) = z + shift against a frozen linear critic C(x) = w x: the Wasserstein generator loss
    # -E C(G(z)) has gradient -w on the shift, so plain SGD moves the shift by lr * factor * w
    from ganlib.models import AffineGenerator

    G, D, w, lr, steps = AffineGenerator(), _LinearCritic([2.0]), 2.0, 0.1, 4
    shifts = []
    cb = lambda step, G, D, h: shifts.append(float(G.shift.detach()))
    train_gan(
        G,
        D,
        torch.randn(64, 1),
        TrainConfig(
            steps=steps, batch_size=8, d_steps=0, loss="wgan", lr_g=lr, optimizer="sgd", anneal=True, log_every=1
        ),
        callbacks=[cb],
    )
    moves = np.diff([0.0] + shifts)
    assert moves == pytest.approx([lr * w * (1 - k / steps) for k in range(steps)], rel=1e-5)


def _shifted(mean):
    return lambda n, generator: mean + torch.randn(n, 2, generator=generator)


def test_train_critic_separates_two_samplers_and_repeats_exactly():
    runs, seen = [], []
    for _ in range(2):
        torch.manual_seed(0)
        D = MLPDiscriminator(in_dim=2, hidden=16, depth=2)
        cb = lambda step, D: (
            seen.append(step) or {"gap": float((D(torch.full((1, 2), 2.0)) - D(torch.full((1, 2), -2.0))).detach())}
        )
        h = train_critic(
            D,
            _shifted(2.0),
            _shifted(-2.0),
            TrainConfig(steps=60, batch_size=64, lr_d=1e-2, log_every=20),
            callbacks=[cb],
        )
        runs.append(h)
    assert len(runs[0].d_loss) == 60 and np.all(np.isnan(runs[0].g_loss)) and "gp" not in runs[0]
    assert runs[0].p_real[-1] > 0.9 and runs[0].p_fake[-1] < 0.1 and runs[0].metric("gap")[1][-1] > 0
    assert seen == [20, 40, 60] * 2 and np.array_equal(runs[0].d_loss, runs[1].d_loss)


def test_train_critic_applies_the_configs_penalties():
    torch.manual_seed(0)
    D = MLPDiscriminator(in_dim=2, hidden=16, depth=2)
    train_critic(
        D,
        _shifted(1.0),
        _shifted(-1.0),
        TrainConfig(steps=3, batch_size=16, loss="wgan", optimizer="rmsprop", penalties=(WeightClipping(0.01),)),
    )
    assert _largest_weight(D) <= 0.01
    h = train_critic(
        D,
        _shifted(1.0),
        _shifted(-1.0),
        TrainConfig(steps=3, batch_size=16, loss="wgan", penalties=(GradientPenalty(10.0),)),
    )
    assert np.all(np.isfinite(h.gp)) and np.all(h.gp >= 0)


# --- the opened loop: what chapters 6-9 plug in -------------------------------------------------


class _AutoencoderCritic(torch.nn.Module):
    """A BEGAN-like critic: its output per sample is its own reconstruction error |x - AE(x)|_1."""

    def __init__(self, dim=2, hidden=8):
        super().__init__()
        self.ae = torch.nn.Sequential(torch.nn.Linear(dim, hidden), torch.nn.ELU(), torch.nn.Linear(hidden, dim))

    def forward(self, x):
        return (x - self.ae(x)).abs().mean(1)


class _ControlledLoss(Hook):
    """A stateful loss with a proportional controller, as BEGAN's: L_D = L(x) - k L(G(z)), L_G = L(G(z)),
    k <- clip(k + lambda_k (gamma L(x) - L(G(z))), 0, 1) after every critic update."""

    g_uses_real = False

    def __init__(self, gamma=0.5, lambda_k=0.1, k=0.0):
        self.gamma, self.lambda_k, self.k = gamma, lambda_k, k

    def start(self):
        return _ControlledLoss(self.gamma, self.lambda_k)  # every run starts from k_0 = 0

    def d_loss(self, d_real, d_fake):
        return d_real.mean() - self.k * d_fake.mean()

    def g_loss(self, d_real, d_fake):
        return d_fake.mean()

    def after_critic_step(self, batch, loss):
        l_real, l_fake = float(batch.d_real.detach().mean()), float(batch.d_fake.detach().mean())
        k_used = self.k
        self.k = min(max(self.k + self.lambda_k * (self.gamma * l_real - l_fake), 0.0), 1.0)
        return {"k": k_used, "l_real": l_real, "l_fake": l_fake, "m_global": l_real + abs(self.gamma * l_real - l_fake)}


def test_a_stateful_loss_drives_its_controller_through_the_loop():
    G, _ = _models()
    torch.manual_seed(1)
    D = _AutoencoderCritic()
    loss = _ControlledLoss(gamma=0.5, lambda_k=0.1)
    h = train_gan(G, D, ring_mixture().sample, TrainConfig(steps=40, batch_size=32, loss=loss, log_every=10))
    # k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1), replayed from the logged losses
    k = [0.0]
    for l_real, l_fake in zip(h.l_real, h.l_fake):
        k.append(min(max(k[-1] + 0.1 * (0.5 * l_real - l_fake), 0.0), 1.0))
    np.testing.assert_allclose(h.k, k[:-1], atol=1e-12)
    np.testing.assert_allclose(h.m_global, h.l_real + np.abs(0.5 * h.l_real - h.l_fake), rtol=1e-12)
    assert h.k[0] == 0 and h.k.max() > 0  # the controller moved
    # and D's loss was the controlled one: L(x) - k L(G(z)) with the k in force at that update
    np.testing.assert_allclose(h.d_loss, h.l_real - h.k * h.l_fake, rtol=1e-5, atol=1e-6)
    assert loss.k == 0.0  # the config's loss is a template; the run started its own
    h2 = train_gan(
        *_fresh_began(), ring_mixture().sample, TrainConfig(steps=40, batch_size=32, loss=loss, log_every=10)
    )
    np.testing.assert_array_equal(h.k, h2.k)  # a second run starts from k_0 again and repeats the first


def _fresh_began():
    G, _ = _models()
    torch.manual_seed(1)
    return G, _AutoencoderCritic()


def test_clipping_of_the_controller_at_zero_and_one():
    loss = _ControlledLoss(gamma=1.0, lambda_k=10.0).start()
    batch = lambda real, fake: type("B", (), {"d_real": torch.tensor([real]), "d_fake": torch.tensor([fake])})
    loss.after_critic_step(batch(1.0, 0.0), None)
    assert loss.k == 1.0  # 0 + 10 * (1 - 0) clipped to 1
    loss.after_critic_step(batch(0.0, 1.0), None)
    assert loss.k == 0.0  # 1 + 10 * (0 - 1) clipped to 0


class _LinearCriticOnly(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        self.lin = torch.nn.Linear(2, 1, bias=False)
        with torch.no_grad():
            self.lin.weight.copy_(torch.tensor([w]))

    def forward(self, x):
        return self.lin(x).squeeze(-1)


def test_r1_is_applied_lazily_with_its_weight_times_the_interval():
    # plain SGD on a linear critic C(x) = w.x: R1 = ||w||^2, so a due update adds lr * (gamma/2) * every * 2w
    # to the plain step; updates that are not due equal the plain ones
    lr, gamma, every, w0 = 0.01, 10.0, 3, [0.3, -0.4]
    runs = {}
    for name, penalties in (("plain", ()), ("r1", (R1Penalty(gamma=gamma, interval=every),))):
        G, _ = _models()
        D = _LinearCriticOnly(w0)
        weights = []
        cb = lambda step, G, D, h, weights=weights: weights.append(D.lin.weight.detach().clone().squeeze(0))
        h = train_gan(
            G,
            D,
            ring_mixture().sample,
            TrainConfig(steps=4, batch_size=16, g_steps=0, optimizer="sgd", lr_d=lr, log_every=1, penalties=penalties),
            callbacks=[cb],
        )
        runs[name] = (h, weights)
    h, w_r1 = runs["r1"]
    assert np.isnan(h.r1[[1, 2]]).all() and h.r1[0] == pytest.approx(0.25, rel=1e-6)  # due on updates 1 and 4
    assert h.r1[3] == pytest.approx(float((w_r1[2] ** 2).sum()), rel=1e-5)
    _, w_plain = runs["plain"]
    torch.testing.assert_close(w_r1[0], w_plain[0] - lr * gamma / 2 * every * 2 * torch.tensor(w0))


class _MixingGenerator(torch.nn.Module):
    """Draws two latents per sample and uses the first for one coordinate, the second for the other."""

    latent_dim = 2

    def __init__(self):
        super().__init__()
        self.a, self.b = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
        self.seen = []

    def sample_latent(self, n, generator):
        return torch.randn(n, 2, self.latent_dim, device=generator.device, generator=generator)  # (N, 2, latent)

    def forward(self, z):  # z: (N, 2, latent) -> (N, 2)
        self.seen.append(tuple(z.shape))
        return torch.cat([self.a(z[:, 0]), self.b(z[:, 1])], dim=1)


def test_a_generator_can_ask_for_two_latents_per_sample():
    torch.manual_seed(0)
    G, D = _MixingGenerator(), MLPDiscriminator(in_dim=2, hidden=16, depth=2)
    h = train_gan(G, D, ring_mixture().sample, TrainConfig(steps=10, batch_size=8, log_every=5))
    assert set(G.seen) == {(8, 2, 2)} and len(G.seen) == 20  # one critic and one generator update per step
    assert np.all(np.isfinite(h.g_loss)) and G.a.weight.grad is not None and G.b.weight.grad is not None


def test_ema_follows_the_generator_with_its_beta():
    G, D = _models()
    start = [p.detach().clone() for p in G.parameters()]
    ema = EMA(G, beta=0.9)
    history = []
    cb = lambda step, G, D, h: history.append([p.detach().clone() for p in G.parameters()])
    train_gan(
        G, D, ring_mixture().sample, TrainConfig(steps=3, batch_size=16, log_every=1), hooks=[ema], callbacks=[cb]
    )
    expected = start
    for params in history:  # one generator update per step: avg <- 0.9 avg + 0.1 G
        expected = [0.9 * e + 0.1 * p for e, p in zip(expected, params)]
    for avg, e in zip(ema.model.parameters(), expected):
        torch.testing.assert_close(avg, e)
    assert not any(p.requires_grad for p in ema.model.parameters())
    with pytest.raises(ValueError, match="EMA beta must lie in"):
        EMA(G, beta=1.0)


def test_hooks_log_named_scalars_and_see_each_update():
    class Counter(Hook):
        def __init__(self):
            self.critic, self.generator = 0, 0

        def after_critic_step(self, batch, loss):
            self.critic += 1
            return {"critic_updates": self.critic, "x_fake_mean": batch.x_fake.mean()}

        def after_generator_step(self, batch, loss):
            self.generator += 1
            assert batch.d_real is None and batch.z.shape == (16, 2)
            return {"g_again": loss}

    G, D = _models()
    counter = Counter()
    h = train_gan(
        G, D, ring_mixture().sample, TrainConfig(steps=6, batch_size=16, d_steps=2, log_every=4), hooks=[counter]
    )
    assert (counter.critic, counter.generator) == (12, 6)
    assert h.critic_updates.tolist() == [2, 4, 6, 8, 10, 12]  # the last critic update of each step
    np.testing.assert_array_equal(h.g_again, h.g_loss)
    assert np.all(np.isfinite(h.x_fake_mean))


def test_a_blown_up_run_is_detected_with_its_step_and_stops_before_scoring():
    G, D = _models()
    scored = []
    score = lambda step, G, D, h: scored.append(step) or {"x": 1.0}
    config = TrainConfig(steps=200, batch_size=32, loss="lsgan", lr_g=1e3, lr_d=1e3, log_every=20)
    with pytest.warns(RuntimeWarning, match=r"training diverged: d_loss = inf at step 2; stopped at step 20"):
        h = train_gan(G, D, ring_mixture().sample, config, callbacks=[score])
    assert h.diverged == Divergence(step=2, name="d_loss", value=np.inf)
    assert np.isfinite(h.d_loss[0]) and not np.isfinite(h.d_loss[1])
    assert h.steps == 20 and scored == []  # stopped at the first host copy; the broken G is never scored


def test_a_frozen_player_or_lazy_penalty_is_not_a_divergence():
    # NaN marks a value not computed that step; only a computed non-finite value is a blow-up
    G, D = _models()
    frozen = train_gan(G, D, ring_mixture().sample, TrainConfig(steps=8, batch_size=16, d_steps=0, log_every=4))
    assert frozen.diverged is None and frozen.steps == 8 and np.isnan(frozen.d_loss).all()
    lazy = TrainConfig(steps=8, batch_size=16, log_every=4, penalties=(R1Penalty(gamma=1.0, interval=4),))
    h = train_gan(G, D, ring_mixture().sample, lazy)
    assert h.diverged is None and h.steps == 8 and np.isnan(h.r1).sum() == 6


def test_train_critic_stops_at_a_divergence():
    D = _models()[1]
    real = lambda n, g: torch.randn(n, 2, generator=g)
    fake = lambda n, g: torch.full((n, 2), float("nan"))
    with pytest.warns(RuntimeWarning, match="at step 1"):
        h = train_critic(D, real, fake, TrainConfig(steps=50, batch_size=8, log_every=10))
    assert h.diverged.step == 1 and h.diverged.name == "d_loss" and h.steps == 10
