"""Sweeps: one chapter executed at every point of a parameter grid, on a Dask cluster.

``python -m ganbook sweep 03 -p study_steps=400,800 -p seed=0..4 --out sweeps/03`` expands the
grid (here 2 x 5 points), checks every point's parameters before anything runs, and executes one
papermill run per point into ``OUT/points/NAME=VALUE,.../`` (each with its executed notebook and
results.json). A point whose results already carry the same cache key is skipped, so a sweep that
was killed resumes where it stopped. Then it writes ``OUT/sweep.md``: per grid axis, a table and a
figure of every scalar metric and of the checks passed, mean and 95% bootstrap interval over the
other axes (the seeds), which the book can include.

The points run on Dask (``dask.distributed``): a ``LocalCluster`` of one-thread worker processes
by default, or an existing cluster given by ``--scheduler ADDRESS``; the same code path either way.
A worker that dies mid-point is replaced and its point rerun elsewhere (Dask's own rescheduling);
a point's results appear only when its run finishes (the runner renames them into place), so every
point ends with exactly one.

Grid grammar, one ``-p`` per axis: ``NAME=V1,V2,...`` lists values; ``NAME=A..B`` is the integers A
to B inclusive; a parameter that is itself a list of choices (``each one of a|b``) takes its values
separated by ``;`` (``-p losses=a,b;a``), since a comma belongs to the value.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .cache import cache_key, cached_result
from .params import UsageError

SWEEP_PAGE = "sweep.md"
_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")


@dataclass(frozen=True)
class Point:
    """One grid point: its axis values as typed (``-p`` texts), its resolved parameters, folder and cache key."""

    values: tuple  # ((name, text), ...) in axis order
    params: dict
    folder: Path
    key: str


def parse_axes(chapter, pairs):
    """``{name: [text, ...]}`` from ``-p NAME=VALUES`` texts; a bad axis is a :class:`UsageError`."""
    if not pairs:
        raise UsageError("a sweep needs at least one axis: -p NAME=V1,V2 or -p NAME=A..B")
    axes = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"-p expects NAME=VALUES, got {pair!r}")
        if name not in chapter.params:
            raise UsageError(f"{chapter.name} has no parameter {name!r}; known: {', '.join(chapter.params)}")
        if name in axes:
            raise UsageError(f"the axis {name!r} is given twice")
        axes[name] = _values(chapter.params[name], name, text)
    return axes


def _values(param, name, text):
    if ".." in text:
        found = _RANGE.match(text)
        if not found or param.type != "int":
            raise UsageError(f"-p {name}={text}: a range is A..B with integers A <= B, for an int parameter")
        low, high = int(found[1]), int(found[2])
        if low > high:
            raise UsageError(f"-p {name}={text}: the range is empty ({low} > {high})")
        return [str(v) for v in range(low, high + 1)]
    values = [v.strip() for v in text.split(";" if param.each else ",")]
    if not all(values):
        raise UsageError(f"-p {name}={text}: an empty value in the list")
    return values


def _folder_name(values):
    text = ",".join(f"{name}={value}" for name, value in values)
    return re.sub(r"[^A-Za-z0-9._=,+-]", "_", text)


def expand(chapter, profile, axes, out_dir, device=None):
    """Every grid point, validated (a bad value anywhere raises before anything runs)."""
    points = []
    for combo in itertools.product(*axes.values()):
        values = tuple(zip(axes, combo))
        params = chapter.resolve(profile, dict(values))
        if "device" in chapter.params and device is not None:
            params["device"] = device
        folder = Path(out_dir) / "points" / _folder_name(values)
        points.append(Point(values, params, folder, cache_key(chapter, profile, params)))
    return points


def run_point(chapter, profile, point):
    """Execute one point unless it is done; returns its results (runs inside a Dask worker)."""
    from .execute import run_chapter

    done = cached_result(point.folder, chapter, point.key)
    if done:
        return {**done, "status_text": "cached"}
    result = run_chapter(chapter, profile, point.params, point.folder, point.key, progress=False)
    return {**result, "status_text": "ok" if result["status"] == "ok" else f"error: {result['error']}"}


def open_client(scheduler=None, workers=2):
    """A Dask client: to the cluster at ``scheduler``, or to a new LocalCluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    )
    return Client(cluster)


def run_sweep(chapter, profile, points, client, on_result=None):
    """Run every point on ``client``'s cluster; the results in the order of ``points``."""
    from distributed import as_completed

    todo = {}
    results = [None] * len(points)
    for i, point in enumerate(points):
        done = cached_result(point.folder, chapter, point.key)
        if done:
            results[i] = {**done, "status_text": "cached"}
        else:
            todo[client.submit(run_point, chapter, profile, point, pure=False, key=f"point-{i}-{point.key[:12]}")] = i
    for future in as_completed(list(todo)):
        i = todo[future]
        results[i] = future.result()
        if on_result:
            on_result(points[i], results[i])
    return results


def _scalars(result):
    """The scalar metrics of one run, and its count of checks passed."""
    out = {k: float(v) for k, v in result.get("metrics", {}).items() if isinstance(v, (int, float))}
    out["checks passed"] = float(sum(bool(c.get("passed")) for c in result.get("checks", [])))
    return {k: v for k, v in out.items() if math.isfinite(v)}


def axis_table(points, results, axis):
    """``{value: {metric: (mean, low, high, n)}}`` over the points at each value of ``axis``."""
    from ganlib.stats import bootstrap_interval

    groups = {}
    for point, result in zip(points, results):
        if result and result.get("status") == "ok":
            groups.setdefault(dict(point.values)[axis], []).append(_scalars(result))
    table = {}
    for value, rows in groups.items():
        table[value] = {}
        for metric in sorted(set().union(*rows)):
            sample = [r[metric] for r in rows if metric in r]
            mean = sum(sample) / len(sample)
            if len(sample) >= 2 and max(sample) > min(sample):
                mean, (low, high) = bootstrap_interval(sample, "mean")
            else:  # one point, or all equal: no spread to resample
                low = high = mean
            table[value][metric] = (mean, low, high, len(sample))
    return table


def write_page(chapter, profile, axes, points, results, out_dir):
    """``OUT/sweep.md``: the grid, the points' status, and per axis a table and a figure; returns its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    ok = sum(1 for r in results if r and r.get("status") == "ok")
    lines = [
        f"# Sweep of {chapter.name} ({profile} profile)",
        "",
        f"{len(points)} points ({ok} ok): " + " x ".join(f"`{a}` in {{{', '.join(v)}}}" for a, v in axes.items()) + ".",
        "Each value of an axis below pools the points of every other axis (mean, 95% bootstrap interval, n).",
    ]
    for axis in axes:
        table = axis_table(points, results, axis)
        if not table:
            continue
        metrics = sorted(set().union(*(t.keys() for t in table.values())))
        lines += [
            "",
            f"## {axis}",
            "",
            "| " + axis + " | " + " | ".join(metrics) + " |",
            "|---" * (len(metrics) + 1) + "|",
        ]
        for value in axes[axis]:
            cells = [
                f"{m:.4g} [{lo:.4g}, {hi:.4g}] (n={n})" if metric in table.get(value, {}) else ""
                for metric in metrics
                for m, lo, hi, n in [table.get(value, {}).get(metric, (0, 0, 0, 0))]
            ]
            lines.append(f"| {value} | " + " | ".join(cells) + " |")
        fig, axs = plt.subplots(1, len(metrics), figsize=(3.2 * len(metrics), 2.8), squeeze=False)
        for ax, metric in zip(axs[0], metrics):
            xs = [v for v in axes[axis] if metric in table.get(v, {})]
            mean, low, high = ([table[v][metric][j] for v in xs] for j in range(3))
            ax.errorbar(
                range(len(xs)),
                mean,
                yerr=[[m - lo for m, lo in zip(mean, low)], [h - m for m, h in zip(mean, high)]],
                fmt="o-",
                capsize=3,
            )
            ax.set(xticks=range(len(xs)), xticklabels=xs, xlabel=axis, ylabel=metric, title=metric)
        fig.tight_layout()
        figure = f"sweep_{re.sub(r'[^A-Za-z0-9_]', '_', axis)}.png"
        fig.savefig(out_dir / figure, dpi=90)
        plt.close(fig)
        lines += ["", f"![{axis}]({figure})"]
    (out_dir / SWEEP_PAGE).write_text("\n".join(lines) + "\n")
    (out_dir / "sweep.json").write_text(
        json.dumps(
            {
                "chapter": chapter.name,
                "profile": profile,
                "axes": axes,
                "points": [
                    {
                        "values": dict(p.values),
                        "folder": str(p.folder.relative_to(out_dir)),
                        "status": (r or {}).get("status"),
                    }
                    for p, r in zip(points, results)
                ],
            },
            indent=1,
        )
    )
    return out_dir / SWEEP_PAGE
