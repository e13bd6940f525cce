"""Measurements taken on a frozen pair of networks, in the middle of training or after it.

- :func:`generator_gradient_norms`: how large a gradient each generator loss would send to G's
  weights, given the current discriminator: the quantity behind "saturation" (chapter 3) and the
  perfect-discriminator problem (chapter 4).
- :func:`generator_loss_slopes`: a generator loss and its slope through D's logit, per sample,
  over a range of logits (where a loss saturates).
- :func:`fake_sample_gradients`: the gradient of a generator loss with respect to each fake
  sample, the direction that loss pushes it (chapter 5's decision boundaries).
- :func:`probe_over_seeds`: train one critic per loss and seed and read those per-sample
  gradients at fixed probe points (:class:`SeedProbes`): the gain of one loss's gradient over
  another's and the share of probes a step moves towards the data, one number per seed.
- :class:`GradientProbe`: a training callback that logs those norms (mean and spread over fixed
  latent batches) and the mean D(G(z)), as G would see them at that step.
- :func:`layer_gradient_norms`: the norm of the critic loss's gradient with respect to each
  linear layer's weights, from the input layer to the output: whether gradients explode or
  vanish on their way down a deep critic (chapter 4, weight clipping).
- :func:`weight_values`: every weight of the linear layers of a module, as one flat array
  (where clipping piles them up).

They leave the networks' weights and gradients as they found them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .losses import get_loss

__all__ = [
    "generator_gradient_norms",
    "generator_loss_slopes",
    "fake_sample_gradients",
    "SeedProbes",
    "probe_over_seeds",
    "GradientProbe",
    "layer_gradient_norms",
    "weight_values",
]


def _norm(grads):
    return float(torch.sqrt(sum((g.detach() ** 2).sum() for g in grads)))


def generator_gradient_norms(G, D, z, losses, x_real=None):
    """``{loss: ||grad_theta J_G||}`` for each generator loss in ``losses``, on latents ``z``.

    ``x_real`` is needed only by losses whose generator side reads real samples (RSGAN).
    """
    params = [p for p in G.parameters() if p.requires_grad]
    out = {}
    for name in losses:
        loss = get_loss(name)
        if loss.g_uses_real and x_real is None:
            raise ValueError(f"the {name} generator loss needs real samples: pass x_real")
        d_real = D(x_real) if loss.g_uses_real else None
        out[name] = _norm(torch.autograd.grad(loss.g_loss(d_real, D(G(z))), params))
    return out


def generator_loss_slopes(loss, logits):
    """(J, dJ/dl) per sample of the generator loss ``loss`` (a name or a GANLoss) at each D logit in ``logits``.

    Each logit is treated as its own one-sample batch (the losses are batch means), so the
    values and slopes are those a single fake with that logit would see. NumPy float64 arrays.
    """
    loss = get_loss(loss)
    if loss.g_uses_real:
        raise ValueError("this generator loss reads real samples too: its slope depends on a real batch")
    logits = torch.as_tensor(logits, dtype=torch.float64)
    with torch.no_grad():
        values = np.array([float(loss.g_loss(None, logits[i : i + 1])) for i in range(len(logits))])
    leaf = logits.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(loss.g_loss(None, leaf), leaf)
    return values, grad.numpy() * len(logits)  # undo the batch mean


def fake_sample_gradients(D, loss, x_fake):
    """dJ_G/dx for each row x of ``x_fake``, each taken as its own one-sample batch (as a single fake would see it).

    Minus this is the direction the generator loss ``loss`` (a name or a GANLoss) moves that
    sample; G's own gradient starts from it by the chain rule. D's gradients are left untouched.
    """
    loss = get_loss(loss)
    if loss.g_uses_real:
        raise ValueError("this generator loss reads real samples too: its gradient depends on a real batch")
    x = x_fake.detach().clone().requires_grad_(True)
    per_sample = [loss.g_loss(None, D(x[i : i + 1])) for i in range(len(x))]
    (grad,) = torch.autograd.grad(sum(per_sample), x)
    return grad


@dataclass(frozen=True)
class SeedProbes:
    """Critics trained per loss and seed, and the gradients they send to fixed probe points.

    ``critics[loss]`` holds one critic per seed; ``gradients[loss]`` is a tensor (seeds, probes,
    dim) of :func:`fake_sample_gradients` at ``probes``; ``outputs[loss]`` the critics' raw
    outputs there, (seeds, probes).
    """

    probes: torch.Tensor
    critics: dict
    gradients: dict
    outputs: dict

    def log10_gain(self, loss, baseline):
        """Per seed: log10 of the mean probe-gradient norm under ``loss`` over that under ``baseline``."""
        mean_norm = {name: self.gradients[name].norm(dim=-1).mean(dim=-1) for name in (loss, baseline)}
        return np.log10(mean_norm[loss].double().numpy() / mean_norm[baseline].double().numpy())

    def pulled_share(self, loss, towards):
        """Per seed: the share of probes that a small step along minus ``loss``'s gradient moves closer to ``towards``.

        A step along -g shortens the distance to a point c when -g points towards it:
        (c - x) . (-g) > 0.
        """
        towards = torch.as_tensor(towards, dtype=self.probes.dtype)
        closer = ((towards - self.probes) * -self.gradients[loss]).sum(dim=-1) > 0
        return closer.float().mean(dim=-1).numpy()


def probe_over_seeds(train, losses, probes, seeds):
    """Train ``train(loss, seed)`` for every loss and seed and read its gradients and outputs at ``probes``.

    ``train`` returns a trained critic; each loss must be a generator loss that reads fakes
    only (see :func:`fake_sample_gradients`). Returns a :class:`SeedProbes`.
    """
    losses, seeds = list(losses), list(seeds)
    if not losses or not seeds:
        raise ValueError("probe_over_seeds needs at least one loss and one seed")
    critics = {name: [train(name, s) for s in seeds] for name in losses}
    gradients = {
        name: torch.stack([fake_sample_gradients(D, name, probes) for D in Ds]) for name, Ds in critics.items()
    }
    with torch.no_grad():
        outputs = {name: torch.stack([D(probes).reshape(len(probes)) for D in Ds]) for name, Ds in critics.items()}
    return SeedProbes(probes, critics, gradients, outputs)


class GradientProbe:
    """Training callback: the generator-gradient norm of each loss in ``losses`` on fixed latent batches.

    Logs ``{loss}`` (the mean norm over ``z_batches``), ``{loss}_std`` (its spread across them,
    ddof 0) and ``p_fake`` (mean sigmoid D(G(z)) over all of them). One batch gives std 0.
    """

    def __init__(self, z_batches, losses):
        self.z_batches = list(z_batches)
        self.losses = list(losses)
        if not self.z_batches or not self.losses:
            raise ValueError("GradientProbe needs at least one latent batch and one loss")

    def __call__(self, step, G, D, history):
        norms = np.array([list(generator_gradient_norms(G, D, z, self.losses).values()) for z in self.z_batches])
        with torch.no_grad():
            p_fake = float(np.mean([float(torch.sigmoid(D(G(z))).mean()) for z in self.z_batches]))
        return {
            **dict(zip(self.losses, norms.mean(0))),
            **{f"{n}_std": s for n, s in zip(self.losses, norms.std(0))},
            "p_fake": p_fake,
        }


def _linear_layers(module):
    layers = [m for m in module.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    if not layers:
        raise ValueError("the module has no linear or convolution layers to probe")
    return layers


def layer_gradient_norms(critic, loss_value):
    """Norm of the gradient of ``loss_value`` w.r.t. each layer's weight, input layer first."""
    weights = [m.weight for m in _linear_layers(critic)]
    return np.array([float(g.norm()) for g in torch.autograd.grad(loss_value, weights, allow_unused=False)])


def weight_values(module):
    """All weights (not biases) of the linear and convolution layers, flattened into one array."""
    return np.concatenate([m.weight.detach().cpu().numpy().ravel() for m in _linear_layers(module)])
