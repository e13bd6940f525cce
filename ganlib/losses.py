"""GAN losses as pure functions of critic outputs (chapters 2-5).

Convention, everywhere: every function takes ``(d_real, d_fake)``, the raw critic outputs
(logits, before any sigmoid) on a real and a fake batch, and returns a scalar mean loss to be
*minimised*. D(x) = sigmoid(d_real) is the probability that x is real. Logs of sigmoids are
written with ``softplus``: log D = -softplus(-logit) and log(1 - D) = -softplus(logit), which
stays finite where D saturates.

A loss is a :class:`GANLoss` pair ``(d_loss, g_loss)`` kept in the :data:`LOSSES` registry;
:func:`get_loss` looks one up by name. Later chapters add their entries here. Relativistic
losses read both batches in the generator loss too (``g_uses_real``). A loss is only a loss:
the constraints a paper trains it with (WGAN's clipping, WGAN-GP's penalty) belong to its
recipe (:mod:`ganlib.recipes`), and the optimiser settings too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import torch
import torch.nn.functional as F

__all__ = [
    "GANLoss",
    "LOSSES",
    "get_loss",
    "d_cross_entropy",
    "g_minimax",
    "g_non_saturating",
    "g_max_likelihood",
    "d_rsgan",
    "g_rsgan",
    "d_rasgan",
    "g_rasgan",
    "d_wasserstein",
    "g_wasserstein",
    "d_least_squares",
    "g_least_squares",
    "LSGAN_CODINGS",
    "lsgan",
    "d_ralsgan",
    "g_ralsgan",
]


def d_cross_entropy(d_real, d_fake):
    """-E log D(x) - E log(1 - D(G(z))): the discriminator's binary cross-entropy.

    Minimising it maximises V(G, D) of the original paper.
    """
    return F.softplus(-d_real).mean() + F.softplus(d_fake).mean()


def g_minimax(d_real, d_fake):
    """E log(1 - D(G(z))), the generator's side of the minimax game (saturates when D wins)."""
    return -F.softplus(d_fake).mean()


def g_non_saturating(d_real, d_fake):
    """-E log D(G(z)): the heuristic, non-saturating generator loss."""
    return F.softplus(-d_fake).mean()


def g_max_likelihood(d_real, d_fake):
    """-1/2 E exp(sigmoid^-1(D(G(z)))) = -1/2 E exp(logit): the maximum-likelihood game.

    Under the optimal D, exp(logit) = p_data / p_g, and the expected gradient of this loss is
    that of KL(p_data || p_g).
    """
    return -0.5 * torch.exp(d_fake).mean()


# Relativistic losses (Jolicoeur-Martineau, 2018; chapter 3). The critic C outputs logits and
# the discriminator judges how much more real one sample looks than another.


def d_rsgan(d_real, d_fake):
    """RSGAN's D: -E log sigmoid(C(x_r) - C(x_f)), real and fake paired by batch position."""
    return F.softplus(-(d_real - d_fake)).mean()


def g_rsgan(d_real, d_fake):
    """RSGAN's G: -E log sigmoid(C(x_f) - C(x_r)); its gradient flows through both batches."""
    return F.softplus(-(d_fake - d_real)).mean()


def d_rasgan(d_real, d_fake):
    """RaSGAN's D: -E_r log sigmoid(C(x_r) - E_f C(x_f)) - E_f log(1 - sigmoid(C(x_f) - E_r C(x_r)))."""
    return F.softplus(-(d_real - d_fake.mean())).mean() + F.softplus(d_fake - d_real.mean()).mean()


def g_rasgan(d_real, d_fake):
    """RaSGAN's G: the D loss with the roles of real and fake swapped.

    -E_f log sigmoid(C(x_f) - E_r C(x_r)) - E_r log(1 - sigmoid(C(x_r) - E_f C(x_f))): both
    terms count; dropping the real one is a classic bug.
    """
    return F.softplus(-(d_fake - d_real.mean())).mean() + F.softplus(d_real - d_fake.mean()).mean()


# Wasserstein losses (Arjovsky et al., 2017; chapter 4). The critic outputs a score, not a logit:
# no sigmoid, no log. Its loss is the negative of the Kantorovich-Rubinstein objective, so
# -d_wasserstein is the critic's estimate of W1 (for a 1-Lipschitz critic).


def d_wasserstein(d_real, d_fake):
    """The critic's side: E C(x_f) - E C(x_r) (minimised; its negative estimates W1)."""
    return d_fake.mean() - d_real.mean()


def g_wasserstein(d_real, d_fake):
    """The generator's side: -E C(G(z))."""
    return -d_fake.mean()


# Least-squares losses (Mao et al., 2017; chapter 5). The critic outputs a score that D pulls
# towards b on real samples and a on fakes, while G pulls its fakes' scores towards c.


def d_least_squares(d_real, d_fake, a=0.0, b=1.0):
    """LSGAN's D: 1/2 E (C(x_r) - b)^2 + 1/2 E (C(x_f) - a)^2."""
    return 0.5 * ((d_real - b) ** 2).mean() + 0.5 * ((d_fake - a) ** 2).mean()


def g_least_squares(d_real, d_fake, c=1.0):
    """LSGAN's G: 1/2 E (C(x_f) - c)^2; fakes far on the real side of the boundary still pull."""
    return 0.5 * ((d_fake - c) ** 2).mean()


def d_ralsgan(d_real, d_fake):
    """RaLSGAN's D: E_r (C(x_r) - E_f C(x_f) - 1)^2 + E_f (C(x_f) - E_r C(x_r) + 1)^2."""
    return ((d_real - d_fake.mean() - 1) ** 2).mean() + ((d_fake - d_real.mean() + 1) ** 2).mean()


def g_ralsgan(d_real, d_fake):
    """RaLSGAN's G: E_f (C(x_f) - E_r C(x_r) - 1)^2 + E_r (C(x_r) - E_f C(x_f) + 1)^2 (roles swapped)."""
    return ((d_fake - d_real.mean() - 1) ** 2).mean() + ((d_real - d_fake.mean() + 1) ** 2).mean()


class GANLoss(NamedTuple):
    """A discriminator loss and a generator loss, both ``f(d_real, d_fake) -> scalar``.

    ``g_uses_real`` says whether the generator loss reads ``d_real`` (relativistic losses do);
    when it is False the training loop passes ``None`` and saves a forward pass. A loss with
    state (BEGAN's k_t) is any object with these three attributes and a ``start()`` that returns
    a fresh instance for a run, which :func:`ganlib.train.train_gan` also calls as a hook.
    """

    d_loss: Callable
    g_loss: Callable
    g_uses_real: bool = False


LOSSES: dict[str, GANLoss] = {
    "minimax": GANLoss(d_cross_entropy, g_minimax),
    "non_saturating": GANLoss(d_cross_entropy, g_non_saturating),
    "max_likelihood": GANLoss(d_cross_entropy, g_max_likelihood),
    "rsgan": GANLoss(d_rsgan, g_rsgan, g_uses_real=True),
    "rasgan": GANLoss(d_rasgan, g_rasgan, g_uses_real=True),
    # WGAN and WGAN-GP share the loss; they differ in the constraint their recipes list
    # (ganlib.recipes: clipping at 0.01, or the gradient penalty)
    "wgan": GANLoss(d_wasserstein, g_wasserstein),
}

# (a, b, c) of the LSGAN paper's two codings: with "0-1-1" G asks its fakes to score as real
# ones; with "-1-1-0" (b - c = 1, b - a = 2) G minimises half the Pearson chi^2 divergence.
LSGAN_CODINGS = {"0-1-1": (0.0, 1.0, 1.0), "-1-1-0": (-1.0, 1.0, 0.0)}


def lsgan(coding="0-1-1"):
    """The least-squares :class:`GANLoss` for a coding: a key of :data:`LSGAN_CODINGS` or an (a, b, c) triple."""
    if isinstance(coding, str):
        if coding not in LSGAN_CODINGS:
            raise ValueError(
                f"unknown LSGAN coding {coding!r}; choose one of: {', '.join(LSGAN_CODINGS)} or pass (a, b, c)"
            )
        coding = LSGAN_CODINGS[coding]
    a, b, c = (float(v) for v in coding)
    if a == b:
        raise ValueError(f"an LSGAN coding needs a != b (the targets for fake and real), got a = b = {a}")
    return GANLoss(partial(d_least_squares, a=a, b=b), partial(g_least_squares, c=c))


# the registry names the codings: "lsgan" is 0-1-1, "lsgan:-1-1-0" the Pearson one
LOSSES["lsgan"] = lsgan("0-1-1")
LOSSES["lsgan:-1-1-0"] = lsgan("-1-1-0")
LOSSES["ralsgan"] = GANLoss(d_ralsgan, g_ralsgan, g_uses_real=True)


def get_loss(name):
    """The :class:`GANLoss` registered under ``name``; a clear error lists the valid names.

    A loss object (anything with ``d_loss``, ``g_loss`` and ``g_uses_real``) is returned as it is.
    """
    if not isinstance(name, str):
        if all(hasattr(name, a) for a in ("d_loss", "g_loss", "g_uses_real")):
            return name
        raise ValueError(
            f"a loss is a name in ganlib.losses.LOSSES or an object with d_loss, g_loss and g_uses_real, got {name!r}"
        )
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of: {', '.join(sorted(LOSSES))}") from None
