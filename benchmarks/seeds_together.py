"""Seeds trained together (ganlib.vectorised) against the process pool (ganlib.study.run_study).

Chapter 3's ring run at its quick settings (8-mode ring with std 0.1, MLPs of 2 hidden layers
of 64, 800 generator steps, the non-saturating loss, Adam 2e-3 with beta1 0.5) for 10 and 50
seeds, both ways on the same cores (``--workers``, default every core):

- pool: one :class:`ganlib.runs.MixtureRun` per seed through ``run_study``, one process per core;
- together: ``run_seeds_together``, the seeds cut into one group per core, each group one batched
  model in one process.

Prints seeds per second of each, their ratio (target >= 3 on 2 cores), the machine's load
average before and after (the cores may be shared), and the mean final modes and high-quality
share of each, which should agree within noise. The pool is started (and warmed with one short
run) before timing, so neither side pays the workers' start-up.

    python benchmarks/seeds_together.py [--seeds 10,50] [--steps 800] [--workers N] [--loss non_saturating]
                                        [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace

import numpy as np

from ganlib.batch import default_workers
from ganlib.runs import MixtureRun
from ganlib.study import run_study
from ganlib.vectorised import run_seeds_together


def ring_spec(steps, loss):
    return MixtureRun(dataset="ring", std=0.1, hidden=64, depth=2, steps=steps, loss=loss)


def summary(results):
    ended = [r for r in results if r["final_modes"] is not None]
    return {
        "final_modes": float(np.mean([r["final_modes"] for r in ended])) if ended else None,
        "final_hq": float(np.mean([r["final_hq"] for r in ended])) if ended else None,
        "diverged": len(results) - len(ended),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="10,50", help="comma-separated seed counts")
    parser.add_argument("--steps", type=int, default=800)
    parser.add_argument("--workers", type=int, default=None, help="cores for both sides (default: every core)")
    parser.add_argument("--loss", default="non_saturating")
    parser.add_argument("--json", default=None, help="also write the numbers to this file")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.seeds.split(",") if n.strip()]
    if not counts or min(counts) < 1:
        parser.error(f"--seeds needs positive counts, got {args.seeds!r}")
    workers = args.workers or default_workers()
    spec = ring_spec(args.steps, args.loss)
    print(f"ring run, {args.steps} steps, loss {args.loss}, {workers} core(s); load before: {os.getloadavg()}")
    run_study([ring_spec(10, args.loss)] * workers, workers=workers, desc="warm-up")  # start the pool
    rows = []
    for n in counts:
        seeds = list(range(n))
        t0 = time.perf_counter()
        pool = run_study([replace(spec, seed=s) for s in seeds], workers=workers, desc="pool")
        t_pool = time.perf_counter() - t0
        t0 = time.perf_counter()
        together = run_seeds_together(spec, seeds, workers=workers)
        t_together = time.perf_counter() - t0
        row = {
            "seeds": n,
            "pool_seeds_per_s": n / t_pool,
            "together_seeds_per_s": n / t_together,
            "ratio": t_pool / t_together,
            "pool": summary(pool),
            "together": summary(together),
            "load": os.getloadavg(),
        }
        rows.append(row)
        print(
            f"{n:3d} seeds: pool {row['pool_seeds_per_s']:.3f} seeds/s ({t_pool:.1f} s), together "
            f"{row['together_seeds_per_s']:.3f} seeds/s ({t_together:.1f} s), ratio {row['ratio']:.2f}x; "
            f"final modes {row['pool']['final_modes']:.2f} vs {row['together']['final_modes']:.2f}, "
            f"HQ {row['pool']['final_hq']:.3f} vs {row['together']['final_hq']:.3f}; load {row['load']}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"steps": args.steps, "workers": workers, "loss": args.loss, "rows": rows}, f, indent=1)
    return rows


if __name__ == "__main__":
    main()
