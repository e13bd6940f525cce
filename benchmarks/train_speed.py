"""ganlib.train_gan against a plain hand-written PyTorch loop: steps per second of each.

Both train the same MLP generator and discriminator (3 hidden layers of 128) on the 8-Gaussian
ring with the non-saturating loss and Adam, one discriminator step per generator step, in one
process. Rounds alternate between the two so that machine noise hits both alike; the median
round counts. Target: ratio ganlib / plain >= 0.95 (our abstraction must not cost speed).

    python benchmarks/train_speed.py [--steps 300] [--rounds 5] [--batch-size 256] [--device cpu]
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
        d_loss = (F.binary_cross_entropy_with_logits(D(x_real), ones)
                  + F.binary_cross_entropy_with_logits(D(x_fake.detach()), zeros))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.binary_cross_entropy_with_logits(D(x_fake), ones)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
    if device.type == "cuda":
        torch.cuda.synchronize()


def ganlib_loop(steps, batch_size, device):
    G, D = models(device)
    cfg = TrainConfig(steps=steps, batch_size=batch_size, lr_g=1e-3, lr_d=1e-3, loss="non_saturating",
                      log_every=100, seed=0)
    train_gan(G, D, ring_mixture().sample, cfg, device=device, progress=False)
    if device.type == "cuda":
        torch.cuda.synchronize()


def steps_per_second(fn, steps, batch_size, device):
    t0 = time.perf_counter()
    fn(steps, batch_size, device)
    return steps / (time.perf_counter() - t0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args(argv)
    device = torch.device(resolve_device(args.device))
    for fn in (plain_loop, ganlib_loop):  # warm-up: allocator, kernels, caches
        fn(20, args.batch_size, device)
    plain, ours = [], []
    for _ in range(args.rounds):
        plain.append(steps_per_second(plain_loop, args.steps, args.batch_size, device))
        ours.append(steps_per_second(ganlib_loop, args.steps, args.batch_size, device))
    p, o = statistics.median(plain), statistics.median(ours)
    ratio = o / p
    print(f"device {device}, torch threads {torch.get_num_threads()}, batch {args.batch_size}, "
          f"{args.steps} steps x {args.rounds} rounds")
    print(f"plain loop : {p:8.1f} steps/s  (rounds: {', '.join(f'{v:.0f}' for v in plain)})")
    print(f"ganlib     : {o:8.1f} steps/s  (rounds: {', '.join(f'{v:.0f}' for v in ours)})")
    print(f"ratio ganlib/plain = {ratio:.3f}  ({'meets' if ratio >= 0.95 else 'MISSES'} the target >= 0.95)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": str(device), "plain_steps_per_s": p, "ganlib_steps_per_s": o, "ratio": ratio,
                       "plain_rounds": plain, "ganlib_rounds": ours}, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
