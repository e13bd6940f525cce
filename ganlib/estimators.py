"""Divergences read off a trained discriminator (chapter 4's parallel lines).

A discriminator trained with the cross-entropy loss between P and Q estimates
JS(P || Q) = log 2 - L_D / 2 at its optimum (:func:`js_from_logits`); its logit T also gives
Donsker-Varadhan's lower bound KL(P || Q) >= E_P[T] - log E_Q[exp T], which holds for any T
(:func:`dv_kl_lower_bound`). :func:`discriminator_divergences` trains one and reads both;
:func:`parallel_lines` does so for Arjovsky et al.'s two parallel segments, beside POT's W1. A
Wasserstein critic f gives the Kantorovich-Rubinstein dual E_P[f] - E_Q[f] (:func:`kr_dual`);
:func:`penalised_critic_dual` trains one with the gradient penalty between two 1-D laws and reads it.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .data import VerticalSegment
from .losses import LOSSES
from .metrics import wasserstein1
from .models import MLPDiscriminator
from .penalties import GradientPenalty
from .train import TrainConfig, train_critic

__all__ = [
    "js_from_logits",
    "dv_kl_lower_bound",
    "kr_dual",
    "penalised_critic_dual",
    "discriminator_divergences",
    "parallel_lines",
]


def js_from_logits(logits_p, logits_q):
    """log 2 - L_D / 2: the JS estimate of a cross-entropy discriminator with these logits on P and Q samples."""
    return float(-LOSSES["non_saturating"].d_loss(logits_p, logits_q)) / 2 + math.log(2)


def dv_kl_lower_bound(t_p, t_q):
    """Donsker-Varadhan: E_P[T] - log E_Q[exp T] <= KL(P || Q) for the critic values T on P and Q samples."""
    return float(t_p.mean() - (torch.logsumexp(t_q, 0) - math.log(len(t_q))))


def kr_dual(critic, x_p, x_q):
    """E_P[f] - E_Q[f] for the critic f on samples of P and Q: a lower bound on W1(P, Q) when f is 1-Lipschitz."""
    device = next(critic.parameters()).device
    with torch.no_grad():
        return float(critic(x_p.to(device)).mean() - critic(x_q.to(device)).mean())


def penalised_critic_dual(sample_p, sample_q, x_p, x_q, steps, seed, gp_weight=10.0, hidden=64, depth=2, device="cpu"):
    """Train a 1-D MLP critic with the gradient penalty between two samplers; return ``(dual, critic)``.

    The critic's loss is E_Q[f] - E_P[f] + ``gp_weight`` E[(|f'(x_hat)| - 1)^2] (WGAN-GP), Adam 1e-3,
    betas (0.5, 0.9), batches of 512, ``steps`` steps; its weights from ``seed``, its batches from
    ``seed + 7``. ``dual`` is :func:`kr_dual` on the fixed samples ``x_p`` and ``x_q`` (1-D, (N, 1)).
    """
    torch.manual_seed(seed)
    critic = MLPDiscriminator(1, hidden, depth)
    config = TrainConfig(
        steps=steps,
        batch_size=512,
        loss="wgan",
        lr_d=1e-3,
        beta1=0.5,
        beta2=0.9,
        penalties=(GradientPenalty(gp_weight),),
        seed=seed + 7,
    )
    train_critic(critic, sample_p, sample_q, config, device=device)
    return kr_dual(critic, x_p, x_q), critic


def discriminator_divergences(sample_p, sample_q, n, steps, seed, hidden=32, depth=2, lr=1e-2):
    """Train an MLP discriminator between two 2-D samplers; return (JS estimate, KL bounds half-way and at the end).

    Adam (``lr``, betas 0.9, 0.999), batches of ``n`` from each side; both estimates are read on
    fresh samples of ``4 n`` from each.
    """
    torch.manual_seed(seed)
    D = MLPDiscriminator(2, hidden, depth)
    fresh = torch.Generator().manual_seed(seed + 1)

    def kl_bound(step, D):
        with torch.no_grad():
            return {"kl": dv_kl_lower_bound(D(sample_p(4 * n, fresh)), D(sample_q(4 * n, fresh)))}

    config = TrainConfig(
        steps=steps, batch_size=n, lr_d=lr, beta1=0.9, beta2=0.999, log_every=max(steps // 2, 1), seed=seed
    )
    kl_bounds = train_critic(D, sample_p, sample_q, config, callbacks=[kl_bound]).metric("kl")[1]
    with torch.no_grad():
        js = js_from_logits(D(sample_p(4 * n, fresh)), D(sample_q(4 * n, fresh)))
    return js, kl_bounds[[0, -1]]


def parallel_lines(thetas, n, steps, seed):
    """Divergences between the segments {0} x [0, 1] and {theta} x [0, 1], for each theta (WGAN's Example 1).

    Returns a dict of arrays over ``thetas``: ``w_hat`` (POT's W1 between ``n`` samples of each,
    all drawn from one generator seeded by ``seed``), ``js_hat``, ``kl_lower_bound`` and
    ``kl_lower_bound_half_way`` (:func:`discriminator_divergences` with ``n``, ``steps`` and
    ``seed``), and ``theta``. The exact values: W1 = |theta|; JS = log 2 and KL = inf for theta != 0.
    """
    thetas = np.asarray(thetas, dtype=float)
    gen = torch.Generator().manual_seed(seed)
    base = VerticalSegment(0.0)
    w_hat = [wasserstein1(base.sample(n, gen), VerticalSegment(t).sample(n, gen)) for t in thetas]
    estimates = [discriminator_divergences(base.sample, VerticalSegment(t).sample, n, steps, seed) for t in thetas]
    kl_half, kl_end = np.array([kl for _, kl in estimates]).T
    return {
        "theta": thetas,
        "w_hat": np.array(w_hat),
        "js_hat": np.array([js for js, _ in estimates]),
        "kl_lower_bound": kl_end,
        "kl_lower_bound_half_way": kl_half,
    }
