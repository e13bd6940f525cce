"""ganlib.train_gan against a plain hand-written PyTorch loop: steps per second of each.

Both train the same MLP generator and discriminator (3 hidden layers of 128) on the 8-Gaussian
ring, in one process, for two recipes:

- ``non_saturating``: Adam, one discriminator step per generator step;
- ``wgan_gp``: Adam (1e-4, betas (0, 0.9)), five critic steps per generator step, each with the
  gradient penalty (lambda 10) and its double backward, as in the WGAN-GP paper.

A "step" is one generator step with its discriminator steps. Rounds alternate between the two
loops so that machine noise hits both alike; the median round counts. Target: ratio
ganlib / plain >= 0.95 for each recipe (our abstraction must not cost speed). The WGAN-GP
numbers also give what the penalty costs against the plain non-saturating loop.

    python benchmarks/train_speed.py [--recipes non_saturating,wgan_gp] [--steps 300] [--rounds 5]
                                     [--batch-size 256] [--device cpu] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

from ganlib.data import ring_mixture
from ganlib.models import MLPDiscriminator, MLPGenerator
from ganlib.recipes import RECIPES
from ganlib.runtime import resolve_device
from ganlib.train import TrainConfig, train_gan


def models(device, seed=0):
    torch.manual_seed(seed)
    return MLPGenerator(2, 2, 128, 3).to(device), MLPDiscriminator(2, 128, 3).to(device)


def plain_loop(steps, batch_size, device):
    """The loop as a tutorial writes it: BCE on probabilities' logits, one fake batch per step."""
    G, D = models(device)
    opt_g = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
    data, gen = ring_mixture(), torch.Generator().manual_seed(0)
    ones = torch.ones(batch_size, device=device)
    zeros = torch.zeros(batch_size, device=device)
    for _ in range(steps):
        x_real = data.sample(batch_size, gen).to(device)
        x_fake = G(torch.randn(batch_size, 2, device=device))
        d_loss = F.binary_cross_entropy_with_logits(D(x_real), ones) + F.binary_cross_entropy_with_logits(
            D(x_fake.detach()), zeros
        )
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.binary_cross_entropy_with_logits(D(x_fake), ones)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
    if device.type == "cuda":
        torch.cuda.synchronize()


def _ganlib_run(device, config):
    G, D = models(device)
    train_gan(G, D, ring_mixture().sample, config, device=device, progress=False)
    if device.type == "cuda":
        torch.cuda.synchronize()


def ganlib_loop(steps, batch_size, device):
    _ganlib_run(
        device,
        TrainConfig(
            steps=steps, batch_size=batch_size, lr_g=1e-3, lr_d=1e-3, loss="non_saturating", log_every=100, seed=0
        ),
    )


WGAN_GP = RECIPES["wgan_gp"]  # the paper's: n_critic 5, lambda 10, Adam 1e-4, betas (0, 0.9)


def plain_wgan_gp_loop(steps, batch_size, device):
    """WGAN-GP as a tutorial writes it: n_critic penalised critic steps, then one generator step."""
    c = WGAN_GP.train
    (penalty_term,) = c.penalties
    G, D = models(device)
    opt_g = torch.optim.Adam(G.parameters(), lr=c.lr_g, betas=(c.beta1, c.beta2))
    opt_d = torch.optim.Adam(D.parameters(), lr=c.lr_d, betas=(c.beta1, c.beta2))
    data, gen = ring_mixture(), torch.Generator().manual_seed(0)
    for _ in range(steps):
        for _ in range(c.d_steps):
            x_real = data.sample(batch_size, gen).to(device)
            with torch.no_grad():
                x_fake = G(torch.randn(batch_size, 2, device=device))
            eps = torch.rand(batch_size, 1, device=device)
            x_hat = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
            (grad,) = torch.autograd.grad(D(x_hat).sum(), x_hat, create_graph=True)
            penalty = ((grad.norm(dim=1) - 1) ** 2).mean()
            d_loss = D(x_fake).mean() - D(x_real).mean() + penalty_term.gp_weight * penalty
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
        g_loss = -D(G(torch.randn(batch_size, 2, device=device))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
    if device.type == "cuda":
        torch.cuda.synchronize()


def ganlib_wgan_gp_loop(steps, batch_size, device):
    _ganlib_run(device, WGAN_GP.config(steps=steps, batch_size=batch_size, log_every=100, seed=0))


def steps_per_second(fn, steps, batch_size, device):
    t0 = time.perf_counter()
    fn(steps, batch_size, device)
    return steps / (time.perf_counter() - t0)


RECIPES = {"non_saturating": (plain_loop, ganlib_loop), "wgan_gp": (plain_wgan_gp_loop, ganlib_wgan_gp_loop)}


def compare(plain_fn, ganlib_fn, args, device):
    for fn in (plain_fn, ganlib_fn):  # warm-up: allocator, kernels, caches
        fn(10, args.batch_size, device)
    plain, ours = [], []
    for _ in range(args.rounds):
        plain.append(steps_per_second(plain_fn, args.steps, args.batch_size, device))
        ours.append(steps_per_second(ganlib_fn, args.steps, args.batch_size, device))
    return plain, ours


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default="non_saturating,wgan_gp", help="comma-separated: non_saturating, wgan_gp")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args(argv)
    recipes = [r.strip() for r in args.recipes.split(",") if r.strip()]
    unknown = [r for r in recipes if r not in RECIPES]
    if unknown or not recipes:
        parser.error(f"unknown recipe(s) {unknown}; choose from {', '.join(RECIPES)}")
    device = torch.device(resolve_device(args.device))
    print(
        f"device {device}, torch threads {torch.get_num_threads()}, batch {args.batch_size}, "
        f"{args.steps} steps x {args.rounds} rounds"
    )
    report = {"device": str(device)}
    for name in recipes:
        plain, ours = compare(*RECIPES[name], args, device)
        p, o = statistics.median(plain), statistics.median(ours)
        ratio = o / p
        print(f"{name}")
        print(f"  plain loop : {p:8.1f} steps/s  (rounds: {', '.join(f'{v:.0f}' for v in plain)})")
        print(f"  ganlib     : {o:8.1f} steps/s  (rounds: {', '.join(f'{v:.0f}' for v in ours)})")
        print(f"  ratio ganlib/plain = {ratio:.3f}  ({'meets' if ratio >= 0.95 else 'MISSES'} the target >= 0.95)")
        report[name] = {
            "plain_steps_per_s": p,
            "ganlib_steps_per_s": o,
            "ratio": ratio,
            "plain_rounds": plain,
            "ganlib_rounds": ours,
        }
    if "non_saturating" in report and "wgan_gp" in report:
        cost = report["non_saturating"]["ganlib_steps_per_s"] / report["wgan_gp"]["ganlib_steps_per_s"]
        print(f"a WGAN-GP generator step (5 penalised critic steps) costs {cost:.1f}x a non-saturating one")
        report["wgan_gp_step_cost_vs_non_saturating"] = cost
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
