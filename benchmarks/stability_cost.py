"""Cost of chapter 3's stability study: seconds per run, and what running runs side by side buys.

A run is one :class:`ganlib.runs.MixtureRun` as the chapter's quick profile sets it (the
8-mode ring with std 0.1, MLPs of 2 x 64, 800 generator steps, 8 scorings of 2,500 samples).
The benchmark times

- a batch of ``--runs`` runs through :func:`ganlib.batch.run_batch` in this process (scoring
  included), giving the seconds per run;
- the start of a pool of ``--workers`` processes (paid once per notebook: the pool is kept);
- the same batch on that pool;

and prints them as JSON, with the speed-up of the parallel batch and its efficiency (speed-up
per worker), and whether the parallel results equal the serial ones bit for bit. Targets: a quick run costs
at most 1.5 s on one core, so the quick study (24 runs)
stays near 20 s on 2 cores; parallel efficiency of at least 0.8.

    python benchmarks/stability_cost.py [--runs 8] [--workers 2] [--steps 800]
"""

from __future__ import annotations

import argparse
import json
import time

from ganlib.batch import default_workers, run_batch, shutdown
from ganlib.runs import MixtureRun, run_mixture

MAX_SECONDS_PER_RUN = 1.5
MIN_EFFICIENCY = 0.8


def quick_spec(seed, steps):
    return MixtureRun(dataset="ring", loss="non_saturating", seed=seed, steps=steps, hidden=64, depth=2, std=0.1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8, help="runs per batch (default 8)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="processes of the parallel batch")
    parser.add_argument("--steps", type=int, default=800, help="generator steps per run (quick profile: 800)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.workers < 1 or args.steps < 1:
        parser.error("--runs, --workers and --steps must be >= 1")

    specs = [quick_spec(seed, args.steps) for seed in range(args.runs)]
    run_batch(run_mixture, specs[:1], workers=1)  # warm-up: imports, allocator, first-call costs

    t0 = time.perf_counter()
    serial = run_batch(run_mixture, specs, workers=1)
    serial_s = time.perf_counter() - t0
    workers = min(args.workers, len(specs))
    t0 = time.perf_counter()
    run_batch(run_mixture, [quick_spec(0, 1)] * workers, workers=workers)  # starts the pool's processes
    pool_start_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    parallel = run_batch(run_mixture, specs, workers=workers)
    parallel_s = time.perf_counter() - t0
    shutdown()

    same = all((a["samples"] == b["samples"]).all() for a, b in zip(serial, parallel))
    per_run = serial_s / len(specs)
    speedup = serial_s / parallel_s
    report = {
        "runs": len(specs),
        "steps_per_run": args.steps,
        "workers": workers,
        "seconds_per_run_serial": round(per_run, 3),
        "pool_start_s": round(pool_start_s, 2),
        "batch_serial_s": round(serial_s, 2),
        "batch_parallel_s": round(parallel_s, 2),
        "speedup": round(speedup, 2),
        "efficiency": round(speedup / workers, 2),
        "parallel_equals_serial": bool(same),
        "target_seconds_per_run": MAX_SECONDS_PER_RUN,
        "target_efficiency": MIN_EFFICIENCY,
        "meets_targets": bool(per_run <= MAX_SECONDS_PER_RUN and speedup / workers >= MIN_EFFICIENCY and same),
    }
    print(json.dumps(report, indent=2))
    return 0 if report["meets_targets"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
