"""``python -m ganlib``: list the chapters and execute them with papermill.

A chapter is a notebook ``notebooks/NN_topic.ipynb``. Its parameters, their types, defaults
and allowed ranges are declared in its cell tagged ``parameters``, one a line::

    steps: int = 300  # generator steps; range [1, inf)
    lr: float = 1e-3  # learning rate; range (0, inf)
    device: str = "auto"  # torch device; one of auto|cpu|cuda

The values of each profile (``quick`` for a CPU, ``full`` for paper scale on a GPU) live in one
file, ``notebooks/profiles.yml``. Everything the user asks for is validated before anything runs.

Each executed chapter lands in ``OUT/NN_topic.ipynb`` with ``OUT/NN_topic.results.json``
beside it (schema below). A chapter that raises is kept as ``OUT/failed/NN_topic.ipynb`` and
never replaces an earlier good run. A run whose notebook, parameters and ganlib sources are
unchanged since the last good run is skipped (``--force`` re-executes).

``results.json`` schema (version 2; version 1 lacked ``verdicts``)::

    schema        1
    chapter       "01_information_theory"
    profile       "quick" | "full"
    parameters    {name: value} as injected into the notebook
    device        "cpu" | "cuda"
    versions      {python, torch, ganlib, git_commit}
    started       ISO-8601 time, UTC
    duration_s    wall time of the execution in seconds
    status        "ok" (ran to the end) | "error" (raised; see "error")
    error         null, or the exception's last line
    cache_key     sha256 of notebook, parameters and ganlib sources
    metrics       {name: value} from ganlib.results.record
    checks        [{name, passed, value, expected}] from ganlib.results.check
    verdicts      [{name, holds, value, expected}] from ganlib.results.verdict: empirical
                  claims; "does not hold" is reported, never counted as a failure
"""
from __future__ import annotations

import argparse
import ast
import datetime as dt
import hashlib
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import __version__
from .results import RESULTS_ENV
from .runtime import resolve_device

__all__ = ["main", "Chapter", "Param", "discover", "RESULTS_SCHEMA", "UsageError"]

RESULTS_SCHEMA = 2
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NOTEBOOKS = ROOT / "notebooks"
PROFILES = ("quick", "full")
_TYPES = {"int": int, "float": float, "bool": bool, "str": str}


class UsageError(Exception):
    """Bad input from the user: reported as one line, nothing executed."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # int | float | bool | str
    default: object
    help: str = ""
    low: float | None = None  # bounds of "range [low, high]" in the declaration
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple | None = None  # from "one of a|b|c"

    def range_text(self):
        if self.choices:
            return "|".join(self.choices)
        if self.low is None and self.high is None:
            return ""
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        return f"{'(' if self.low_open else '['}{lo}, {hi}{')' if self.high_open else ']'}"

    def coerce(self, value, source):
        """``value`` checked against the declared type, range and choices; ``source`` names it."""
        where = f"parameter {self.name!r} ({source})"
        if self.type == "str":
            value = value if isinstance(value, str) else str(value)
        elif self.type == "bool":
            if not isinstance(value, bool):
                raise UsageError(f"{where}: expected a bool (true/false), got {value!r}")
        elif self.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise UsageError(f"{where}: expected an int, got {value!r}")
        elif self.type == "float":
            if isinstance(value, str) and _FLOAT.fullmatch(value.strip()):
                value = float(value)  # YAML 1.1 reads 1e-3 as text; a number was meant
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise UsageError(f"{where}: expected a float, got {value!r}")
            value = float(value)
            if not math.isfinite(value):
                raise UsageError(f"{where}: expected a finite float, got {value!r}")
        if self.choices and value not in self.choices:
            raise UsageError(f"{where}: {value!r} is not one of {', '.join(self.choices)}")
        if self.type in ("int", "float"):
            too_low = self.low is not None and (value <= self.low if self.low_open else value < self.low)
            too_high = self.high is not None and (value >= self.high if self.high_open else value > self.high)
            if too_low or too_high:
                raise UsageError(f"{where}: {value!r} is outside the allowed range {self.range_text()}")
        return value


_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_RANGE = re.compile(r"range\s*([\[(])\s*([^,\])]*)\s*,\s*([^\])]*)\s*([\])])")
_CHOICES = re.compile(r"one of\s+([\w.-]+(?:\|[\w.-]+)+)")


def _bound(text):
    text = text.strip()
    return None if text in ("", "inf", "-inf", "+inf") else float(text)


def _parse_param(name, info):
    type_name = info.get("inferred_type_name") or "None"
    if type_name not in _TYPES:
        raise UsageError(f"parameter {name!r} declares type {type_name!r}; use int, float, bool or str")
    try:
        default = ast.literal_eval(info["default"])
    except (ValueError, SyntaxError):
        raise UsageError(f"parameter {name!r}: default {info['default']!r} is not a literal") from None
    text = info.get("help") or ""
    kw = {}
    if m := _RANGE.search(text):
        kw = dict(low=_bound(m[2]), high=_bound(m[3]), low_open=m[1] == "(", high_open=m[4] == ")")
    if m := _CHOICES.search(text):
        kw["choices"] = tuple(m[1].split("|"))
    return Param(name, type_name, default, text, **kw)


@dataclass(frozen=True)
class Chapter:
    name: str  # the notebook's stem, e.g. "01_information_theory"
    path: Path
    title: str
    params: dict  # name -> Param
    profiles: dict  # profile -> {name: value}

    def resolve(self, profile, overrides):
        """The validated parameter values for ``profile`` plus the user's ``overrides``."""
        values = {n: p.default for n, p in self.params.items()}
        for source, given in ((f"profile {profile!r}", self.profiles.get(profile, {})), ("-p", overrides)):
            for name, value in given.items():
                if name not in self.params:
                    raise UsageError(f"{self.name}: unknown parameter {name!r} ({source}); "
                                     f"known: {', '.join(self.params)}")
                values[name] = self.params[name].coerce(value, f"{self.name}, {source}")
        return values


def _title(nb):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def discover(notebooks_dir=DEFAULT_NOTEBOOKS):
    """All chapters of ``notebooks_dir`` (``NN_*.ipynb``) with their profiles, in order."""
    import nbformat
    import papermill

    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise UsageError(f"no notebooks folder at {notebooks_dir}")
    profiles_path = notebooks_dir / "profiles.yml"
    profiles = yaml.safe_load(profiles_path.read_text()) if profiles_path.exists() else {}
    chapters = {}
    for path in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        params = {n: _parse_param(n, info) for n, info in papermill.inspect_notebook(str(path)).items()}
        chapter = Chapter(path.stem, path, _title(nb), params, (profiles or {}).get(path.stem, {}) or {})
        for profile, values in chapter.profiles.items():
            if profile not in PROFILES:
                raise UsageError(f"{profiles_path}: {path.stem} has unknown profile {profile!r}")
            chapter.resolve(profile, {})  # a broken profile file is reported before anything runs
        chapters[path.stem] = chapter
    return chapters


def _select(chapters, names):
    if not names:
        return list(chapters.values())
    chosen = []
    for name in names:
        hits = [c for n, c in chapters.items() if n == name or n.split("_", 1)[0] == name or n.split("_", 1)[1] == name]
        if len(hits) != 1:
            raise UsageError(f"unknown chapter {name!r}; choose from: {', '.join(chapters) or '(none found)'}")
        chosen.append(hits[0])
    return chosen


def _parse_overrides(pairs):
    out = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"-p expects NAME=VALUE, got {pair!r}")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            raise UsageError(f"-p {name}: {text!r} is not a valid YAML scalar") from None
        if isinstance(value, (list, dict)) or (value is None and text.strip() not in ("", "null", "~")):
            raise UsageError(f"-p {name}: expected a single scalar value, got {text!r}")
        if value is None:
            raise UsageError(f"-p {name}: a value is required")
        out[name.strip()] = value
    return out


def _sources_digest():
    h = hashlib.sha256()
    for path in sorted((ROOT / "ganlib").rglob("*.py")):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(chapter, profile, params):
    h = hashlib.sha256()
    h.update(chapter.path.read_bytes())
    h.update(json.dumps({"profile": profile, "parameters": params}, sort_keys=True).encode())
    h.update(_sources_digest().encode())
    return h.hexdigest()


def _git_commit():
    """HEAD's hash, with "-dirty" when tracked files differ from it; None outside a checkout."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return head.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _versions():
    import torch

    return {"python": platform.python_version(), "torch": torch.__version__, "ganlib": __version__,
            "git_commit": _git_commit()}


def _read_entries(path):
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


def _write_json(path, obj):
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(obj, indent=2, allow_nan=True) + "\n")
    os.replace(tmp, path)


def run_chapter(chapter, profile, params, out_dir, key, progress=True):
    """Execute one chapter; returns its results dict. Good runs replace OUT/NAME.*, bad ones go to OUT/failed/."""
    import papermill

    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{chapter.name}-", dir=out_dir))
    executed, entries = work / f"{chapter.name}.ipynb", work / "entries.jsonl"
    results = {"schema": RESULTS_SCHEMA, "chapter": chapter.name, "profile": profile, "parameters": params,
               "device": params.get("device", "cpu"), "versions": _versions(),
               "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "duration_s": None, "status": "ok", "error": None, "cache_key": key}
    old_env = os.environ.get(RESULTS_ENV)
    os.environ[RESULTS_ENV] = str(entries)
    t0 = time.perf_counter()
    try:
        papermill.execute_notebook(str(chapter.path), str(executed), parameters=params, kernel_name="python3",
                                   progress_bar=progress, cwd=str(work), log_output=False)
    except Exception as exc:  # the notebook raised, or the kernel died: keep it for inspection
        results["status"] = "error"
        results["error"] = (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:500]
    finally:
        results["duration_s"] = round(time.perf_counter() - t0, 2)
        if old_env is None:
            os.environ.pop(RESULTS_ENV, None)
        else:
            os.environ[RESULTS_ENV] = old_env
    results["metrics"], results["checks"], results["verdicts"] = _read_entries(entries)
    dest = out_dir if results["status"] == "ok" else out_dir / "failed"
    dest.mkdir(parents=True, exist_ok=True)
    if executed.exists():
        os.replace(executed, dest / executed.name)
    _write_json(dest / f"{chapter.name}.results.json", results)
    shutil.rmtree(work, ignore_errors=True)
    return results


def _cached(out_dir, chapter, key):
    path = out_dir / f"{chapter.name}.results.json"
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    good = old.get("cache_key") == key and old.get("status") == "ok"
    return old if good and (out_dir / f"{chapter.name}.ipynb").exists() else None


def _summary(rows):
    head = ("chapter", "status", "time", "checks passed/failed")
    table = [head] + [(r["chapter"], r["status_text"], f"{r['duration_s']:.1f} s" if r["duration_s"] is not None else "-",
                       f"{sum(c['passed'] for c in r['checks'])}/{sum(not c['passed'] for c in r['checks'])}")
                      for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in table)


def cmd_list(args):
    chapters = discover(args.notebooks)
    for chapter in chapters.values():
        print(f"{chapter.name}: {chapter.title}")
        rows = [("parameter", "type", "default", *PROFILES, "range", "help")]
        for p in chapter.params.values():
            per_profile = [repr(chapter.profiles.get(prof, {}).get(p.name, p.default)) for prof in PROFILES]
            rows.append((p.name, p.type, repr(p.default), *per_profile, p.range_text(), p.help.split(";")[0]))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        for r in rows:
            print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
        print()
    return 0


def _device(name):
    try:
        return resolve_device(name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def cmd_run(args):
    chapters = discover(args.notebooks)
    selected = _select(chapters, args.chapters)
    overrides = _parse_overrides(args.param)
    unknown = [k for k in overrides if not any(k in c.params for c in selected)]
    if unknown:
        raise UsageError(f"unknown parameter {unknown[0]!r} for {', '.join(c.name for c in selected)}")
    plans = []
    for chapter in selected:
        params = chapter.resolve(args.profile, {k: v for k, v in overrides.items() if k in chapter.params})
        if "device" in chapter.params:
            params["device"] = _device(args.device or params["device"])
        plans.append((chapter, params))
    out_dir = Path(args.out).resolve()
    rows, failures = [], 0
    from tqdm import tqdm

    for chapter, params in tqdm(plans, desc="chapters", disable=len(plans) < 2 or args.quiet):
        key = cache_key(chapter, args.profile, params)
        cached = None if args.force else _cached(out_dir, chapter, key)
        if cached:
            result, status_text = cached, "cached"
        else:
            print(f"running {chapter.name} ({args.profile} profile)", file=sys.stderr, flush=True)
            result = run_chapter(chapter, args.profile, params, out_dir, key, progress=not args.quiet)
            status_text = result["status"] if result["status"] == "ok" else f"error: {result['error']}"
        failed_checks = sum(not c["passed"] for c in result["checks"])
        failures += (result["status"] != "ok") + (0 if args.no_fail_checks else failed_checks)
        rows.append({**result, "status_text": status_text})
    print(_summary(rows))
    for r in rows:
        if r["status"] != "ok":
            print(f"{r['chapter']}: failed notebook kept at {out_dir / 'failed' / (r['chapter'] + '.ipynb')}")
    return min(failures, 100)


def render_report(out_dir):
    """A Markdown page on the runs in ``out_dir``: what ran, where, with what, for how long, verdicts."""
    out_dir = Path(out_dir)
    runs = [json.loads(p.read_text()) for p in sorted(out_dir.glob("[0-9][0-9]_*.results.json"))]
    lines = ["# How these chapters were run", "",
             "Written by `python -m ganlib report` from the `results.json` that each run left beside its",
             "executed notebook: the profile and parameters, the device and versions, the wall time, and",
             "the verdict of every check. Timings are of the machine that built this copy of the book.",
             "A *check* is a fact our code must reproduce (a failure is a bug); an *empirical claim* is",
             "a paper's or the notes' claim judged by an experiment, and either verdict is a result.", "",
             "| chapter | profile | device | started (UTC) | time | checks passed | checks failed | claims holding |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in runs:
        passed = sum(c["passed"] for c in r["checks"])
        started = r["started"][:16].replace("T", " ")
        claims = r.get("verdicts", [])
        held = f"{sum(c['holds'] for c in claims)} of {len(claims)}" if claims else "-"
        lines.append(f"| {r['chapter']} | {r['profile']} | {r['device']} | {started} | {r['duration_s']:.1f} s "
                     f"| {passed} | {len(r['checks']) - passed} | {held} |")
    for r in runs:
        v = r["versions"]
        lines += ["", f"## {r['chapter']}", "",
                  f"python {v['python']}, torch {v['torch']}, ganlib {v['ganlib']}, commit `{v['git_commit']}`", "",
                  "Parameters: " + ", ".join(f"`{k}={v_!r}`" for k, v_ in r["parameters"].items()), "",
                  "| check | verdict | measured | expected |", "| --- | --- | --- | --- |"]
        for c in r["checks"]:
            lines.append(f"| {_cell(c['name'])} | {'PASS' if c['passed'] else 'FAIL'} "
                         f"| {_cell(c['value'])} | {_cell(c['expected'])} |")
        if r.get("verdicts"):
            lines += ["", "| empirical claim | verdict | measured | claim |", "| --- | --- | --- | --- |"]
            for c in r["verdicts"]:
                lines.append(f"| {_cell(c['name'])} | {'holds' if c['holds'] else 'does not hold'} "
                             f"| {_cell(c['value'])} | {_cell(c['expected'])} |")
    return "\n".join(lines) + "\n"


def _cell(value):
    from .results import _fmt

    return "" if value is None else _fmt(value).replace("|", "\\|")


def cmd_report(args):
    text = render_report(args.runs)
    if args.output:
        out = Path(args.output)
        if not out.exists() or out.read_text() != text:  # untouched pages are not rebuilt
            out.write_text(text)
    else:
        print(text, end="")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m ganlib", description="List and run the GAN book's chapters.")
    parser.add_argument("--notebooks", default=str(DEFAULT_NOTEBOOKS), help="folder of chapter notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="chapters with their parameters, types, defaults and profile values")
    run = sub.add_parser("run", help="execute chapters with papermill")
    run.add_argument("chapters", nargs="*", help="names (01_information_theory), numbers (01) or topics; default all")
    run.add_argument("--profile", choices=PROFILES, default="quick")
    run.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                     help="override a parameter (value parsed as a YAML scalar); repeatable")
    run.add_argument("--device", choices=("auto", "cpu", "cuda"), default=None,
                     help="torch device for chapters that take one (default: the profile's)")
    run.add_argument("--out", default="runs", help="folder for executed notebooks and results (default: runs)")
    run.add_argument("--force", action="store_true", help="re-execute even when the cache says nothing changed")
    run.add_argument("--no-fail-checks", action="store_true",
                     help="exit 0 when checks fail (errors still count); failed checks stay in results.json")
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    report = sub.add_parser("report", help="a Markdown page on the runs in a folder (for the book)")
    report.add_argument("runs", help="folder that `run --out` wrote")
    report.add_argument("-o", "--output", help="write the page here instead of printing it")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            return cmd_list(args)
        if args.command == "report":
            return cmd_report(args)
        return cmd_run(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
