"""The GAN game on a 1-D grid: V(G, D), the optimal discriminators and divergences between densities.

Densities are arrays sampled on a grid ``x`` and integrated with the trapezoid rule.

- NumPy (chapters 2 and 5): a discriminator read on the grid (:func:`critic_on_grid`), the value
  V(G, D) (:func:`gan_value`), D* = p_data / (p_data + p_g) and V at D*; LSGAN's optimal
  discriminator for the coding (a, b, c), its generator objective and the Pearson chi^2;
  :func:`best_response`, max_D V found by a numerical search, independent of the closed form.
- Torch, float64 and differentiable (chapters 1 and 3, which descend on them): log-densities of
  Gaussians on the grid (:func:`log_normal`), KL and JS from log-densities, and
  :func:`fit_gaussian`, Adam on a Gaussian's (mean, log std) to minimise any such objective.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

__all__ = [
    "critic_on_grid",
    "prob_real_on_grid",
    "optimal_discriminator",
    "gan_value",
    "gan_value_of_logits",
    "gan_value_at_optimum",
    "BestResponse",
    "best_response",
    "lsgan_optimal_discriminator",
    "lsgan_generator_value",
    "pearson_chi2",
    "log_normal",
    "integrate",
    "kl_on_grid",
    "js_on_grid",
    "GaussianFit",
    "fit_gaussian",
    "gaussian_gradient",
    "optimal_critic_1d",
]


def critic_on_grid(D, x, device=None):
    """D's raw output (its logit) at every point of the 1-D grid ``x``, as a float64 NumPy array."""
    device = device or next(D.parameters()).device
    with torch.no_grad():
        out = D(torch.tensor(np.asarray(x), dtype=torch.float32, device=device).unsqueeze(1))
    return out.cpu().double().numpy()


def prob_real_on_grid(D, x, device=None):
    """D's probability of "real", the sigmoid of its logit, at every grid point."""
    return 1 / (1 + np.exp(-critic_on_grid(D, x, device)))


def optimal_discriminator(p_data, p_g):
    """D*(x) = p_data / (p_data + p_g): the discriminator that maximises V for a fixed G."""
    return p_data / (p_data + p_g)


def gan_value(log_d, log_one_minus_d, p_data, p_g, x):
    """V(G, D) = int p_data log D + p_g log(1 - D) dx, from the two logs on the grid."""
    return np.trapezoid(p_data * log_d + p_g * log_one_minus_d, x)


def gan_value_of_logits(logits, p_data, p_g, x):
    """V for a D given by its logits: log D = -softplus(-l), log(1 - D) = -softplus(l), stable at any l."""
    return gan_value(-np.logaddexp(0, -logits), -np.logaddexp(0, logits), p_data, p_g, x)


def gan_value_at_optimum(p_data, p_g, x):
    """V(G, D*) = max_D V(G, D), with D*'s logs taken from the densities."""
    return gan_value(np.log(p_data / (p_data + p_g)), np.log(p_g / (p_data + p_g)), p_data, p_g, x)


class BestResponse(NamedTuple):
    """max_D V(G, D) on a grid, found numerically: ``d`` is the maximiser at each grid point."""

    value: float
    d: np.ndarray


def best_response(p_data, p_g, x, logit_bound=60.0, iterations=100):
    """Maximise V(G, D) over every D by a search at each grid point, without using D*'s formula.

    V is an integral of f(D(x)) = p_data(x) log D(x) + p_g(x) log(1 - D(x)) with no coupling
    between points, so the best function D is the best value at each point. In D's logit t,
    f is concave (log sigmoid is) with slope p_data sigmoid(-t) - p_g sigmoid(t), so bisection
    on the sign of that slope over [-logit_bound, logit_bound] finds the maximiser; 100 halvings
    leave a bracket of 1e-28. (A search on f's values would stop at sqrt(machine epsilon), as f
    is flat at its top.) An independent check of D* = p_data / (p_data + p_g) and of V(G, D*).
    """
    p_data, p_g = np.asarray(p_data, dtype=np.float64), np.asarray(p_g, dtype=np.float64)
    lo, hi = np.full_like(p_data, -logit_bound), np.full_like(p_data, logit_bound)
    for _ in range(iterations):
        t = (lo + hi) / 2
        rising = p_data / (1 + np.exp(t)) > p_g / (1 + np.exp(-t))
        lo, hi = np.where(rising, t, lo), np.where(rising, hi, t)
    t = (lo + hi) / 2
    # log sigmoid(t) = -log(1 + e^-t), written to stay finite at any t
    value = np.trapezoid(-p_data * np.logaddexp(0, -t) - p_g * np.logaddexp(0, t), x)
    return BestResponse(float(value), 1 / (1 + np.exp(-t)))


def lsgan_optimal_discriminator(p_data, p_g, a, b):
    """LSGAN's D*(x) = (b p_data + a p_g) / (p_data + p_g) for fake label a and real label b."""
    return (b * p_data + a * p_g) / (p_data + p_g)


def lsgan_generator_value(p_data, p_g, x, a, b, c):
    """LSGAN's generator objective at D*: 1/2 E_pdata[(D* - c)^2] + 1/2 E_pg[(D* - c)^2]."""
    d_star = lsgan_optimal_discriminator(p_data, p_g, a, b)
    return 0.5 * np.trapezoid(p_data * (d_star - c) ** 2, x) + 0.5 * np.trapezoid(p_g * (d_star - c) ** 2, x)


def pearson_chi2(p, q, x):
    """Pearson's chi^2(p || q) = int (p - q)^2 / q dx."""
    return np.trapezoid((p - q) ** 2 / q, x)


def log_normal(x, mean, std):
    """log N(x; mean, std^2) on the grid, differentiable in ``mean`` and ``std`` (float64)."""
    mean, std = torch.as_tensor(mean, dtype=torch.float64), torch.as_tensor(std, dtype=torch.float64)
    return -0.5 * ((x - mean) / std) ** 2 - torch.log(std) - 0.5 * math.log(2 * math.pi)


def integrate(values, x):
    """The trapezoid integral of ``values`` over the grid ``x`` (torch)."""
    return torch.trapezoid(values, x)


def kl_on_grid(log_p, log_q, x):
    """KL(p || q) = int p (log p - log q) dx from log-densities on the grid."""
    return integrate(log_p.exp() * (log_p - log_q), x)


def js_on_grid(log_p, log_q, x):
    """JS(p || q) = KL(p || m) / 2 + KL(q || m) / 2 with m = (p + q) / 2, from log-densities."""
    log_m = torch.logaddexp(log_p, log_q) - math.log(2)
    return 0.5 * kl_on_grid(log_p, log_m, x) + 0.5 * kl_on_grid(log_q, log_m, x)


class GaussianFit(NamedTuple):
    """A Gaussian fitted by :func:`fit_gaussian`: ``path[i]`` = (mean, std) after step i, ``values[i]`` the
    objective at the start of step i; ``mean``, ``std`` are the last point."""

    path: np.ndarray
    values: np.ndarray

    @property
    def mean(self):
        return float(self.path[-1, 0])

    @property
    def std(self):
        return float(self.path[-1, 1])


def fit_gaussian(objective, x, mean, std, steps, lr):
    """Adam on (mean, log std) of q = N(mean, std^2) for ``steps`` steps, minimising ``objective(log q on x)``.

    ``objective`` is any differentiable function of q's log-density on the grid ``x`` (a float64
    tensor), such as ``lambda log_q: kl_on_grid(log_p, log_q, x)`` (forward KL).
    """
    if steps < 1 or lr <= 0 or std <= 0:
        raise ValueError("fit_gaussian needs steps >= 1, lr > 0 and std > 0")
    params = torch.tensor([mean, math.log(std)], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([params], lr=lr)
    path, values = [], []
    for _ in range(steps):
        loss = objective(log_normal(x, params[0], params[1].exp()))
        opt.zero_grad()
        loss.backward()
        opt.step()
        values.append(float(loss.detach()))
        mean_, log_std = params.detach().tolist()
        path.append((mean_, math.exp(log_std)))
    return GaussianFit(np.array(path), np.array(values))


def gaussian_gradient(objective, mean, std):
    """(d objective / d mean, d objective / d std) and the objective's value, for ``objective(mean, std)`` of float64
    scalar tensors: how a Gaussian generator's parameters would move."""
    mean = torch.tensor(mean, dtype=torch.float64, requires_grad=True)
    std = torch.tensor(std, dtype=torch.float64, requires_grad=True)
    value = objective(mean, std)
    return np.array([float(g) for g in torch.autograd.grad(value, (mean, std))]), float(value.detach())


def optimal_critic_1d(cdf_p, cdf_q, x):
    """The 1-Lipschitz f maximising E_p f - E_q f on the grid ``x``: slope sign(F_q - F_p), f(x[0]) = 0.

    ``cdf_p`` and ``cdf_q`` are the two CDFs on the grid; E_p f - E_q f is then W1(p, q).
    """
    gap = np.asarray(cdf_q) - np.asarray(cdf_p)
    return np.concatenate([[0.0], np.cumsum(np.sign(gap[1:]) * np.diff(x))])
