"""Constraints on the critic for Wasserstein GANs (chapter 4): the gradient penalty and weight clipping.

The Kantorovich-Rubinstein dual asks for a 1-Lipschitz critic. WGAN enforces it crudely by
clipping every weight to [-c, c] after each critic step (:func:`clip_weights_`); WGAN-GP
(Gulrajani et al., 2017) adds ``lambda * E[(||grad_x C(x_hat)||_2 - 1)^2]`` to the critic's loss,
at points x_hat drawn uniformly on segments between real and fake samples
(:func:`gradient_penalty`, returned *unweighted*: the weight belongs to the training recipe).

With ``target=0`` the same term is the zero-centred penalty (Thanh-Tung et al., 2019), which
keeps a cross-entropy discriminator smooth between real and fake samples instead of asking for a
Lipschitz constant of exactly 1.

The norm is taken over the whole flattened input of each sample (every channel and pixel
together), as in the paper; a norm per channel or per pixel is a common bug and a different,
stronger constraint.
"""
from __future__ import annotations

import torch

__all__ = ["interpolates", "gradient_penalty", "clip_weights_"]


def interpolates(x_real, x_fake, generator=None):
    """eps * x_real + (1 - eps) * x_fake with one eps ~ U[0, 1] per sample (broadcast over the rest)."""
    if x_real.shape != x_fake.shape:
        raise ValueError(f"real and fake batches differ in shape: {tuple(x_real.shape)} and {tuple(x_fake.shape)}")
    eps = torch.rand((len(x_real),) + (1,) * (x_real.ndim - 1), generator=generator, device=x_real.device,
                     dtype=x_real.dtype)
    return eps * x_real + (1 - eps) * x_fake


def gradient_penalty(critic, x_real, x_fake, generator=None, target=1.0):
    """E[(||grad_x critic(x_hat)||_2 - target)^2] over interpolates x_hat; unweighted.

    The graph is kept (``create_graph``), so the penalty's gradient reaches the critic's
    weights: the "double backward" that makes WGAN-GP steps dearer than plain ones. Gradients do
    not flow into ``x_real`` or ``x_fake``.
    """
    x_hat = interpolates(x_real.detach(), x_fake.detach(), generator).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - target) ** 2).mean()


@torch.no_grad()
def clip_weights_(module, c):
    """Clamp every parameter of ``module`` to [-c, c] in place (WGAN's Lipschitz constraint)."""
    if not c > 0:
        raise ValueError(f"the clipping bound must be positive, got {c}")
    for p in module.parameters():
        p.clamp_(-c, c)
