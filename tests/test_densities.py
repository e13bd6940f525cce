"""ganlib.densities: the GAN game and divergences on 1-D grids, against closed forms."""

import math

import numpy as np
import pytest
import torch
from scipy import stats

from ganlib.data import Gaussian1D
from ganlib.densities import (
    best_response,
    critic_on_grid,
    fit_gaussian,
    gan_value_at_optimum,
    gan_value_of_logits,
    gaussian_gradient,
    integrate,
    js_on_grid,
    kl_on_grid,
    log_normal,
    lsgan_generator_value,
    lsgan_optimal_discriminator,
    optimal_critic_1d,
    optimal_discriminator,
    pearson_chi2,
    prob_real_on_grid,
)
from ganlib.info import js_density

X = np.linspace(-12, 12, 4001)
XT = torch.tensor(X)


def test_value_at_d_star_is_twice_js_minus_2_log_2():
    p, q = Gaussian1D(0, 1).pdf(X), Gaussian1D(1.5, 0.7).pdf(X)
    assert gan_value_at_optimum(p, q, X) == pytest.approx(2 * js_density(p, q, X) - 2 * math.log(2), abs=1e-9)
    logits_star = np.log(p / q)  # D*'s logit is the log density ratio
    assert gan_value_of_logits(logits_star, p, q, X) == pytest.approx(gan_value_at_optimum(p, q, X), abs=1e-6)
    assert gan_value_of_logits(logits_star + 0.3, p, q, X) < gan_value_at_optimum(p, q, X)  # any other D does worse
    assert optimal_discriminator(p, p).tolist() == [0.5] * len(X)


def test_the_numerical_best_response_finds_d_star_and_its_value():
    p, q = Gaussian1D(0, 1).pdf(X), Gaussian1D(1.5, 0.7).pdf(X)
    best = best_response(p, q, X)
    support = (p + q) > 1e-6
    np.testing.assert_allclose(best.d[support], optimal_discriminator(p, q)[support], atol=1e-9)
    assert best.value == pytest.approx(gan_value_at_optimum(p, q, X), abs=1e-9)
    # one point at a time, a log D + b log(1 - D) peaks at a / (a + b): checked by hand
    one = best_response(np.array([3.0, 1.0, 0.0]), np.array([1.0, 4.0, 2.0]), np.array([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(one.d[:2], [0.75, 0.2], atol=1e-12)
    assert one.d[2] < 1e-20  # no data there: D falls to 0 (the search's bound)
    same = best_response(p, p, X)
    assert np.abs(same.d - 0.5).max() < 1e-12 and same.value == pytest.approx(-2 * math.log(2), abs=1e-6)


def test_networks_read_on_the_grid():
    lin = torch.nn.Linear(1, 1)
    with torch.no_grad():
        lin.weight.fill_(2.0)
        lin.bias.fill_(-1.0)
    D = lambda x: lin(x).squeeze(-1)
    D.parameters = lin.parameters
    assert np.allclose(critic_on_grid(D, [0.0, 1.0]), [-1.0, 1.0])
    assert np.allclose(prob_real_on_grid(D, [0.5]), [0.5])


def test_lsgan_optimum_and_pearson_chi2():
    p, q = Gaussian1D(0, 1).pdf(X), Gaussian1D(1, 1).pdf(X)
    assert np.allclose(lsgan_optimal_discriminator(p, p, -1, 1), 0)
    # chi^2 between N(0, 1) and N(1, 1) is e - 1
    assert pearson_chi2(p, q, X) == pytest.approx(math.e - 1, rel=1e-6)
    # coding b - c = 1, b - a = 2: C(G) = chi^2(p_data + p_g || 2 p_g) / 2
    assert lsgan_generator_value(p, q, X, -1, 1, 0) == pytest.approx(0.5 * pearson_chi2(2 * q, p + q, X), abs=1e-9)


def test_torch_divergences_match_closed_forms_and_differentiate():
    mu = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    log_p, log_q = log_normal(XT, 0.0, 1.0), log_normal(XT, mu, 1.0)
    assert float(integrate(log_q.detach().exp(), XT)) == pytest.approx(1, abs=1e-10)
    kl = kl_on_grid(log_p, log_q, XT)
    assert float(kl.detach()) == pytest.approx(0.7**2 / 2, abs=1e-9)  # KL of unit Gaussians = (mu difference)^2 / 2
    (grad,) = torch.autograd.grad(kl, mu)
    assert float(grad) == pytest.approx(0.7, abs=1e-8)
    js = float(js_on_grid(log_p, log_q.detach(), XT))
    assert js == pytest.approx(js_density(np.exp(log_p.numpy()), np.exp(log_q.detach().numpy()), X), abs=1e-10)


def test_fit_gaussian_finds_the_forward_kl_optimum_the_moments():
    target = stats.norm(1.0, 2.0)
    log_p = torch.tensor(target.logpdf(X))
    fit = fit_gaussian(lambda log_q: kl_on_grid(log_p, log_q, XT), XT, 0.0, 1.0, steps=800, lr=0.05)
    assert fit.mean == pytest.approx(1.0, abs=1e-3) and fit.std == pytest.approx(2.0, abs=1e-3)
    assert (
        fit.path.shape == (800, 2) and fit.values[-1] < fit.values[0] and fit.values[-1] == pytest.approx(0, abs=1e-6)
    )
    with pytest.raises(ValueError, match="steps >= 1"):
        fit_gaussian(lambda log_q: log_q.sum(), XT, 0.0, 1.0, steps=0, lr=0.1)


def test_gaussian_gradient_and_the_optimal_1d_critic():
    grad, value = gaussian_gradient(lambda m, s: m**2 * s, 3.0, 2.0)
    assert grad.tolist() == [12.0, 9.0] and value == 18.0
    x = np.linspace(-8, 8, 16001)
    p, q = stats.norm(0, 1), stats.norm(2, 0.5)
    f = optimal_critic_1d(p.cdf(x), q.cdf(x), x)
    assert np.abs(np.diff(f) / np.diff(x)).max() <= 1 + 1e-12  # 1-Lipschitz
    dual = np.trapezoid(f * p.pdf(x), x) - np.trapezoid(f * q.pdf(x), x)
    assert dual == pytest.approx(np.trapezoid(np.abs(p.cdf(x) - q.cdf(x)), x), abs=1e-6)  # = W1 in 1-D
