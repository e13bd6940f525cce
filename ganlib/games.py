"""Gradient play on the bilinear game V(g, d) = g d (chapter 2): why GAN training can circle its equilibrium.

g descends V, d ascends it, with step ``eta``. Simultaneous steps multiply the distance to the
saddle (0, 0) by sqrt(1 + eta^2) each step, so they spiral out; alternating steps (d sees the new
g) keep it bounded, circling without converging.
"""

from __future__ import annotations

import numpy as np

__all__ = ["bilinear_gradient_play"]


def bilinear_gradient_play(eta, steps, start=(1.0, 1.0), alternating=False):
    """The path of (g, d) over ``steps`` gradient steps on V = g d: an array of shape (steps + 1, 2)."""
    if steps < 0 or eta <= 0:
        raise ValueError("bilinear_gradient_play needs steps >= 0 and eta > 0")
    path = [np.array(start, dtype=float)]
    for _ in range(steps):
        g, d = path[-1]
        g_new = g - eta * d  # dV/dg = d
        path.append(np.array([g_new, d + eta * (g_new if alternating else g)]))  # dV/dd = g
    return np.array(path)
