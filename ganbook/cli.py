"""The command line, ``python -m ganbook``: the ``list``, ``run`` and ``report`` commands.

Everything the user asks for is validated before anything runs; bad input is one line on
stderr and exit status 2. ``run`` exits with the number of chapters that raised plus, unless
``--no-fail-checks``, the number of failed checks (at most 100).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ganlib.runtime import resolve_device

from .cache import cache_key, cached_result
from .chapters import DEFAULT_NOTEBOOKS, PROFILES, discover, select_chapters
from .execute import run_chapter
from .params import UsageError, parse_overrides
from .report import render_report

__all__ = ["build_parser", "main"]


def _notebooks_dir(args):
    """The notebooks folder asked for (default: ``notebooks`` under the working directory)."""
    folder = Path(args.notebooks).resolve()
    if not folder.is_dir():
        raise UsageError(f"no notebooks folder at {folder}; run from the book's folder or pass --notebooks DIR")
    return folder


def _summary(rows):
    head = ("chapter", "status", "time", "checks passed/failed")
    table = [head] + [
        (
            r["chapter"],
            r["status_text"],
            f"{r['duration_s']:.1f} s" if r["duration_s"] is not None else "-",
            f"{sum(c['passed'] for c in r['checks'])}/{sum(not c['passed'] for c in r['checks'])}",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in table)


def cmd_list(args):
    """Print every chapter with its parameters: type, default, value per profile, range, help."""
    chapters = discover(_notebooks_dir(args))
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
    """Validate every chapter's parameters, then execute those whose cache is stale; print a summary."""
    chapters = discover(_notebooks_dir(args))
    selected = select_chapters(chapters, args.chapters)
    overrides = parse_overrides(args.param)
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
        cached = None if args.force else cached_result(out_dir, chapter, key)
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


def cmd_report(args):
    """Print the run-report page of a folder, or write it to ``-o`` when its text changed."""
    text = render_report(args.runs)
    if args.output:
        out = Path(args.output)
        if not out.exists() or out.read_text() != text:  # untouched pages are not rebuilt
            out.write_text(text)
    else:
        print(text, end="")
    return 0


def build_parser():
    """The argument parser of ``python -m ganbook``."""
    notebooks_help = f"folder of chapter notebooks and profiles.yml (default: ./{DEFAULT_NOTEBOOKS})"
    parser = argparse.ArgumentParser(prog="python -m ganbook", description="List and run the GAN book's chapters.")
    parser.add_argument("--notebooks", metavar="DIR", default=str(DEFAULT_NOTEBOOKS), help=notebooks_help)
    sub = parser.add_subparsers(dest="command", required=True)
    list_ = sub.add_parser("list", help="chapters with their parameters, types, defaults and profile values")
    run = sub.add_parser("run", help="execute chapters with papermill")
    for command in (list_, run):  # also accepted after the command; SUPPRESS keeps a value given before it
        command.add_argument("--notebooks", metavar="DIR", default=argparse.SUPPRESS, help=notebooks_help)
    run.add_argument("chapters", nargs="*", help="names (01_information_theory), numbers (01) or topics; default all")
    run.add_argument("--profile", choices=PROFILES, default="quick")
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (value parsed as a YAML scalar); repeatable",
    )
    run.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default=None,
        help="torch device for chapters that take one (default: the profile's)",
    )
    run.add_argument("--out", default="runs", help="folder for executed notebooks and results (default: runs)")
    run.add_argument("--force", action="store_true", help="re-execute even when the cache says nothing changed")
    run.add_argument(
        "--no-fail-checks",
        action="store_true",
        help="exit 0 when checks fail (errors still count); failed checks stay in results.json",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    report = sub.add_parser("report", help="a Markdown page on the runs in a folder (for the book)")
    report.add_argument("runs", help="folder that `run --out` wrote")
    report.add_argument("-o", "--output", help="write the page here instead of printing it")
    return parser


def main(argv=None):
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
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
