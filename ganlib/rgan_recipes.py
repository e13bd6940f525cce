"""The relativistic-GAN paper's training settings (Jolicoeur-Martineau, 2018), each a :class:`~ganlib.recipes.Recipe`.

The paper judges stability on CIFAR-10 over a small grid of settings, listed in its official code
(github.com/AlexiaJM/RelativisticGAN, ``code/stable.sh`` and ``code/unstable.sh``; ``GAN_losses_iter.py``
flags ``--lr_D --lr_G --beta1 --beta2 --Diters --batch_size``): two "stable" setups and the "unstable"
variations of its Table 2. It has no experiment on 2-D mixtures, so chapter 3 takes these settings as they
are, with the book's 2-D batch of 128 in place of the paper's 32 (an image batch). The loss of each recipe
is a placeholder: a study sets it per run (``MixtureRun.from_recipe(recipe, loss=...)``).
"""

from __future__ import annotations

from .recipes import Recipe
from .train import TrainConfig

__all__ = ["RGAN_SETTINGS", "rgan_setting"]

_SOURCE = "AlexiaJM/RelativisticGAN code/{}: --lr_D --lr_G {}, --beta1 {} --beta2 {}, --Diters {}, --batch_size 32"


def _setting(name, script, lr, beta1, beta2, d_steps):
    source = _SOURCE.format(script, lr, beta1, beta2, d_steps)
    train = TrainConfig(lr_g=lr, lr_d=lr, beta1=beta1, beta2=beta2, d_steps=d_steps, batch_size=32)
    return Recipe(f"rgan_{name}", source, train).replace(batch_size=128)


RGAN_SETTINGS = {
    "standard": _setting("standard", "stable.sh (DCGAN setup)", 2e-4, 0.5, 0.999, 1),
    "wgan_gp_setup": _setting("wgan_gp_setup", "stable.sh (WGAN-GP setup)", 1e-4, 0.5, 0.9, 5),
    "high_lr": _setting("high_lr", "unstable.sh (lr=.001)", 1e-3, 0.5, 0.999, 1),
    "high_momentum": _setting("high_momentum", "unstable.sh (betas=(.9, .9))", 1e-4, 0.9, 0.9, 1),
}
"""The paper's settings by short name: its standard (DCGAN) setup, its WGAN-GP setup (5 critic steps), and its
unstable high learning rate and high momentum; each with batch 128 here (the recipe's notes say so)."""


def rgan_setting(name):
    """The recipe of one of the paper's settings (a key of :data:`RGAN_SETTINGS`); a clear error lists them."""
    try:
        return RGAN_SETTINGS[name]
    except KeyError:
        known = ", ".join(RGAN_SETTINGS)
        raise ValueError(f"unknown relativistic-GAN setting {name!r}; choose one of: {known}") from None
