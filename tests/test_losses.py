import pytest
import torch
import torch.nn.functional as F

from ganlib import losses

torch.manual_seed(0)
D_REAL, D_FAKE = torch.randn(64, dtype=torch.float64) * 3, torch.randn(64, dtype=torch.float64) * 3


def test_discriminator_loss_is_binary_cross_entropy():
    expected = F.binary_cross_entropy_with_logits(D_REAL, torch.ones_like(D_REAL)) + F.binary_cross_entropy_with_logits(
        D_FAKE, torch.zeros_like(D_FAKE)
    )
    torch.testing.assert_close(losses.d_cross_entropy(D_REAL, D_FAKE), expected)


def test_generator_losses_match_their_formulas():
    d = torch.sigmoid(D_FAKE)
    torch.testing.assert_close(losses.g_minimax(D_REAL, D_FAKE), torch.log(1 - d).mean())
    torch.testing.assert_close(losses.g_non_saturating(D_REAL, D_FAKE), -torch.log(d).mean())
    # sigmoid^-1(D) is the logit
    torch.testing.assert_close(losses.g_max_likelihood(D_REAL, D_FAKE), -0.5 * torch.exp(torch.logit(d)).mean())


def test_losses_stay_finite_where_d_saturates():
    huge = torch.tensor([80.0, -80.0])
    for name, loss in losses.LOSSES.items():
        assert torch.isfinite(loss.d_loss(huge, huge)), name
    assert torch.isfinite(losses.g_minimax(None, huge))
    assert torch.isfinite(losses.g_non_saturating(None, huge))


def test_minimax_gradient_vanishes_when_d_rejects_fakes():
    # the saturation argument of chapter 3, on the loss itself: d(loss)/d(logit) = -sigmoid(logit)
    logit = torch.tensor([-10.0], requires_grad=True)
    losses.g_minimax(None, logit).backward()
    assert abs(float(logit.grad)) < 1e-4
    logit = torch.tensor([-10.0], requires_grad=True)
    losses.g_non_saturating(None, logit).backward()
    assert abs(float(logit.grad)) > 0.99


def test_registry_lookup_and_clear_error():
    assert losses.get_loss("minimax").g_loss is losses.g_minimax
    assert losses.get_loss(losses.LOSSES["non_saturating"]) is losses.LOSSES["non_saturating"]
    with pytest.raises(
        ValueError, match="unknown loss 'hinge'; choose one of: lsgan, lsgan:-1-1-0, max_likelihood, minimax"
    ):
        losses.get_loss("hinge")


def _bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, float(target)))


def test_rsgan_matches_its_formula():
    # D: real should look more real than its paired fake; G: the other way round
    torch.testing.assert_close(losses.d_rsgan(D_REAL, D_FAKE), _bce(D_REAL - D_FAKE, 1))
    torch.testing.assert_close(losses.g_rsgan(D_REAL, D_FAKE), _bce(D_FAKE - D_REAL, 1))


def test_rasgan_matches_its_formula():
    real_vs_fake, fake_vs_real = D_REAL - D_FAKE.mean(), D_FAKE - D_REAL.mean()
    torch.testing.assert_close(losses.d_rasgan(D_REAL, D_FAKE), _bce(real_vs_fake, 1) + _bce(fake_vs_real, 0))
    torch.testing.assert_close(losses.g_rasgan(D_REAL, D_FAKE), _bce(fake_vs_real, 1) + _bce(real_vs_fake, 0))


@pytest.mark.parametrize("name", ["rsgan", "rasgan"])
def test_relativistic_generator_losses_use_the_real_batch(name):
    loss = losses.get_loss(name)
    assert loss.g_uses_real
    d_real = D_REAL.clone().requires_grad_(True)
    loss.g_loss(d_real, D_FAKE).backward()
    assert float(d_real.grad.abs().sum()) > 0  # the real critic outputs shape G's loss
    assert not losses.get_loss("non_saturating").g_uses_real


def test_wasserstein_losses_match_their_formulas():
    d_real, d_fake = torch.randn(64) * 3 + 1, torch.randn(64) * 2 - 1
    torch.testing.assert_close(losses.d_wasserstein(d_real, d_fake), d_fake.mean() - d_real.mean())
    torch.testing.assert_close(losses.g_wasserstein(None, d_fake), -d_fake.mean())
    # raw scores: no sigmoid, no log (a shift of the critic shifts the losses, it does not saturate)
    assert losses.d_wasserstein(d_real + 100, d_fake + 100) == pytest.approx(
        float(losses.d_wasserstein(d_real, d_fake)), abs=1e-4
    )


def test_a_loss_object_passes_through_get_loss_and_anything_else_is_a_clear_error():
    stateful = losses.GANLoss(losses.d_cross_entropy, losses.g_non_saturating)
    assert losses.get_loss(stateful) is stateful
    with pytest.raises(ValueError, match="an object with d_loss, g_loss and g_uses_real"):
        losses.get_loss(42)


@pytest.mark.parametrize("name, a, b, c", [("lsgan", 0.0, 1.0, 1.0), ("lsgan:-1-1-0", -1.0, 1.0, 0.0)])
def test_lsgan_codings_match_the_paper_formulas(name, a, b, c):
    loss = losses.get_loss(name)
    torch.testing.assert_close(
        loss.d_loss(D_REAL, D_FAKE), 0.5 * ((D_REAL - b) ** 2).mean() + 0.5 * ((D_FAKE - a) ** 2).mean()
    )
    torch.testing.assert_close(loss.g_loss(None, D_FAKE), 0.5 * ((D_FAKE - c) ** 2).mean())
    assert losses.lsgan((a, b, c)).d_loss(D_REAL, D_FAKE) == loss.d_loss(D_REAL, D_FAKE)


def test_lsgan_codings_are_checked():
    with pytest.raises(ValueError, match="unknown LSGAN coding '1-0-1'; choose one of: 0-1-1, -1-1-0"):
        losses.lsgan("1-0-1")
    with pytest.raises(ValueError, match="needs a != b"):
        losses.lsgan((1, 1, 0))


def test_least_squares_keeps_pulling_fakes_already_on_the_real_side():
    # a fake scored 5 (far on the real side of the boundary): -log D has almost no slope left,
    # the least-squares loss (c = 1) still pulls with slope C - c = 4
    score = torch.tensor([5.0], requires_grad=True)
    losses.g_non_saturating(None, score).backward()
    ns_slope = abs(float(score.grad))
    score = torch.tensor([5.0], requires_grad=True)
    losses.LOSSES["lsgan"].g_loss(None, score).backward()
    assert ns_slope < 0.01 and float(score.grad) == pytest.approx(4.0)


def test_ralsgan_matches_its_formula():
    ar, af = D_REAL - D_FAKE.mean(), D_FAKE - D_REAL.mean()
    torch.testing.assert_close(losses.d_ralsgan(D_REAL, D_FAKE), ((ar - 1) ** 2).mean() + ((af + 1) ** 2).mean())
    torch.testing.assert_close(losses.g_ralsgan(D_REAL, D_FAKE), ((af - 1) ** 2).mean() + ((ar + 1) ** 2).mean())
    assert losses.LOSSES["ralsgan"].g_uses_real


def test_registered_losses_pickle_for_worker_processes():
    import pickle

    for name in ("lsgan", "lsgan:-1-1-0", "ralsgan"):
        loss = pickle.loads(pickle.dumps(losses.LOSSES[name]))
        torch.testing.assert_close(loss.d_loss(D_REAL, D_FAKE), losses.LOSSES[name].d_loss(D_REAL, D_FAKE))
