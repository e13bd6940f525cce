"""Execution: one chapter run by papermill, its recorded entries gathered into ``results.json``.

A good run replaces ``OUT/NAME.ipynb`` and ``OUT/NAME.results.json``; a chapter that raises is
kept as ``OUT/failed/NAME.ipynb`` and never replaces an earlier good run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from ganlib.results import RESULTS_ENV

from .cache import versions

__all__ = ["RESULTS_SCHEMA", "read_entries", "run_chapter", "write_json"]

RESULTS_SCHEMA = 2


def read_entries(path):
    """``(metrics, checks, verdicts)`` from the JSON lines that ganlib.results appended to ``path``."""
    metrics, checks, verdicts = {}, [], []
    if path.exists():
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            if entry["kind"] == "metric":
                metrics[entry["name"]] = entry["value"]
            elif entry["kind"] == "verdict":
                verdicts.append({k: entry[k] for k in ("name", "holds", "value", "expected")})
            else:
                checks.append({k: entry[k] for k in ("name", "passed", "value", "expected")})
    return metrics, checks, verdicts


def write_json(path, obj):
    """``obj`` written to ``path`` as indented JSON, atomically."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(obj, indent=2, allow_nan=True) + "\n")
    os.replace(tmp, path)


def run_chapter(chapter, profile, params, out_dir, key, progress=True):
    """Execute one chapter; returns its results dict. Good runs replace OUT/NAME.*, bad ones go to OUT/failed/."""
    import papermill

    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{chapter.name}-", dir=out_dir))
    executed, entries = work / f"{chapter.name}.ipynb", work / "entries.jsonl"
    results = {
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
    old_env = os.environ.get(RESULTS_ENV)
    os.environ[RESULTS_ENV] = str(entries)
    t0 = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(chapter.path),
            str(executed),
            parameters=params,
            kernel_name="python3",
            progress_bar=progress,
            cwd=str(work),
            log_output=False,
        )
    except Exception as exc:  # the notebook raised, or the kernel died: keep it for inspection
        results["status"] = "error"
        results["error"] = (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:500]
    finally:
        results["duration_s"] = round(time.perf_counter() - t0, 2)
        if old_env is None:
            os.environ.pop(RESULTS_ENV, None)
        else:
            os.environ[RESULTS_ENV] = old_env
    results["metrics"], results["checks"], results["verdicts"] = read_entries(entries)
    dest = out_dir if results["status"] == "ok" else out_dir / "failed"
    dest.mkdir(parents=True, exist_ok=True)
    if executed.exists():
        os.replace(executed, dest / executed.name)
    write_json(dest / f"{chapter.name}.results.json", results)
    shutil.rmtree(work, ignore_errors=True)
    return results
