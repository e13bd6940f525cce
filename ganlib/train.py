"""The alternating GAN training loop: Algorithm 1 of the original paper (chapter 2).

Each round makes ``d_steps`` discriminator updates (k in the paper, ``n_critic`` in WGAN) and
then ``g_steps`` generator updates. Losses come from the :mod:`ganlib.losses` registry; a loss
that needs a Lipschitz critic brings its constraint (WGAN's weight clipping after every critic
step, WGAN-GP's gradient penalty in every critic loss), which the config may override.

The loop never waits on the device inside a step: per-step numbers stay on the device and are
copied to the host once every ``log_every`` steps, where callbacks also run.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm import tqdm

from .losses import get_loss
from .penalties import clip_weights_, gradient_penalty

__all__ = ["TrainConfig", "History", "train_gan", "train_critic", "make_optimizer"]


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 1000  # generator rounds
    batch_size: int = 128  # samples per batch, real and fake alike
    d_steps: int = 1  # k: discriminator updates per round (0 freezes D)
    g_steps: int = 1  # generator updates per round (0 freezes G; > 1 lets G overfit a stale D)
    lr_g: float = 1e-3  # generator learning rate
    lr_d: float = 1e-3  # discriminator learning rate
    betas: tuple = (0.5, 0.999)  # Adam's betas (momentum for "sgd", ignored by "rmsprop")
    optimizer: str = "adam"  # "adam", "sgd" or "rmsprop"
    loss: str = "non_saturating"  # a name in ganlib.losses.LOSSES
    log_every: int = 50  # steps between host copies of the logs and callback calls
    seed: int = 0  # seeds latent draws and data batches
    clip_value: float | None = None  # clip D's weights to [-c, c] after each D step; None: the loss's (wgan: 0.01); 0: off
    gp_weight: float | None = None  # weight of the gradient penalty; None: the loss's (wgan_gp: 10); 0: off
    gp_target: float = 1.0  # the gradient norm the penalty pulls towards: 1 (WGAN-GP) or 0 (zero-centred)
    anneal: bool = False  # decay both learning rates and the penalty weight linearly to 0 over `steps`

    def __post_init__(self):
        for name in ("steps", "batch_size", "log_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"TrainConfig.{name} must be >= 1, got {getattr(self, name)}")
        if self.d_steps < 0 or self.g_steps < 0 or self.d_steps + self.g_steps == 0:
            raise ValueError(f"TrainConfig needs d_steps, g_steps >= 0 and not both 0, got {self.d_steps}, {self.g_steps}")
        if not (self.lr_g > 0 and self.lr_d > 0):
            raise ValueError("learning rates must be positive")
        get_loss(self.loss)  # fails early, naming the valid losses
        if not self.gp_target >= 0:
            raise ValueError(f"TrainConfig.gp_target must be >= 0, got {self.gp_target}")
        for name in ("clip_value", "gp_weight"):
            value = getattr(self, name)
            if value is not None and not value >= 0:
                raise ValueError(f"TrainConfig.{name} must be >= 0 (0 turns it off) or None, got {value}")
        if self.optimizer not in _OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of: {', '.join(_OPTIMIZERS)}")


_OPTIMIZERS = {
    "adam": lambda params, lr, betas: torch.optim.Adam(params, lr=lr, betas=betas),
    "sgd": lambda params, lr, betas: torch.optim.SGD(params, lr=lr, momentum=betas[0]),
    "rmsprop": lambda params, lr, betas: torch.optim.RMSprop(params, lr=lr),
}


def make_optimizer(name, params, lr, betas=(0.5, 0.999)):
    """An optimizer by name: "adam", "sgd" (momentum = betas[0]) or "rmsprop"."""
    return _OPTIMIZERS[name](params, lr, betas)


@dataclass
class History:
    """Per-step logs of a run, as NumPy arrays, plus the rows that callbacks add.

    ``d_real`` and ``d_fake`` are the mean of sigmoid(D) on real and fake samples in the last
    discriminator update of each step (probabilities for the cross-entropy losses; for critics,
    as in WGAN, only a squashed score). ``d_loss`` is D's loss without any penalty, which is
    logged apart as ``penalty`` (NaN when there is none). ``metrics`` holds callback rows.
    """

    d_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    g_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    d_real: np.ndarray = field(default_factory=lambda: np.zeros(0))
    d_fake: np.ndarray = field(default_factory=lambda: np.zeros(0))
    penalty: np.ndarray = field(default_factory=lambda: np.zeros(0))
    metrics: list = field(default_factory=list)

    def _extend(self, block):  # block: (n, 5) on the host
        for i, name in enumerate(("d_loss", "g_loss", "d_real", "d_fake", "penalty")):
            setattr(self, name, np.concatenate([getattr(self, name), block[:, i]]))

    def metric(self, name):
        """(steps, values) of a metric that callbacks logged."""
        rows = [r for r in self.metrics if name in r]
        return np.array([r["step"] for r in rows]), np.array([r[name] for r in rows])


def _batch_sampler(data, batch_size, device, generator):
    """A function of no arguments that returns one real batch on ``device``."""
    if torch.is_tensor(data):
        data = data.to(device)
        n = len(data)
        return lambda: data[torch.randint(n, (batch_size,), device=device, generator=generator)]
    if callable(data):
        cpu_gen = torch.Generator().manual_seed(int(torch.randint(2**31, (1,), generator=generator, device=device)))
        return lambda: data(batch_size, cpu_gen).to(device, non_blocking=True)
    raise TypeError("data must be a tensor of samples or a function (n, generator) -> tensor")


def _critic_step(D, opt, loss, x_real, x_fake, gp_weight, gp_target, clip, generator, penalty):
    """One update of D: its loss, the penalty if any, the step, then clipping if any.

    Returns (D's loss without the penalty, the penalty or the ``penalty`` passed in, D's outputs
    on the real and the fake batch).
    """
    d_real, d_fake = D(x_real), D(x_fake)
    d_loss = total = loss.d_loss(d_real, d_fake)
    if gp_weight:
        penalty = gradient_penalty(D, x_real, x_fake, generator=generator, target=gp_target)
        total = d_loss + gp_weight * penalty
    opt.zero_grad(set_to_none=True)
    total.backward()
    opt.step()
    if clip:
        clip_weights_(D, clip)
    return d_loss, penalty, d_real, d_fake


def _set_lr(optimizer, lr):
    for group in optimizer.param_groups:
        group["lr"] = lr


def _show_progress(progress):
    return sys.stderr.isatty() if progress is None else progress


def train_gan(G, D, data, config=TrainConfig(), *, device="cpu", callbacks=(), progress=None):
    """Train ``G`` against ``D`` on ``data`` and return a :class:`History`.

    ``d_steps=0`` or ``g_steps=0`` in ``config`` trains one player against the other held fixed.
    ``data`` is a tensor of real samples (batches drawn with replacement) or a sampler
    ``f(n, generator) -> tensor``. ``G`` must have a ``latent_dim`` attribute; ``D`` returns one
    logit per sample. Each callback is called as ``cb(step, G, D, history)`` every
    ``config.log_every`` steps and after the last one; a dict it returns is added to
    ``history.metrics``, and a true ``"stop"`` in it ends training after this step (training
    to a target quality, or within a time budget). ``progress=None`` shows a bar only on a terminal.
    """
    device = torch.device(device)
    loss = get_loss(config.loss)
    clip = loss.clip if config.clip_value is None else config.clip_value
    gp_weight = base_gp_weight = loss.gp_weight if config.gp_weight is None else config.gp_weight
    G.to(device).train()
    D.to(device).train()
    opt_g = make_optimizer(config.optimizer, G.parameters(), config.lr_g, config.betas)
    opt_d = make_optimizer(config.optimizer, D.parameters(), config.lr_d, config.betas)
    gen = torch.Generator(device=device).manual_seed(config.seed)
    real_batch = _batch_sampler(data, config.batch_size, device, gen)
    latent = lambda: torch.randn(config.batch_size, G.latent_dim, device=device, generator=gen)

    history, pending = History(), []
    bar = tqdm(total=config.steps, disable=not _show_progress(progress), desc="train", leave=False)
    nan = torch.full((), float("nan"), device=device)
    d_loss = g_loss = d_real = d_fake = penalty = nan  # what a frozen player (or no penalty) logs
    for step in range(1, config.steps + 1):
        if config.anneal:
            factor = 1.0 - (step - 1) / config.steps
            _set_lr(opt_g, config.lr_g * factor)
            _set_lr(opt_d, config.lr_d * factor)
            gp_weight = base_gp_weight * factor
        D.requires_grad_(True)
        for _ in range(config.d_steps):
            x_real = real_batch()
            with torch.no_grad():
                x_fake = G(latent())
            d_loss, penalty, d_real, d_fake = _critic_step(D, opt_d, loss, x_real, x_fake, gp_weight,
                                                           config.gp_target, clip, gen, penalty)
        # D is frozen while G learns: no gradient is spent on its weights
        D.requires_grad_(False)
        for _ in range(config.g_steps):
            d_real_g = D(real_batch()) if loss.g_uses_real else None
            g_loss = loss.g_loss(d_real_g, D(G(latent())))
            opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            opt_g.step()
        pending.append(torch.stack([d_loss.detach(), g_loss.detach(),
                                    torch.sigmoid(d_real.detach()).mean(), torch.sigmoid(d_fake.detach()).mean(),
                                    penalty.detach()]))
        if step % config.log_every == 0 or step == config.steps:
            history._extend(torch.stack(pending).cpu().numpy())
            pending.clear()
            bar.update(step - bar.n)
            bar.set_postfix(d_loss=f"{history.d_loss[-1]:.3f}", g_loss=f"{history.g_loss[-1]:.3f}")
            stop = False
            for cb in callbacks:
                row = cb(step, G, D, history)
                if row:
                    history.metrics.append({"step": step, **row})
                    stop = stop or bool(row.get("stop"))
            if stop:
                break
    D.requires_grad_(True)
    bar.close()
    return history


def train_critic(D, real, fake, config=TrainConfig(), *, device="cpu", callbacks=()):
    """Train ``D`` alone to tell samples of ``real`` from samples of ``fake``; returns a :class:`History`.

    ``real`` and ``fake`` are samplers ``f(n, generator) -> tensor``, drawn in that order every
    step with one CPU ``torch.Generator`` seeded by ``config.seed`` (the penalty's interpolates
    have their own, seeded by ``config.seed + 1``). This is the discriminator half of :func:`train_gan`, the same update with the
    same loss, penalty and clipping rules, for experiments where the "fake" distribution is not a
    network (two fixed distributions, a frozen set of samples). Of ``config`` it uses ``steps``,
    ``batch_size``, ``lr_d``, ``betas``, ``optimizer``, ``loss``, ``clip_value``, ``gp_weight``,
    ``gp_target`` and ``log_every``. Each callback is called as ``cb(step, D)`` every
    ``log_every`` steps and after the last; a dict it returns goes to ``history.metrics``.
    """
    device = torch.device(device)
    loss = get_loss(config.loss)
    clip = loss.clip if config.clip_value is None else config.clip_value
    gp_weight = loss.gp_weight if config.gp_weight is None else config.gp_weight
    D.to(device).train()
    opt = make_optimizer(config.optimizer, D.parameters(), config.lr_d, config.betas)
    gen = torch.Generator().manual_seed(config.seed)  # the samplers draw on the CPU
    penalty_gen = torch.Generator(device=device).manual_seed(config.seed + 1)
    history, rows = History(), []
    nan = torch.full((), float("nan"), device=device)
    for step in range(1, config.steps + 1):
        x_real = real(config.batch_size, gen).to(device)
        x_fake = fake(config.batch_size, gen).to(device)
        d_loss, penalty, d_real, d_fake = _critic_step(D, opt, loss, x_real, x_fake, gp_weight, config.gp_target,
                                                       clip, penalty_gen, nan)
        rows.append([float(d_loss.detach()), float("nan"), float(torch.sigmoid(d_real.detach()).mean()),
                     float(torch.sigmoid(d_fake.detach()).mean()), float(penalty.detach())])
        if step % config.log_every == 0 or step == config.steps:
            for cb in callbacks:
                row = cb(step, D)
                if row:
                    history.metrics.append({"step": step, **row})
    history._extend(np.array(rows).reshape(-1, 5))
    return history
