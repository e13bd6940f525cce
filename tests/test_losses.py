import pytest
import torch
import torch.nn.functional as F

from ganlib import losses

torch.manual_seed(0)
D_REAL, D_FAKE = torch.randn(64, dtype=torch.float64) * 3, torch.randn(64, dtype=torch.float64) * 3


def test_discriminator_loss_is_binary_cross_entropy():
    expected = (F.binary_cross_entropy_with_logits(D_REAL, torch.ones_like(D_REAL))
                + F.binary_cross_entropy_with_logits(D_FAKE, torch.zeros_like(D_FAKE)))
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
    with pytest.raises(ValueError, match="unknown loss 'hinge'; choose one of: max_likelihood, minimax"):
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


def test_wasserstein_losses_match_their_formulas_and_carry_their_constraints():
    d_real, d_fake = torch.randn(64) * 3 + 1, torch.randn(64) * 2 - 1
    torch.testing.assert_close(losses.d_wasserstein(d_real, d_fake), d_fake.mean() - d_real.mean())
    torch.testing.assert_close(losses.g_wasserstein(None, d_fake), -d_fake.mean())
    # raw scores: no sigmoid, no log (a shift of the critic shifts the losses, it does not saturate)
    assert losses.d_wasserstein(d_real + 100, d_fake + 100) == pytest.approx(float(losses.d_wasserstein(d_real, d_fake)), abs=1e-4)
    wgan, gp = losses.LOSSES["wgan"], losses.LOSSES["wgan_gp"]
    assert (wgan.clip, wgan.gp_weight) == (0.01, 0.0) and (gp.clip, gp.gp_weight) == (0.0, 10.0)
    assert all(losses.LOSSES[n].clip == 0 and losses.LOSSES[n].gp_weight == 0 for n in ("non_saturating", "rsgan"))
