"""Execution: one chapter run by papermill, its recorded entries gathered into ``results.json``.

A good run replaces ``OUT/NAME.ipynb`` and ``OUT/NAME.results.json``; a chapter that raises is
kept as ``OUT/failed/NAME.ipynb`` (with the kernel's own log, ``NAME.kernel.log``) and never
replaces an earlier good run. A chapter runs in a hidden work folder inside OUT, removed however
the run ends; only a runner killed outright (SIGKILL) leaves it, for the next run to remove
(:mod:`ganbook.lock`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import signal
import tempfile
import time
from pathlib import Path

from ganlib.batch import PROGRESS_ENV
from ganlib.results import JUDGEMENT_FIELDS, RESULTS_ENV, outcome

from .cache import versions
from .kernel import kernel_manager
from .page import prepare_page
from .progress import BatchProgress

__all__ = ["RESULTS_SCHEMA", "read_entries", "run_chapter", "write_json"]

RESULTS_SCHEMA = 4
_ENTRIES, _PROGRESS, _KERNEL_LOG = "entries.jsonl", "progress.jsonl", "kernel.log"
_VERDICT_FIELDS = ("name", "outcome", "holds", "value", "expected", *JUDGEMENT_FIELDS)


def read_entries(path):
    """``(metrics, checks, verdicts)`` from the JSON lines that ganlib.results appended to ``path``."""
    metrics, checks, verdicts = {}, [], []
    if path.exists():
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            if entry["kind"] == "metric":
                metrics[entry["name"]] = entry["value"]
            elif entry["kind"] == "verdict":
                verdicts.append({k: entry.get(k) for k in _VERDICT_FIELDS} | {"outcome": outcome(entry)})
            else:
                checks.append({k: entry[k] for k in ("name", "passed", "value", "expected")})
    return metrics, checks, verdicts


def finite_json(obj):
    """``obj`` with every non-finite float as the string ``"inf"``, ``"-inf"`` or ``"nan"`` (strict JSON has none)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {k: finite_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_json(v) for v in obj]
    return obj


def write_json(path, obj):
    """``obj`` written to ``path`` as indented, strict JSON (see :func:`finite_json`), atomically.

    The temporary file has a fresh random name, created exclusively: a link planted at a fixed name
    cannot redirect the write, and two runs writing the same file do not collide.
    """
    path = Path(path)
    text = json.dumps(finite_json(obj), indent=2, allow_nan=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            os.fchmod(f.fileno(), 0o644)  # mkstemp makes it private; results are for everyone to read
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def run_chapter(chapter, profile, params, out_dir, key, progress=True):
    """Execute one chapter; returns its results dict. Good runs replace OUT/NAME.*, bad ones go to OUT/failed/."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results = _new_results(chapter, profile, params, key)
    with tempfile.TemporaryDirectory(prefix=f".{chapter.name}-", dir=out_dir, ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        try:
            _execute(chapter, params, work, progress)
        except Exception as exc:  # the notebook raised, or the kernel died: keep it for inspection
            results.update(status="error", error=_last_line(exc))
        results["duration_s"] = round(time.perf_counter() - t0, 2)
        results["metrics"], results["checks"], results["verdicts"] = read_entries(work / _ENTRIES)
        if results["status"] == "ok":
            prepare_page(work / f"{chapter.name}.ipynb", chapter, results)
        with _signals_held():
            _keep(results, work, out_dir, chapter.name)
    return results


def _new_results(chapter, profile, params, key):
    return {
        "schema": RESULTS_SCHEMA,
        "chapter": chapter.name,
        "profile": profile,
        "parameters": params,
        "device": params.get("device", "cpu"),
        "versions": versions(chapter.path.parent),
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "duration_s": None,
        "status": "ok",
        "error": None,
        "cache_key": key,
    }


def _execute(chapter, params, work, progress):
    """papermill runs the chapter in ``work``; the kernel and ganlib write their records there."""
    import papermill

    env = {RESULTS_ENV: str(work / _ENTRIES), PROGRESS_ENV: str(work / _PROGRESS)}
    with _environment(env), BatchProgress(work / _PROGRESS, show=progress), kernel_manager(work / _KERNEL_LOG) as km:
        papermill.execute_notebook(
            str(chapter.path),
            str(work / f"{chapter.name}.ipynb"),
            parameters=params,
            kernel_name="python3",
            progress_bar=progress,
            cwd=str(work),
            log_output=False,
            kernel_manager_class=km,
        )


def _last_line(exc):
    return (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:500]


def _keep(results, work, out_dir, name):
    """Move the executed notebook and write results.json: into ``out_dir`` when good, else ``out_dir/failed``."""
    good = results["status"] == "ok"
    dest = out_dir if good else out_dir / "failed"
    dest.mkdir(parents=True, exist_ok=True)
    executed, log = work / f"{name}.ipynb", work / _KERNEL_LOG
    if executed.exists():
        os.replace(executed, dest / executed.name)
    if not good and log.exists():
        os.replace(log, dest / f"{name}.kernel.log")
    write_json(dest / f"{name}.results.json", results)


@contextlib.contextmanager
def _environment(values):
    """Set the environment variables ``values`` (inherited by the kernel) for the block, then restore them."""
    old = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _signals_held():
    """Hold Ctrl-C and SIGTERM back for the block: a run stopped between its two renames would pair
    a new notebook with old results. They are delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
