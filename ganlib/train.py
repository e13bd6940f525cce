"""The alternating GAN training loop: Algorithm 1 of the original paper (chapter 2), opened.

Each round makes ``d_steps`` critic updates (k in the paper, ``n_critic`` in WGAN), then
``g_steps`` generator updates. What a GAN variant changes plugs in at named points:

- the loss (:mod:`ganlib.losses`): a pair of pure functions of the critic's outputs, or a
  *stateful* loss (BEGAN's k_t): an object whose ``start()`` returns a fresh instance for the
  run, with ``d_loss``/``g_loss`` and the hook methods below;
- penalties and constraints (:mod:`ganlib.penalties`), listed by the config: a gradient penalty
  (target 1 or 0), R1 on real samples with a lazy interval, weight clipping;
- hooks (:class:`Hook`): called after every critic update and every generator update with that
  update's :class:`Batch` and loss; the scalars a hook returns are logged per step, by name
  (an exponential moving average of G is a hook: :class:`EMA`);
- latents: ``G.sample_latent(n, generator)`` when G has one (a style generator draws two per
  sample for mixing), else N(0, I) of size ``G.latent_dim``;
- callbacks, every ``log_every`` steps (scoring, early stopping).

A loss that is no longer finite (NaN or infinite: a blown-up run) is a *divergence*: the loop
notes the first such step and loss in ``History.diverged``, warns, and stops at the next host
copy without calling the callbacks on the broken networks, so that a blow-up is never scored
as if it were a trained generator (all-NaN samples would count as "no mode covered").

The loop never waits on the device inside a step: per-step numbers stay on the device and are
copied to the host once every ``log_every`` steps, where callbacks also run.
"""

from __future__ import annotations

import copy
import sys
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import torch
from tqdm import tqdm

from .losses import get_loss
from .penalties import Penalty

__all__ = [
    "TrainConfig",
    "History",
    "Divergence",
    "Batch",
    "Hook",
    "EMA",
    "train_gan",
    "train_critic",
    "critic_step",
    "make_optimizer",
    "sample_latent",
]


@dataclass(frozen=True)
class TrainConfig:
    """How a GAN is trained: the loss, the optimiser, the schedule and the penalties.

    Paper recipes build one of these (:meth:`ganlib.recipes.Recipe.config`). Nothing here
    depends on a loss's name: a Wasserstein loss without a constraint in ``penalties`` trains
    an unconstrained critic.
    """

    steps: int = 1000  # generator rounds
    batch_size: int = 128  # samples per batch, real and fake alike
    d_steps: int = 1  # critic updates per round (k; n_critic in WGAN); 0 freezes D
    g_steps: int = 1  # generator updates per round; 0 freezes G, > 1 lets G overfit a stale D
    lr_g: float = 1e-3  # generator learning rate
    lr_d: float = 1e-3  # critic learning rate
    optimizer: str = "adam"  # "adam", "sgd" or "rmsprop"
    beta1: float = 0.5  # Adam's first beta (DCGAN's 0.5)
    beta2: float = 0.999  # Adam's second beta
    momentum: float = 0.0  # SGD's momentum
    loss: Any = "non_saturating"  # a name in ganlib.losses.LOSSES, or a loss object
    penalties: tuple = ()  # ganlib.penalties objects: GradientPenalty, R1Penalty, WeightClipping
    anneal: bool = False  # decay both learning rates and the penalty weights linearly to 0 over `steps`
    log_every: int = 50  # steps between host copies of the logs and callback calls
    seed: int = 0  # seeds latent draws, data batches and interpolates

    def __post_init__(self):
        for name in ("steps", "batch_size", "log_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"TrainConfig.{name} must be >= 1, got {getattr(self, name)}")
        if self.d_steps < 0 or self.g_steps < 0 or self.d_steps + self.g_steps == 0:
            raise ValueError(
                f"TrainConfig needs d_steps, g_steps >= 0 and not both 0, got {self.d_steps}, {self.g_steps}"
            )
        if not (self.lr_g > 0 and self.lr_d > 0):
            raise ValueError("learning rates must be positive")
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1 and 0 <= self.momentum < 1):
            raise ValueError(
                f"beta1, beta2 and momentum must lie in [0, 1), got {self.beta1}, {self.beta2}, {self.momentum}"
            )
        get_loss(self.loss)  # fails early, naming the valid losses
        if self.optimizer not in _OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of: {', '.join(_OPTIMIZERS)}")
        if not isinstance(self.penalties, tuple) or not all(isinstance(p, Penalty) for p in self.penalties):
            raise ValueError(
                "TrainConfig.penalties must be a tuple of ganlib.penalties objects "
                f"(GradientPenalty, R1Penalty, WeightClipping), got {self.penalties!r}"
            )
        names = [p.name for p in self.penalties]
        if len(set(names)) != len(names):
            raise ValueError(f"TrainConfig.penalties lists one kind twice: {names}")


_OPTIMIZERS = {
    "adam": lambda params, lr, c: torch.optim.Adam(params, lr=lr, betas=(c.beta1, c.beta2)),
    "sgd": lambda params, lr, c: torch.optim.SGD(params, lr=lr, momentum=c.momentum),
    "rmsprop": lambda params, lr, c: torch.optim.RMSprop(params, lr=lr),
}


def make_optimizer(params, lr, config=TrainConfig()):
    """The optimizer ``config.optimizer`` over ``params`` at learning rate ``lr`` and the config's betas or momentum."""
    return _OPTIMIZERS[config.optimizer](params, lr, config)


class Divergence(NamedTuple):
    """Where a run blew up: the first step (from 1) at which a loss or penalty was not finite, and its name."""

    step: int
    name: str
    value: float


class History:
    """Per-step scalars of a run by name, as NumPy arrays, plus the rows that callbacks add.

    Every run logs ``d_loss`` (the critic's loss without penalties), ``g_loss``, and ``p_real``
    / ``p_fake``: the mean of sigmoid(D) on the real and the fake batch of the last critic
    update of each step (probabilities for the cross-entropy losses; for critics, as in WGAN,
    only a squashed score). Each penalty logs its unweighted term under its name (``gp``,
    ``r1``), and each hook the scalars it returns. A step where a value was not computed (a
    frozen player, a lazy penalty off that step) holds NaN. Read a column as ``history.d_loss``
    or ``history["d_loss"]``; ``metrics`` holds the callbacks' rows. ``diverged`` is None, or
    the :class:`Divergence` that ended the run.
    """

    def __init__(self):
        self.columns: dict[str, np.ndarray] = {}
        self.metrics: list[dict] = []
        self.steps = 0
        self.diverged: Divergence | None = None

    def __getattr__(self, name):
        columns = self.__dict__.get("columns", {})
        if name in columns:
            return columns[name]
        raise AttributeError(f"History has no column {name!r}; it has: {', '.join(columns) or 'none yet'}")

    def __getitem__(self, name):
        return self.__getattr__(name)

    def __contains__(self, name):
        return name in self.columns

    def _extend(self, block, n):
        """Append ``n`` steps: ``block`` maps names to arrays of length n (absent names are NaN)."""
        for name in {**self.columns, **block}:
            old = self.columns.get(name, np.full(self.steps, np.nan))
            new = block.get(name, np.full(n, np.nan))
            self.columns[name] = np.concatenate([old, new])
        self.steps += n

    def metric(self, name):
        """(steps, values) of a metric that callbacks logged."""
        rows = [r for r in self.metrics if name in r]
        return np.array([r["step"] for r in rows]), np.array([r[name] for r in rows])


class Batch(NamedTuple):
    """What one update saw, for penalties and hooks.

    ``d_real`` / ``d_fake`` are D's outputs (logits or scores, one per sample) on ``x_real`` /
    ``x_fake``; ``d_real`` is None in a generator update whose loss does not read real samples.
    ``z`` is None in a critic update trained on samplers (:func:`train_critic`). ``generator``
    is the run's random generator (for interpolates).
    """

    step: int
    G: Any
    D: Any
    z: Any
    x_real: torch.Tensor
    x_fake: torch.Tensor
    d_real: Any
    d_fake: torch.Tensor
    generator: Any


class Hook:
    """Called by :func:`train_gan` after each update; override what you need.

    Each method gets the update's :class:`Batch` and its loss (without penalties) and may return
    a dict of scalars (tensors or numbers) to log under those names for this step. A method must
    not change the batch's tensors in place.
    """

    def after_critic_step(self, batch, loss):
        """After each critic update; a dict returned is logged for this step."""
        return None

    def after_generator_step(self, batch, loss):
        """After each generator update; a dict returned is logged for this step."""
        return None


class EMA(Hook):
    """An exponential moving average of G's weights, updated after every generator step.

    ``ema.model`` is a copy of G whose parameters follow ``beta * ema + (1 - beta) * G`` and
    whose buffers (batch-norm statistics) are copied from G: the generator StyleGAN samples
    from (its "Gs"). Create it before training; it holds its own copy.
    """

    def __init__(self, G, beta=0.999):
        if not 0 <= beta < 1:
            raise ValueError(f"EMA beta must lie in [0, 1), got {beta}")
        self.beta = beta
        self.model = copy.deepcopy(G).eval().requires_grad_(False)

    @torch.no_grad()
    def after_generator_step(self, batch, loss):
        """avg <- beta avg + (1 - beta) G for every parameter; buffers copied."""
        params = list(batch.G.parameters())
        if params and next(self.model.parameters()).device != params[0].device:
            self.model.to(params[0].device)
        for avg, p in zip(self.model.parameters(), params):
            avg.lerp_(p, 1.0 - self.beta)
        for avg, b in zip(self.model.buffers(), batch.G.buffers()):
            avg.copy_(b)


def sample_latent(G, n, generator):
    """``n`` latents for ``G``: ``G.sample_latent(n, generator)`` if G defines it, else N(0, I) of ``G.latent_dim``."""
    if hasattr(G, "sample_latent"):
        return G.sample_latent(n, generator)
    return torch.randn(n, G.latent_dim, device=generator.device, generator=generator)


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


def critic_step(D, opt, loss, batch, *, penalties=(), update=1, scale=1.0):
    """One critic update on ``batch`` (a :class:`Batch` whose ``d_real``/``d_fake`` are filled in here).

    D's loss, the penalties due, the step, then the constraints. ``update`` numbers critic
    updates from 1 (for lazy penalties); ``scale`` multiplies every penalty weight (annealing).
    Returns (D's loss without penalties, the batch with D's outputs, {penalty name: unweighted
    term}). Shared by :func:`train_gan`, :func:`train_critic` and loops that train their
    generator their own way (SeqGAN's policy gradient).
    """
    batch = batch._replace(d_real=D(batch.x_real), d_fake=D(batch.x_fake))
    d_loss = total = loss.d_loss(batch.d_real, batch.d_fake)
    terms = {}
    for p in penalties:
        weight = scale * p.weight * p.every
        if weight and p.due(update):
            terms[p.name] = p.term(batch)
            total = total + weight * terms[p.name]
    opt.zero_grad(set_to_none=True)
    total.backward()
    opt.step()
    for p in penalties:
        p.after_step(D)
    return d_loss, batch, terms


class _Pending:
    """Per-step logs kept on the device until the next host copy."""

    def __init__(self, device):
        self.rows, self.nan = [], torch.full((), float("nan"), device=device, dtype=torch.float64)

    def add(self, row):
        self.rows.append(row)

    def flush(self, history, watched=("d_loss", "g_loss")):
        """Copy the rows to ``history``; note there the first non-finite value of a ``watched`` name."""
        names = list(dict.fromkeys(name for row in self.rows for name in row))
        if names:
            cols = [torch.stack([self._scalar(row.get(name)) for row in self.rows]) for name in names]
            block = torch.stack(cols).cpu().numpy()
            if history.diverged is None:
                history.diverged = self._first_divergence(names, block, history.steps, watched)
            history._extend(dict(zip(names, block)), len(self.rows))
        self.rows.clear()

    def _first_divergence(self, names, block, steps_before, watched):
        # a value that was not computed this step (None: a frozen player, a lazy penalty) is NaN by design
        computed = np.array([[row.get(name) is not None for row in self.rows] for name in names])
        bad = computed & ~np.isfinite(block) & np.array([name in watched for name in names])[:, None]
        if not bad.any():
            return None
        step = int(np.nonzero(bad.any(axis=0))[0][0])
        row = int(np.nonzero(bad[:, step])[0][0])
        return Divergence(steps_before + step + 1, names[row], float(block[row, step]))

    def _scalar(self, value):
        if value is None:
            return self.nan
        if torch.is_tensor(value):
            return value.detach().reshape(()).to(self.nan)
        return torch.tensor(float(value), dtype=torch.float64, device=self.nan.device)


def _set_lr(optimizer, lr):
    for group in optimizer.param_groups:
        group["lr"] = lr


def _show_progress(progress):
    return sys.stderr.isatty() if progress is None else progress


def _start(loss):
    """The run's own loss: a stateful loss is started afresh for every run."""
    return loss.start() if hasattr(loss, "start") else loss


def _watched(config):
    """The logged names whose non-finite value means the run diverged: both losses and every penalty term."""
    return ("d_loss", "g_loss", *(p.name for p in config.penalties))


def _flush_diverged(pending, history, watched):
    """Copy the pending logs to ``history``; True (after a warning) when the run has diverged."""
    pending.flush(history, watched)
    if history.diverged is None:
        return False
    d = history.diverged
    warnings.warn(
        f"training diverged: {d.name} = {d.value} at step {d.step}; stopped at step {history.steps}",
        RuntimeWarning,
        stacklevel=3,
    )
    return True


def _call_hooks(hooks, method, batch, loss, row):
    for hook in hooks:
        out = getattr(hook, method, None)
        logged = out(batch, loss) if out else None
        if logged:
            row.update(logged)


def train_gan(G, D, data, config=TrainConfig(), *, device="cpu", hooks=(), callbacks=(), progress=None):
    """Train ``G`` against ``D`` on ``data`` and return a :class:`History`.

    ``data`` is a tensor of real samples (batches drawn with replacement) or a sampler
    ``f(n, generator) -> tensor``. ``G`` draws its latents as :func:`sample_latent` says; ``D``
    returns one output per sample. ``d_steps=0`` or ``g_steps=0`` in ``config`` trains one
    player against the other held fixed. ``hooks`` are :class:`Hook` objects (a stateful loss is
    one too). Each callback is called as ``cb(step, G, D, history)`` every ``config.log_every``
    steps and after the last one; a dict it returns is added to ``history.metrics``, and a true
    ``"stop"`` in it ends training after this step (training to a target quality, or within a
    time budget). A divergence (a non-finite loss or penalty) ends training at the next host
    copy, before the callbacks: ``history.diverged`` says where. ``progress=None`` shows a bar
    only on a terminal.
    """
    device = torch.device(device)
    loss = _start(get_loss(config.loss))
    hooks = [loss, *hooks] if isinstance(loss, Hook) else list(hooks)
    G.to(device).train()
    D.to(device).train()
    opt_g = make_optimizer(G.parameters(), config.lr_g, config)
    opt_d = make_optimizer(D.parameters(), config.lr_d, config)
    gen = torch.Generator(device=device).manual_seed(config.seed)
    real_batch = _batch_sampler(data, config.batch_size, device, gen)

    history, pending, watched = History(), _Pending(device), _watched(config)
    bar = tqdm(total=config.steps, disable=not _show_progress(progress), desc="train", leave=False)
    scale, updates = 1.0, 0
    for step in range(1, config.steps + 1):
        if config.anneal:
            scale = 1.0 - (step - 1) / config.steps
            _set_lr(opt_g, config.lr_g * scale)
            _set_lr(opt_d, config.lr_d * scale)
        row = {"d_loss": None, "g_loss": None, "p_real": None, "p_fake": None}
        D.requires_grad_(True)
        for _ in range(config.d_steps):
            x_real = real_batch()
            with torch.no_grad():
                z = sample_latent(G, config.batch_size, gen)
                x_fake = G(z)
            updates += 1
            d_loss, batch, terms = critic_step(
                D,
                opt_d,
                loss,
                Batch(step, G, D, z, x_real, x_fake, None, None, gen),
                penalties=config.penalties,
                update=updates,
                scale=scale,
            )
            row.update(
                d_loss=d_loss,
                p_real=torch.sigmoid(batch.d_real.detach()).mean(),
                p_fake=torch.sigmoid(batch.d_fake.detach()).mean(),
                **terms,
            )
            _call_hooks(hooks, "after_critic_step", batch, d_loss, row)
        # D is frozen while G learns: no gradient is spent on its weights
        D.requires_grad_(False)
        for _ in range(config.g_steps):
            x_real = real_batch() if loss.g_uses_real else None
            d_real = D(x_real) if loss.g_uses_real else None
            z = sample_latent(G, config.batch_size, gen)
            x_fake = G(z)
            batch = Batch(step, G, D, z, x_real, x_fake, d_real, D(x_fake), gen)
            g_loss = loss.g_loss(batch.d_real, batch.d_fake)
            opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            opt_g.step()
            row["g_loss"] = g_loss
            _call_hooks(hooks, "after_generator_step", batch, g_loss, row)
        pending.add(row)
        if step % config.log_every == 0 or step == config.steps:
            if _flush_diverged(pending, history, watched):
                break
            bar.update(step - bar.n)
            bar.set_postfix(d_loss=f"{history.d_loss[-1]:.3f}", g_loss=f"{history.g_loss[-1]:.3f}")
            stop = False
            for cb in callbacks:
                out = cb(step, G, D, history)
                if out:
                    history.metrics.append({"step": step, **out})
                    stop = stop or bool(out.get("stop"))
            if stop:
                break
    D.requires_grad_(True)
    bar.close()
    return history


def train_critic(D, real, fake, config=TrainConfig(), *, device="cpu", hooks=(), callbacks=()):
    """Train ``D`` alone to tell samples of ``real`` from samples of ``fake``; returns a :class:`History`.

    ``real`` and ``fake`` are samplers ``f(n, generator) -> tensor``, drawn in that order every
    step with one CPU ``torch.Generator`` seeded by ``config.seed`` (the penalties' random draws
    have their own, seeded by ``config.seed + 1``). This is the critic half of :func:`train_gan`,
    the same update with the same loss, penalties and constraints, for experiments where the
    "fake" distribution is not a network (two fixed distributions, a frozen set of samples, a
    population with extra negatives). Of ``config`` it uses ``steps``, ``batch_size``, ``lr_d``,
    the optimiser settings, ``loss``, ``penalties`` and ``log_every``. Hooks see
    ``after_critic_step``; each callback is called as ``cb(step, D)`` every ``log_every`` steps
    and after the last, and a dict it returns goes to ``history.metrics``. A divergence ends
    training as in :func:`train_gan`.
    """
    device = torch.device(device)
    loss = _start(get_loss(config.loss))
    hooks = [loss, *hooks] if isinstance(loss, Hook) else list(hooks)
    D.to(device).train()
    opt = make_optimizer(D.parameters(), config.lr_d, config)
    gen = torch.Generator().manual_seed(config.seed)  # the samplers draw on the CPU
    penalty_gen = torch.Generator(device=device).manual_seed(config.seed + 1)
    history, pending, watched = History(), _Pending(device), _watched(config)
    for step in range(1, config.steps + 1):
        x_real = real(config.batch_size, gen).to(device)
        x_fake = fake(config.batch_size, gen).to(device)
        d_loss, batch, terms = critic_step(
            D,
            opt,
            loss,
            Batch(step, None, D, None, x_real, x_fake, None, None, penalty_gen),
            penalties=config.penalties,
            update=step,
        )
        row = {
            "d_loss": d_loss,
            "g_loss": None,
            "p_real": torch.sigmoid(batch.d_real.detach()).mean(),
            "p_fake": torch.sigmoid(batch.d_fake.detach()).mean(),
            **terms,
        }
        _call_hooks(hooks, "after_critic_step", batch, d_loss, row)
        pending.add(row)
        if step % config.log_every == 0 or step == config.steps:
            if _flush_diverged(pending, history, watched):
                break
            for cb in callbacks:
                out = cb(step, D)
                if out:
                    history.metrics.append({"step": step, **out})
    return history
