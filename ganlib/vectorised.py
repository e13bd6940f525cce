"""Seeds trained together: S independent copies of chapter 3's MLP GAN as one batched model.

A study over seeds trains the same small generator/discriminator pair many times. On a CPU each
run is dominated by per-step overhead (Python, tiny matrix products), so S runs in a process pool
cost about S times one run divided by the cores. Here the S copies are one model instead: every
``nn.Linear`` of the S networks is stacked into a weight of shape (S, in, out) and a bias of shape
(S, 1, out), and a batch of inputs of shape (S, B, in) goes through ``torch.baddbmm``, one matrix
product per copy in a single call (:class:`StackedMLP`). Copies share nothing but the call:

- **weights**: copy k starts from exactly the weights :func:`ganlib.runs.run_mixture` builds for
  seed k (the same ``torch.manual_seed`` and module constructors, then stacked);
- **data**: copy k has its own ``torch.Generator`` seeded as :func:`ganlib.train.train_gan`
  seeds one run, and draws its real batches, latents and penalty interpolates in the same order
  as that loop, so its data stream is the one of the single run with seed k;
- **losses**: the functions of :mod:`ganlib.losses` are applied per copy with
  ``torch.func.vmap`` over the seed axis (a loss's ``.mean()`` then averages one copy's batch,
  never across copies; the relativistic losses' batch means stay per copy too);
- **optimiser state**: one Adam (or RMSprop, SGD) over the stacked tensors. See
  :func:`train_seeds_together` for why that is exactly S independent optimisers.

Copy k therefore follows the same law as the single run with seed k. It is not bit-identical to
it: a batched matrix product rounds differently from ``addmm``, and a GAN amplifies rounding
differences over hundreds of steps. The tests check the strong cheap property instead: the
gradient of copy k in the batched model equals that of an independent single model with the same
weights and batch, to float tolerance, and perturbing copy j leaves copy k bit-identical.
"""

from __future__ import annotations

import time
from dataclasses import asdict, replace

import numpy as np
import torch
from torch import nn

from .data import Mixture2D
from .losses import get_loss
from .metrics import mode_coverage, wasserstein1
from .models import MLPDiscriminator, MLPGenerator
from .penalties import GradientPenalty, R1Penalty, WeightClipping
from .realism import window_means
from .train import make_optimizer

__all__ = [
    "StackedMLP",
    "per_copy",
    "per_copy_gradient_penalty",
    "per_copy_r1_penalty",
    "train_seeds_together",
    "run_seeds_together",
]


class StackedMLP(nn.Module):
    """S copies of one ``nn.Sequential`` MLP (Linear layers and stateless activations) as one module.

    ``StackedMLP([net_0, ..., net_{S-1}])``: the copies must share their architecture. Forward maps
    (S, B, in) to (S, B, out); with ``squeeze=True`` (a discriminator's single output) to (S, B).
    Activations are taken from copy 0 (they hold no weights). ``copy(k, module)`` writes copy k's
    weights back into a single network of the same architecture.
    """

    def __init__(self, nets, squeeze=False):
        super().__init__()
        nets = list(nets)
        if not nets:
            raise ValueError("StackedMLP needs at least one network")
        kinds = [[type(m) for m in net] for net in nets]
        if any(k != kinds[0] for k in kinds):
            raise ValueError("StackedMLP: the networks differ in architecture")
        self.weights, self.biases, self.layers = nn.ParameterList(), nn.ParameterList(), []
        for i, layer in enumerate(nets[0]):
            if isinstance(layer, nn.Linear):
                # nn.Linear computes x W^T + b: stack W^T so that baddbmm computes b + x W^T per copy
                self.weights.append(
                    nn.Parameter(torch.stack([net[i].weight.detach().t() for net in nets]).contiguous())
                )
                self.biases.append(nn.Parameter(torch.stack([net[i].bias.detach()[None, :] for net in nets])))
                self.layers.append(len(self.weights) - 1)
            elif any(True for _ in layer.parameters()) or any(True for _ in layer.buffers()):
                raise ValueError(f"StackedMLP takes Linear layers and stateless activations, not {layer!r}")
            else:
                self.layers.append(layer)
        self.squeeze = squeeze
        self.copies = len(nets)

    def forward(self, x):  # (S, B, in) -> (S, B, out), or (S, B) with squeeze
        for layer in self.layers:
            x = torch.baddbmm(self.biases[layer], x, self.weights[layer]) if isinstance(layer, int) else layer(x)
        return x.squeeze(-1) if self.squeeze else x

    @torch.no_grad()
    def copy(self, k, net):
        """Write copy ``k``'s weights into ``net`` (an ``nn.Sequential`` of the same architecture); returns it."""
        linears = [m for m in net if isinstance(m, nn.Linear)]
        if len(linears) != len(self.weights):
            raise ValueError("copy: the network's architecture differs from the stacked one")
        for m, w, b in zip(linears, self.weights, self.biases):
            m.weight.copy_(w[k].t())
            m.bias.copy_(b[k, 0])
        return net


def per_copy(fn):
    """``fn(d_real, d_fake) -> scalar`` (a :mod:`ganlib.losses` function) applied to each copy: (S, B) -> (S,).

    The losses reduce with ``.mean()`` over everything they get; under ``torch.func.vmap`` over
    the leading seed axis each call sees one copy's (B,) outputs, so every mean, including the
    relativistic losses' batch means, stays within a copy. ``d_real`` may be None (a generator
    loss that does not read real samples).
    """
    with_real = torch.func.vmap(fn)
    without_real = torch.func.vmap(lambda d_fake: fn(None, d_fake))

    def apply(d_real, d_fake):
        return without_real(d_fake) if d_real is None else with_real(d_real, d_fake)

    return apply


def _interpolates(x_real, x_fake, generators):
    # one eps ~ U[0, 1] per sample, drawn from each copy's own generator as ganlib.penalties.interpolates does
    eps = torch.stack([torch.rand((x_real.shape[1], 1), generator=g, dtype=x_real.dtype) for g in generators])
    return eps * x_real.detach() + (1 - eps) * x_fake.detach()


def per_copy_gradient_penalty(critic, x_real, x_fake, generators, target=1.0):
    """:func:`ganlib.penalties.gradient_penalty` for each copy: (S,) unweighted terms.

    Copies do not interact, so the gradient of the *summed* critic output with respect to the
    interpolates of copy k is the gradient of copy k's own critic output alone: one
    ``autograd.grad`` gives every copy's input gradients. The norm is over each sample's
    coordinates (the last axis), the mean over each copy's batch.
    """
    x_hat = _interpolates(x_real, x_fake, generators).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.norm(dim=-1) - target) ** 2).mean(dim=-1)


def per_copy_r1_penalty(critic, x_real):
    """:func:`ganlib.penalties.r1_penalty` for each copy: (S,) terms E ||grad_x D(x)||^2 on real samples."""
    x = x_real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return grad.pow(2).sum(dim=-1).mean(dim=-1)


def _penalty_term(p, D, x_real, x_fake, generators):
    if isinstance(p, GradientPenalty):
        return per_copy_gradient_penalty(D, x_real, x_fake, generators, target=p.target)
    if isinstance(p, R1Penalty):
        return per_copy_r1_penalty(D, x_real)
    return None


_SUPPORTED_PENALTIES = (GradientPenalty, R1Penalty, WeightClipping)


def _check(spec, seeds):
    from .runs.mixture import MixtureRun

    if not isinstance(spec, MixtureRun):
        raise TypeError(f"train_seeds_together takes a ganlib.runs.MixtureRun, got {type(spec).__name__}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("train_seeds_together needs at least one seed, got none")
    if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0 for s in seeds):
        raise ValueError(f"seeds must be integers >= 0, got {seeds!r}")
    loss = get_loss(spec.loss)  # a clear error for an unknown loss
    if hasattr(loss, "start"):
        raise ValueError(f"train_seeds_together does not support stateful losses (with start()), got {spec.loss!r}")
    unsupported = [p for p in spec.penalties if not isinstance(p, _SUPPORTED_PENALTIES)]
    if unsupported:
        raise ValueError(
            f"train_seeds_together supports GradientPenalty, R1Penalty and WeightClipping, not {unsupported!r}"
        )
    return [int(s) for s in seeds], loss


def _networks(spec, seed):
    # exactly what run_mixture builds for this seed
    torch.manual_seed(seed)
    G = MLPGenerator(spec.latent_dim, 2, spec.hidden, spec.depth)
    D = MLPDiscriminator(2, spec.hidden, spec.depth)
    return G, D


def train_seeds_together(spec, seeds, *, perturb=None):
    """Train one :class:`ganlib.runs.MixtureRun` for every seed in ``seeds`` as one batched model.

    Returns one dict per seed, in the order of ``seeds``, with the keys of
    :func:`ganlib.runs.run_mixture` (``spec`` with that seed, ``step``, ``modes``, ``hq``,
    ``final_modes``, ``final_hq``, ``n_modes``, ``lost_modes``, ``samples``, ``w1``, ``critic``,
    ``diverged``), scored the same way: at the same steps, on the same evaluation latents
    (seeded ``10_000 + seed``) and real samples for W1 (``20_000 + seed``). ``seconds`` is the
    whole batch's training time divided by the number of seeds. A copy whose loss or penalty
    stops being finite is marked diverged (step and name of the first non-finite value, as in
    :class:`ganlib.train.Divergence`) and not scored from then on; it keeps training on its
    own slices, which cannot reach the other copies. Not supported: stateful losses (BEGAN),
    callbacks that stop training, learning-rate annealing (MixtureRun has none of them).

    ``perturb(G, D)``, if given, is called once on the stacked networks before training (the
    tests use it to show that changing one copy leaves the others untouched).

    Why one optimiser over the stacked tensors is S independent optimisers: the loss minimised
    is the SUM over copies of each copy's mean loss. Copy j's loss does not depend on copy k's
    weights (j != k), so the gradient of the sum with respect to copy k's slice of a stacked
    tensor is the gradient of copy k's own loss, the same number a single run would compute.
    Adam, RMSprop and SGD (with momentum) update every tensor element from that element's
    gradient and state alone (its moment estimates, a shared step count and learning rate), so
    the slice of copy k receives exactly the update that a separate optimiser over copy k's
    own weights would make. A MEAN over copies would scale each gradient by 1/S: harmless for
    Adam's direction up to its epsilon, but wrong for SGD and for the logged losses, so we sum.
    """
    seeds, loss = _check(spec, seeds)
    S = len(seeds)
    sample, centers, std = spec.data()
    scale = spec.data_scale()
    config = spec.train_config()
    B = config.batch_size
    nets = [_networks(spec, s) for s in seeds]
    G = StackedMLP([g.net for g, _ in nets])
    D = StackedMLP([d.net for _, d in nets], squeeze=True)
    if perturb is not None:
        with torch.no_grad():
            perturb(G, D)
    opt_g = make_optimizer(G.parameters(), config.lr_g, config)
    opt_d = make_optimizer(D.parameters(), config.lr_d, config)
    d_loss_fn, g_loss_fn = per_copy(loss.d_loss), per_copy(loss.g_loss)

    # each copy's random streams, seeded and drawn in train_gan's order
    gens = [torch.Generator().manual_seed(s) for s in seeds]
    data_gens = [torch.Generator().manual_seed(int(torch.randint(2**31, (1,), generator=g))) for g in gens]

    if isinstance(getattr(sample, "__self__", None), Mixture2D):
        # Mixture2D.sample's draws, in its order, without rebuilding the centres' tensor on every call
        mix = sample.__self__
        mix_centers = torch.tensor(mix.centers, dtype=torch.float32)

        def draw(n, g):
            idx = torch.randint(len(mix_centers), (n,), generator=g)
            return mix_centers[idx] + mix.std * torch.randn(n, 2, generator=g)

    else:
        draw = sample

    def real_batch():
        x = torch.stack([draw(B, g) for g in data_gens])
        return x if scale == 1.0 else x / scale

    def latents():
        return torch.stack([torch.randn(B, spec.latent_dim, generator=g) for g in gens])

    z_eval = torch.stack(
        [torch.randn(spec.n_eval, spec.latent_dim, generator=torch.Generator().manual_seed(10_000 + s)) for s in seeds]
    )
    real_gens = [torch.Generator().manual_seed(20_000 + s) for s in seeds]
    n_modes = 0 if centers is None else len(centers)
    covered_ever = np.zeros((S, n_modes), dtype=bool)
    counts = [None] * S
    samples = [None] * S
    rows = [[] for _ in range(S)]  # scorings per copy
    diverged = [None] * S
    d_log, g_log, pen_log = [], [], {p.name: [] for p in spec.penalties if p.weight}
    # per step and copy, the last critic update's realism readings, as train_gan and RealismProbe log them
    realism_log = []  # (S, 4): p_real, p_fake, ra_real, ra_fake
    logged_steps = 0

    def flush(step):
        """Check the logs since the last flush for non-finite values, per copy; returns the copies still alive."""
        nonlocal logged_steps
        block = {"d_loss": torch.stack(d_log), "g_loss": torch.stack(g_log)}  # (n, S)
        block.update({name: torch.stack(values) for name, values in pen_log.items()})
        n = len(d_log)
        for k in range(S):
            if diverged[k] is not None:
                continue
            first = None
            for name, values in block.items():
                if name == "d_loss" and not config.d_steps:  # a frozen critic computes no loss
                    continue
                bad = ~torch.isfinite(values[:, k])
                if bad.any():
                    i = int(torch.nonzero(bad)[0])
                    if first is None or i < first[0]:
                        first = (i, name, float(values[i, k]))
            if first is not None:
                diverged[k] = {"step": logged_steps + first[0] + 1, "name": first[1], "value": first[2]}
        critic = -block["d_loss"].mean(dim=0).double() * scale  # (S,) minus D's loss since the last scoring
        logged_steps += n
        d_log.clear(), g_log.clear()
        for values in pen_log.values():
            values.clear()
        return critic

    def score(step, critic):
        with torch.no_grad():
            x = G(z_eval) * scale  # (S, n_eval, 2)
        for k in range(S):
            if diverged[k] is not None:
                continue
            xk = x[k]
            samples[k] = xk.numpy()
            row = {"step": step}
            if centers is not None:
                cov = mode_coverage(xk, centers, std)
                covered_ever[k] |= np.array(cov.counts) >= 20
                counts[k] = np.array(cov.counts)
                row.update(modes=cov.modes_covered, hq=cov.hq_ratio)
            if spec.w1_samples:
                row.update(
                    w1=wasserstein1(xk[: spec.w1_samples], sample(spec.w1_samples, real_gens[k])),
                    critic=float(critic[k]),
                )
            rows[k].append(row)

    t0 = time.perf_counter()
    updates = 0
    G.train(), D.train()
    for step in range(1, config.steps + 1):
        terms = {}  # the penalties' terms of this step's last critic update, as train_gan logs them
        D.requires_grad_(True)
        for _ in range(config.d_steps):
            x_real = real_batch()
            with torch.no_grad():
                x_fake = G(latents())
            updates += 1
            # real and fake batches through the critic in one call (an MLP treats samples independently)
            d_real, d_fake = D(torch.cat([x_real, x_fake], dim=1)).split(B, dim=1)  # (S, B) each
            d_real_last, d_fake_last = d_real, d_fake
            d_losses = d_loss_fn(d_real, d_fake)  # (S,)
            total = d_losses.sum()  # a sum, not a mean: see the docstring
            for p in spec.penalties:
                weight = p.weight * p.every
                if weight and p.due(updates):
                    term = _penalty_term(p, D, x_real, x_fake, gens)
                    terms[p.name] = term.detach()
                    total = total + weight * term.sum()
            opt_d.zero_grad(set_to_none=True)
            total.backward()
            opt_d.step()
            for p in spec.penalties:
                if isinstance(p, WeightClipping):
                    with torch.no_grad():
                        for w in D.parameters():
                            w.clamp_(-p.clip, p.clip)
        D.requires_grad_(False)
        if config.g_steps:
            x_real = real_batch() if loss.g_uses_real else None
            d_real = D(x_real) if loss.g_uses_real else None
            d_fake = D(G(latents()))
            g_losses = g_loss_fn(d_real, d_fake)
            opt_g.zero_grad(set_to_none=True)
            g_losses.sum().backward()
            opt_g.step()
        if config.d_steps:
            with torch.no_grad():
                c_real, c_fake = d_real_last.detach(), d_fake_last.detach()
                realism_log.append(
                    torch.stack(
                        [
                            torch.sigmoid(c_real).mean(1),
                            torch.sigmoid(c_fake).mean(1),
                            torch.sigmoid(c_real - c_fake.mean(1, keepdim=True)).mean(1),
                            torch.sigmoid(c_fake - c_real.mean(1, keepdim=True)).mean(1),
                        ],
                        dim=1,
                    )
                )
        else:
            realism_log.append(torch.full((S, 4), float("nan")))
        d_log.append(d_losses.detach() if config.d_steps else torch.full((S,), float("nan")))
        g_log.append(g_losses.detach())
        for name, values in pen_log.items():  # a term not computed this step (a lazy penalty) counts as finite
            values.append(terms.get(name, torch.zeros(S)))
        if step % config.log_every == 0 or step == config.steps:
            critic = flush(step)
            score(step, critic)
    D.requires_grad_(True)
    seconds = (time.perf_counter() - t0) / S

    realism = torch.stack(realism_log).double().numpy() if realism_log else np.zeros((0, S, 4))  # (steps, S, 4)
    results = []
    for k, seed in enumerate(seeds):
        steps = np.array([r["step"] for r in rows[k]])
        ended = diverged[k] is None
        windows = {
            key: window_means(realism[:, k, j], steps) if len(steps) else np.array([])
            for j, key in enumerate(("p_real", "p_fake", "ra_real", "ra_fake"))
        }
        result = {
            "spec": asdict(replace(spec, seed=seed)),
            "step": steps,
            "samples": samples[k],
            "seconds": seconds,
            "w1": np.array([r["w1"] for r in rows[k] if "w1" in r]),
            "critic": np.array([r["critic"] for r in rows[k] if "critic" in r]),
            "diverged": diverged[k],
            **windows,
        }
        if centers is None:
            result.update(
                modes=None, hq=None, final_modes=None, final_hq=None, n_modes=0, lost_modes=None, missing_modes=None
            )
        else:
            modes = np.array([r["modes"] for r in rows[k]])
            hq = np.array([r["hq"] for r in rows[k]])
            result.update(
                modes=modes,
                hq=hq,
                final_modes=int(modes[-1]) if ended else None,
                final_hq=float(hq[-1]) if ended else None,
                n_modes=n_modes,
                lost_modes=int((covered_ever[k] & (counts[k] < 20)).sum()) if ended else None,
                missing_modes=n_modes - int(modes[-1]) if ended else None,
            )
        results.append(result)
    return results


def _train_chunk(job):
    spec, seeds = job
    return train_seeds_together(spec, seeds)


def run_seeds_together(spec, seeds, workers=None, desc="seeds together"):
    """:func:`train_seeds_together` with the seeds split into ``workers`` groups, one process each.

    On a CPU one batched model uses one core well; with several cores the seeds are cut into
    ``workers`` contiguous groups (``None``: every core, :func:`ganlib.batch.default_workers`),
    each group trained together in a worker of :func:`ganlib.batch.run_batch` (one thread
    each). Returns one result per seed in the order of ``seeds``. Every copy draws the same
    numbers however the seeds are grouped; only floating-point rounding may differ with the
    size of its group.
    """
    from .batch import default_workers, run_batch

    seeds, _ = _check(spec, seeds)
    workers = default_workers() if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    groups = [tuple(int(s) for s in g) for g in np.array_split(np.array(seeds), min(workers, len(seeds)))]
    chunks = run_batch(_train_chunk, [(spec, g) for g in groups], workers=workers, desc=desc)
    return [r for chunk in chunks for r in chunk]
