"""The f1, f2, g1, g2 notation of the relativistic-GAN paper, for every registered loss (chapter 3).

A GAN loss in this notation is four scalar functions applied to critic outputs:

    L_D = E_r f1(a_r) + E_f f2(a_f),        L_G = E_r g1(a_r) + E_f g2(a_f),

where the arguments depend on the loss's *form*: the critic itself, a_r = C(x_r) and
a_f = C(x_f) ("standard"); the paired difference a_r = C(x_r) - C(x_f), a_f = -a_r
("relativistic"); or the difference to the other batch's mean, a_r = C(x_r) - E C(x_f),
a_f = C(x_f) - E C(x_r) ("relativistic_average").

:data:`TERMS` writes every loss of :data:`ganlib.losses.LOSSES` this way; tests check that
:func:`evaluate` reproduces the registered functions, so the table that :func:`table_markdown`
prints cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .tables import markdown_table

__all__ = ["LossTerms", "TERMS", "FORMS", "evaluate", "table", "table_markdown"]


def neg_log_sigmoid(y):
    r"""$-\log\sigma(y)$"""
    return F.softplus(-y)


def neg_log_one_minus_sigmoid(y):
    r"""$-\log(1-\sigma(y))$"""
    return F.softplus(y)


def log_one_minus_sigmoid(y):
    r"""$\log(1-\sigma(y))$"""
    return -F.softplus(y)


def neg_half_exp(y):
    r"""$-\tfrac12 e^{y}$"""
    return -0.5 * torch.exp(y)


def neg_identity(y):
    r"""$-y$"""
    return -y


def identity(y):
    r"""$y$"""
    return y


def half_square_minus_one(y):
    r"""$\tfrac12(y-1)^2$"""
    return 0.5 * (y - 1) ** 2


def half_square(y):
    r"""$\tfrac12 y^2$"""
    return 0.5 * y**2


def half_square_plus_one(y):
    r"""$\tfrac12(y+1)^2$"""
    return 0.5 * (y + 1) ** 2


def square_minus_one(y):
    r"""$(y-1)^2$"""
    return (y - 1) ** 2


def square_plus_one(y):
    r"""$(y+1)^2$"""
    return (y + 1) ** 2


def zero(y):
    r"""$0$"""
    return torch.zeros_like(y)


# form -> (LaTeX of a_r, LaTeX of a_f)
FORMS = {
    "standard": (r"$C(x_r)$", r"$C(x_f)$"),
    "relativistic": (r"$C(x_r)-C(x_f)$", r"$C(x_f)-C(x_r)$"),
    "relativistic_average": (r"$C(x_r)-\mathbb{E}\,C(x_f)$", r"$C(x_f)-\mathbb{E}\,C(x_r)$"),
}


@dataclass(frozen=True)
class LossTerms:
    """A loss in the f1, f2, g1, g2 notation: D minimises E f1(a_r) + E f2(a_f), G minimises E g1(a_r) + E g2(a_f),
    with the arguments a_r, a_f that ``form`` names (FORMS)."""

    form: str  # a key of FORMS
    f1: Callable  # D's term on real samples
    f2: Callable  # D's term on fake samples
    g1: Callable  # G's term on real samples (zero unless relativistic)
    g2: Callable  # G's term on fake samples


TERMS = {
    "minimax": LossTerms("standard", neg_log_sigmoid, neg_log_one_minus_sigmoid, zero, log_one_minus_sigmoid),
    "non_saturating": LossTerms("standard", neg_log_sigmoid, neg_log_one_minus_sigmoid, zero, neg_log_sigmoid),
    "max_likelihood": LossTerms("standard", neg_log_sigmoid, neg_log_one_minus_sigmoid, zero, neg_half_exp),
    "rsgan": LossTerms("relativistic", neg_log_sigmoid, zero, zero, neg_log_sigmoid),
    "rasgan": LossTerms(
        "relativistic_average", neg_log_sigmoid, neg_log_one_minus_sigmoid, neg_log_one_minus_sigmoid, neg_log_sigmoid
    ),
    # WGAN and WGAN-GP: the constraint on C (clipping, gradient penalty) is not part of the four terms
    "wgan": LossTerms("standard", neg_identity, identity, zero, neg_identity),
    "lsgan": LossTerms("standard", half_square_minus_one, half_square, zero, half_square_minus_one),
    "lsgan:-1-1-0": LossTerms("standard", half_square_minus_one, half_square_plus_one, zero, half_square),
    "ralsgan": LossTerms("relativistic_average", square_minus_one, square_plus_one, square_plus_one, square_minus_one),
}


def _arguments(form, d_real, d_fake):
    if form == "standard":
        return d_real, d_fake
    if form == "relativistic":
        return d_real - d_fake, d_fake - d_real
    if form == "relativistic_average":
        return d_real - d_fake.mean(), d_fake - d_real.mean()
    raise ValueError(f"unknown form {form!r}; choose one of: {', '.join(FORMS)}")


def evaluate(terms, d_real, d_fake):
    """(L_D, L_G) of ``terms`` for critic outputs ``d_real``, ``d_fake``."""
    a_r, a_f = _arguments(terms.form, d_real, d_fake)
    d_loss = terms.f1(a_r).mean() + terms.f2(a_f).mean()
    g_loss = terms.g1(a_r).mean() + terms.g2(a_f).mean()
    return d_loss, g_loss


def table():
    """One row per loss: its name, the arguments a_r and a_f, and f1, f2, g1, g2 in LaTeX."""
    rows = []
    for name, t in TERMS.items():
        a_r, a_f = FORMS[t.form]
        rows.append(
            {
                "loss": name,
                "a_r": a_r,
                "a_f": a_f,
                **{k: getattr(t, k).__doc__.strip() for k in ("f1", "f2", "g1", "g2")},
            }
        )
    return rows


def table_markdown(losses=None):
    """:func:`table` as a Markdown table (for a notebook's ``display(Markdown(...))``), all losses or ``losses``."""
    rows = [row for row in table() if losses is None or row["loss"] in losses]
    return markdown_table(rows, columns=["loss", "a_r", "a_f", "f1", "f2", "g1", "g2"])
