"""How a gradient changes on its way down a deep critic: its norm at each layer of activations, and the trend.

Gulrajani et al. (2017, "Improved Training of Wasserstein GANs", section 3.2 and Figure 1b) train
12-layer ReLU critics on the swiss roll with weights clipped at c in {0.1, 0.01, 0.001} and plot
"the norm of the gradient of the critic loss with respect to successive layers of activations":
with clipping it grows or decays exponentially as it flows back towards the input, with the
gradient penalty it does neither. That quantity is the back-propagated signal delta_l = dL/da_l,
which a layer of gain g multiplies by about g on the way down. The gradient with respect to a
layer's *weights* is a different quantity, delta_l times the layer's input activation, whose
size grows with depth as the signal shrinks and so stays about flat: it cannot show the trend.

- :func:`activation_gradient_norms`: ||dL/da_l|| for the critic's input and each hidden layer's
  output (after the nonlinearity), computed in float64 so that gradients shrunk by 10^-30 do not
  underflow to an exact zero.
- :func:`depth_slope`: the least-squares slope of log10 of those norms over the hidden layers,
  signed so that a positive slope means the gradient *grows* towards the input (explodes) and a
  negative one that it shrinks (vanishes); in decades per layer.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

__all__ = ["activation_gradient_norms", "depth_slope", "FLOOR"]

FLOOR = 1e-300  # a norm of exactly zero (nothing reaches the layer) counts as this, a lower bound on the decay


def _sequential(critic):
    """The nn.Sequential of linear layers and nonlinearities inside ``critic`` (an MLP critic, or the Sequential)."""
    if isinstance(critic, nn.Sequential):
        return critic
    inner = getattr(critic, "net", None)
    if isinstance(inner, nn.Sequential):
        return inner
    raise ValueError(
        "activation_gradient_norms needs an MLP critic: an nn.Sequential of linear layers and nonlinearities, "
        f"or a module holding one as .net (ganlib.models.MLPDiscriminator); got {type(critic).__name__}"
    )


def activation_gradient_norms(critic, x, loss_of_output):
    """``np.array`` of ||dL/da|| for the input ``x`` and the output of each hidden layer, input first.

    ``L = loss_of_output(critic(x))``, with ``critic(x)`` of shape (B,) (the last linear layer's
    output, squeezed). A hidden layer's activation is the output of the nonlinearity that follows
    its linear map; the norm is over the whole batch and every unit. The critic is copied to
    float64 for the measurement and left as it was.
    """
    seq = copy.deepcopy(_sequential(critic)).double()
    h = x.detach().to(dtype=torch.float64, device=next(seq.parameters()).device).requires_grad_(True)
    activations = [h]
    for i, layer in enumerate(seq):
        h = layer(h)
        if not isinstance(layer, nn.Linear) and i < len(seq) - 1:
            activations.append(h)  # the output of a hidden layer's nonlinearity
    if len(activations) < 2:
        raise ValueError("the critic has no hidden layer (no nonlinearity between its linear layers)")
    loss = loss_of_output(h.squeeze(-1))
    grads = torch.autograd.grad(loss, activations)
    return np.array([float(g.norm()) for g in grads])


def depth_slope(norms):
    """Decades per layer by which the gradient grows on its way from the last hidden layer down to the first.

    ``norms`` are input first (as :func:`activation_gradient_norms` returns them); the input's own
    entry is left out (it has the data's dimension, not a hidden layer's width). The slope of a
    least-squares line through log10 of the hidden layers' norms against their index, with the
    sign flipped: > 0 the gradient explodes towards the input, < 0 it vanishes. A zero norm counts
    as :data:`FLOOR`.
    """
    norms = np.asarray(norms, dtype=float)
    if norms.ndim != 1 or norms.size < 3:
        raise ValueError("depth_slope needs the input's norm and at least two hidden layers' norms, input first")
    if np.any(~np.isfinite(norms)) or np.any(norms < 0):
        raise ValueError(f"gradient norms must be finite and >= 0, got {norms}")
    hidden = np.log10(np.maximum(norms[1:], FLOOR))
    layer = np.arange(1, norms.size)
    return float(-np.polyfit(layer, hidden, 1)[0])
