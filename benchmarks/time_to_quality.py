"""Wall time to a good GAN on the 25-Gaussian grid: ganlib's recipe against the WGAN-GP toy loop.

Quality bar: all 25 modes covered and at least 90% high-quality samples
(:func:`ganlib.metrics.mode_coverage` on 2,500 samples: within 3 std of a centre, 20 per mode),
on the grid of std 0.05. Both contenders train in this process, one after the other, on data
divided by 2.828 (its standard deviation, as the WGAN-GP toy code does), are scored every 100
generator steps by the same function, and stop at the bar or when their time runs out. Scoring
time counts.

- ``plain``: WGAN-GP's toy settings (``ganlib.recipes.RECIPES["wgan_gp_toy"]``) in a loop written
  out by hand: 3x512 ReLU MLPs, batch 256,
  Adam 1e-4 (betas 0.5, 0.9), five critic steps per generator step, penalty weight 0.1 (the
  toy code's value).
- ``ganlib``: the recipe we found (``RECIPES["ns_zero_gp_annealed"]``): non-saturating loss with a
  *zero-centred* gradient penalty of weight 1 on real-fake interpolates, 3x128 MLPs, batch 256,
  Adam 2e-3 (betas 0.5, 0.999), one critic step, learning rates and penalty weight annealed
  linearly to 0 over 8,000 steps.

Target: ganlib reaches the bar within 90 s on 2 cores.

    python benchmarks/time_to_quality.py [--seeds 0] [--budget 90] [--plain-budget 240]
                                         [--skip-plain] [--threads N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import time

import torch
from torch import nn

from ganlib.data import grid_mixture
from ganlib.metrics import mode_coverage
from ganlib.models import MLPDiscriminator, MLPGenerator
from ganlib.recipes import RECIPES
from ganlib.train import train_gan

GRID = grid_mixture(std=0.05)
SCALE = 2.828  # the grid's standard deviation; both contenders train on data / SCALE
EVERY = 100  # generator steps between scorings
TARGET_SECONDS = 90.0


def scaled_sample(n, generator=None):
    return GRID.sample(n, generator) / SCALE


class Scorer:
    """Scores a generator on fixed latents and says whether the bar is met or time is up."""

    def __init__(self, budget, latent_dim=2):
        self.z = torch.randn(2500, latent_dim, generator=torch.Generator().manual_seed(12345))
        self.centers = torch.tensor(GRID.centers)
        self.budget, self.t0, self.trace = budget, time.perf_counter(), []

    def __call__(self, step, G):
        with torch.no_grad():
            cov = mode_coverage(G(self.z) * SCALE, self.centers, GRID.std)
        seconds = time.perf_counter() - self.t0
        reached = cov.modes_covered == GRID.n_modes and cov.hq_ratio >= 0.9
        self.trace.append(
            {"step": step, "seconds": seconds, "modes": cov.modes_covered, "hq": cov.hq_ratio, "reached": reached}
        )
        return reached or seconds > self.budget


def plain_wgan_gp(seed, budget):
    """The WGAN-GP toy loop (its 25-Gaussian settings, from ganlib.recipes), written without ganlib's loop."""
    c = RECIPES["wgan_gp_toy"].train
    (penalty,) = c.penalties
    n = c.batch_size
    torch.manual_seed(seed)
    net = lambda i, o: nn.Sequential(
        nn.Linear(i, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, o)
    )
    G, D = net(2, 2), net(2, 1)
    opt_g = torch.optim.Adam(G.parameters(), lr=c.lr_g, betas=(c.beta1, c.beta2))
    opt_d = torch.optim.Adam(D.parameters(), lr=c.lr_d, betas=(c.beta1, c.beta2))
    gen = torch.Generator().manual_seed(seed)
    scorer, step = Scorer(budget), 0
    while True:
        step += 1
        for _ in range(c.d_steps):
            x_real = scaled_sample(n, gen)
            with torch.no_grad():
                x_fake = G(torch.randn(n, 2, generator=gen))
            eps = torch.rand(n, 1, generator=gen)
            x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
            (grad,) = torch.autograd.grad(D(x_hat).sum(), x_hat, create_graph=True)
            d_loss = D(x_fake).mean() - D(x_real).mean() + penalty.gp_weight * ((grad.norm(dim=1) - 1) ** 2).mean()
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
        g_loss = -D(G(torch.randn(n, 2, generator=gen))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        if step % EVERY == 0 and scorer(step, G):
            return scorer.trace


RECIPE = RECIPES["ns_zero_gp_annealed"]


def ganlib_recipe(seed, budget):
    torch.manual_seed(seed)
    G, D = MLPGenerator(2, 2, 128, 3), MLPDiscriminator(2, 128, 3)
    scorer = Scorer(budget)
    config = RECIPE.config(steps=8000, log_every=EVERY, seed=seed)
    train_gan(G, D, scaled_sample, config, callbacks=[lambda step, G, D, h: {"stop": scorer(step, G)}], progress=False)
    return scorer.trace


def summary(name, seed, trace):
    last = trace[-1]
    rate = last["step"] / last["seconds"]
    if last["reached"]:
        verdict = f"reached 25/25 and HQ {last['hq']:.3f} in {last['seconds']:.1f} s (step {last['step']})"
    else:
        best = max(trace, key=lambda r: (r["modes"], r["hq"]))
        verdict = (
            f"NOT reached: at {last['seconds']:.1f} s (step {last['step']}) {last['modes']}/25 modes, "
            f"HQ {last['hq']:.3f}; best scoring {best['modes']}/25, HQ {best['hq']:.3f}"
        )
    return f"  {name:7s} seed {seed}: {verdict}  [{rate:.0f} generator steps/s]"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0", help="comma-separated seeds for the ganlib recipe")
    parser.add_argument("--budget", type=float, default=TARGET_SECONDS, help="seconds the recipe may take")
    parser.add_argument("--plain-budget", type=float, default=240.0, help="seconds the plain loop may take")
    parser.add_argument("--skip-plain", action="store_true", help="run only the ganlib recipe")
    parser.add_argument("--threads", type=int, default=min(os.cpu_count() or 1, 2))
    parser.add_argument("--json", help="also write the traces to this file")
    args = parser.parse_args(argv)
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--seeds must be comma-separated integers, got {args.seeds!r}")
    if not seeds or args.budget <= 0 or args.plain_budget <= 0 or args.threads < 1:
        parser.error("need at least one seed, positive budgets and --threads >= 1")
    torch.set_num_threads(args.threads)
    print(f"25-grid (std 0.05), bar: 25/25 modes and HQ >= 0.90; torch threads {args.threads}")
    report, ok = {"threads": args.threads, "ganlib": {}, "plain": None}, True
    for seed in seeds:
        trace = ganlib_recipe(seed, args.budget)
        report["ganlib"][seed] = trace
        print(summary("ganlib", seed, trace), flush=True)
        ok = ok and trace[-1]["reached"] and trace[-1]["seconds"] <= TARGET_SECONDS
    print(f"  target (ganlib within {TARGET_SECONDS:.0f} s for every seed): {'met' if ok else 'MISSED'}")
    if not args.skip_plain:
        report["plain"] = plain_wgan_gp(0, args.plain_budget)
        print(summary("plain", 0, report["plain"]), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
