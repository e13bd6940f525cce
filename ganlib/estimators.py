"""Divergences read off a trained discriminator (chapter 4's parallel lines).

A discriminator trained with the cross-entropy loss between P and Q estimates
JS(P || Q) = log 2 - L_D / 2 at its optimum (:func:`js_from_logits`); its logit T also gives
Donsker-Varadhan's lower bound KL(P || Q) >= E_P[T] - log E_Q[exp T], which holds for any T
(:func:`dv_kl_lower_bound`). :func:`discriminator_divergences` trains one and reads both.
"""

from __future__ import annotations

import math

import torch

from .losses import LOSSES
from .models import MLPDiscriminator
from .train import TrainConfig, train_critic

__all__ = ["js_from_logits", "dv_kl_lower_bound", "discriminator_divergences"]


def js_from_logits(logits_p, logits_q):
    """log 2 - L_D / 2: the JS estimate of a cross-entropy discriminator with these logits on P and Q samples."""
    return float(-LOSSES["non_saturating"].d_loss(logits_p, logits_q)) / 2 + math.log(2)


def dv_kl_lower_bound(t_p, t_q):
    """Donsker-Varadhan: E_P[T] - log E_Q[exp T] <= KL(P || Q) for the critic values T on P and Q samples."""
    return float(t_p.mean() - (torch.logsumexp(t_q, 0) - math.log(len(t_q))))


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
