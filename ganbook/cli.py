"""The command line, ``python -m ganbook``: the ``list``, ``run``, ``sweep`` and ``report`` commands.

Everything the user asks for is validated before anything runs; bad input is one line on
stderr. The exit status says what happened (:data:`EXIT_CODES`, also in ``--help``): 0 all
good, 1 a check failed, 2 bad input (nothing ran), 3 a chapter raised, 4 another run holds the
output folder, 128 + the signal's number when interrupted (130 for Ctrl-C, 143 for SIGTERM).
An interrupted run discards the chapter it was running, kernel and worker processes included,
and keeps every earlier result.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from ganlib.results import format_value
from ganlib.runtime import resolve_device

from .cache import cache_key, cached_result
from .chapters import DEFAULT_NOTEBOOKS, PROFILES, discover, select_chapters
from .execute import run_chapter
from .lock import OutFolderBusy, OutFolderLock
from .params import UsageError, parse_overrides
from .report import render_report
from .sweep import expand, open_client, parse_axes, run_sweep, write_page

__all__ = ["build_parser", "main", "EXIT_CODES"]

EXIT_OK, EXIT_CHECKS, EXIT_USAGE, EXIT_ERRORS, EXIT_BUSY = 0, 1, 2, 3, 4
EXIT_CODES = """exit status:
  0    every chapter ran (or was cached) and every check passed
  1    a check failed (not with --no-fail-checks); the chapters ran and results.json says which
  2    bad input (arguments, parameters, folders, files): one line on stderr, nothing ran
  3    a chapter raised: its notebook is kept in OUT/failed/ (3 wins over 1)
  4    another live run is writing into --out: nothing ran
  130  interrupted by Ctrl-C (143 SIGTERM, 129 SIGHUP): the chapter running was discarded,
       its kernel and workers stopped, earlier results kept"""


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised where the program is, so that it unwinds like Ctrl-C."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


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


def _failed_checks(rows):
    """One line per failed check: the summary's counts alone do not say which check failed."""
    lines = []
    for r in rows:
        for c in r["checks"]:
            if not c["passed"]:
                measured = "" if c["value"] is None else f": measured {format_value(c['value'])}"
                expected = "" if c["expected"] is None else f", expected {format_value(c['expected'])}"
                lines.append(f"{r['chapter']}: FAIL {c['name']}{measured}{expected}")
    return lines


def cmd_list(args):
    """Print every chapter with its parameters: type, default, value per profile, range, help."""
    chapters = discover(_notebooks_dir(args))
    for chapter in chapters.values():
        print(f"{chapter.name}: {chapter.title}")
        rows = [("parameter", "type", "default", *PROFILES, "range", "help")]
        for p in chapter.params.values():
            per_profile = [repr(chapter.profiles.get(prof, {}).get(p.name, p.default)) for prof in PROFILES]
            rows.append((p.name, p.type, repr(p.default), *per_profile, p.range_text(), p.help_text()))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        for r in rows:
            print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
        print()
    return EXIT_OK


def _device(name):
    try:
        return resolve_device(name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _plans(args, selected):
    """``[(chapter, params)]``: every selected chapter's validated parameters."""
    overrides = parse_overrides(args.param)
    unknown = [k for k in overrides if not any(k in c.params for c in selected)]
    if unknown:
        raise UsageError(f"unknown parameter {unknown[0]!r} for {', '.join(c.name for c in selected)}")
    # checked even when no selected chapter takes a device: --device cuda must not quietly run on the CPU
    device = _device(args.device) if args.device else None
    plans = []
    for chapter in selected:
        params = chapter.resolve(args.profile, {k: v for k, v in overrides.items() if k in chapter.params})
        if "device" in chapter.params:
            params["device"] = device or _device(params["device"])
        plans.append((chapter, params))
    return plans


def _out_dir(text, chapters):
    """The ``--out`` folder, resolved; refused when it is a file or holds a chapter's source."""
    out = Path(text).resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    for chapter in chapters:
        for dest in (out, out / "failed"):
            if (dest / chapter.path.name).resolve() == chapter.path.resolve():
                raise UsageError(
                    f"--out {out} holds the chapters' sources: the executed {chapter.path.name} would replace"
                    " its source; choose another folder"
                )
    return out


def _lock(out_dir):
    """The held lock of ``out_dir`` (created if missing); a folder that cannot be written is bad input."""
    try:
        return OutFolderLock(out_dir).acquire()
    except OSError as exc:
        raise UsageError(f"cannot write into --out {out_dir}: {exc.strerror or exc}") from None


def _run_plan(chapter, params, args, out_dir, position):
    """Run one chapter unless its cache is fresh; its results with a ``status_text`` for the summary."""
    key = cache_key(chapter, args.profile, params)
    cached = None if args.force else cached_result(out_dir, chapter, key)
    if cached:
        return {**cached, "status_text": "cached"}
    print(f"running {chapter.name} ({args.profile} profile{position})", file=sys.stderr, flush=True)
    result = run_chapter(chapter, args.profile, params, out_dir, key, progress=not args.quiet)
    return {**result, "status_text": "ok" if result["status"] == "ok" else f"error: {result['error']}"}


def _exit_status(rows, count_checks):
    if any(r["status"] != "ok" for r in rows):
        return EXIT_ERRORS
    if count_checks and any(not c["passed"] for r in rows for c in r["checks"]):
        return EXIT_CHECKS
    return EXIT_OK


def cmd_run(args):
    """Validate every chapter's parameters, then execute those whose cache is stale; print a summary."""
    chapters = discover(_notebooks_dir(args))
    selected = select_chapters(chapters, args.chapters)
    plans = _plans(args, selected)
    out_dir = _out_dir(args.out, selected)
    with _lock(out_dir):
        rows = [
            _run_plan(chapter, params, args, out_dir, f", {i} of {len(plans)}" if len(plans) > 1 else "")
            for i, (chapter, params) in enumerate(plans, 1)
        ]
    print(_summary(rows))
    for line in _failed_checks(rows):
        print(line)
    for r in rows:
        if r["status"] != "ok":
            print(f"{r['chapter']}: failed notebook kept at {out_dir / 'failed' / (r['chapter'] + '.ipynb')}")
    return _exit_status(rows, count_checks=not args.no_fail_checks)


def cmd_sweep(args):
    """Run one chapter at every point of a grid on Dask; write the sweep's page."""
    chapters = discover(_notebooks_dir(args))
    (chapter,) = select_chapters(chapters, [args.chapter])
    axes = parse_axes(chapter, args.param)
    device = _device(args.device) if args.device else None
    if device is None and "device" in chapter.params:
        device = _device(chapter.resolve(args.profile, {})["device"])
    out_dir = _out_dir(args.out, [chapter])
    points = expand(chapter, args.profile, axes, out_dir, device)  # every point checked before anything runs
    with _lock(out_dir):
        print(f"sweep of {chapter.name}: {len(points)} points", file=sys.stderr, flush=True)
        client = open_client(args.scheduler, args.workers)
        try:
            shown = lambda point, r: (
                args.quiet
                or print(  # noqa: E731
                    f"{point.folder.name}: {r['status_text']}", file=sys.stderr, flush=True
                )
            )
            results = run_sweep(chapter, args.profile, points, client, on_result=shown)
        finally:
            client.close()
            if client.cluster is not None and not args.scheduler:
                client.cluster.close()
        page = write_page(chapter, args.profile, axes, points, results, out_dir)
    rows = [{**r, "chapter": p.folder.name} for p, r in zip(points, results)]
    print(_summary(rows))
    for line in _failed_checks(rows):
        print(line)
    print(f"sweep page: {page}")
    return _exit_status(rows, count_checks=not args.no_fail_checks)


def cmd_report(args):
    """Print the run-report page of a folder, or write it to ``-o`` when its text changed."""
    text = render_report(args.runs)
    if not args.output:
        print(text, end="")
        return EXIT_OK
    out = Path(args.output)
    try:
        if not out.exists() or out.read_text() != text:  # untouched pages are not rebuilt
            out.write_text(text)
    except OSError as exc:
        raise UsageError(f"cannot write the report to {out}: {exc.strerror or exc}") from None
    return EXIT_OK


def build_parser():
    """The argument parser of ``python -m ganbook``."""
    notebooks_help = f"folder of chapter notebooks and profiles.yml (default: ./{DEFAULT_NOTEBOOKS})"
    parser = argparse.ArgumentParser(
        prog="python -m ganbook",
        description="List and run the GAN book's chapters.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--notebooks", metavar="DIR", default=str(DEFAULT_NOTEBOOKS), help=notebooks_help)
    sub = parser.add_subparsers(dest="command", required=True)
    list_ = sub.add_parser("list", help="chapters with their parameters, types, defaults and profile values")
    run = sub.add_parser(
        "run",
        help="execute chapters with papermill",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
        help="override a parameter, its value read by the declared type (int 10, float 1e-3, bool true/false,"
        " str as typed; a list of choices as a,b); repeatable",
    )
    run.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default=None,
        help="torch device for chapters that take one (default: the profile's); cuda without CUDA is refused",
    )
    run.add_argument("--out", default="runs", help="folder for executed notebooks and results (default: runs)")
    run.add_argument("--force", action="store_true", help="re-execute even when the cache says nothing changed")
    run.add_argument(
        "--no-fail-checks",
        action="store_true",
        help="exit 0 when checks fail (errors still count); failed checks stay in results.json",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    sweep = sub.add_parser(
        "sweep",
        help="run one chapter at every point of a parameter grid, on Dask",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument("--notebooks", metavar="DIR", default=argparse.SUPPRESS, help=notebooks_help)
    sweep.add_argument("chapter", help="one chapter: name, number or topic")
    sweep.add_argument("--profile", choices=PROFILES, default="quick")
    sweep.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUES",
        help="one grid axis: NAME=V1,V2 or NAME=A..B (integers, inclusive); a list parameter separates its"
        " values with ';'. Repeatable: the grid is every combination",
    )
    sweep.add_argument("--device", choices=("auto", "cpu", "cuda"), default=None, help="as for run")
    sweep.add_argument("--out", required=True, help="folder of the sweep: points/ and sweep.md")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler (default: a LocalCluster)")
    sweep.add_argument("--workers", type=int, default=2, help="worker processes of the LocalCluster (default 2)")
    sweep.add_argument("--no-fail-checks", action="store_true", help="as for run")
    sweep.add_argument("--quiet", action="store_true", help="no line per finished point")
    report = sub.add_parser("report", help="a Markdown page on the runs in a folder (for the book)")
    report.add_argument("runs", help="folder that `run --out` wrote")
    report.add_argument("-o", "--output", help="write the page here instead of printing it")
    return parser


@contextlib.contextmanager
def _termination_as_exception():
    """SIGTERM and SIGHUP raise :class:`Terminated` for the block, so that a `timeout` or a cancelled job
    unwinds through the same clean-up as Ctrl-C (work folder, kernel and workers)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return

    def raise_terminated(signum, frame):
        raise Terminated(signum)

    caught = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    before = {s: signal.signal(s, raise_terminated) for s in caught}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _interrupted(signum):
    """Say in one line what an interrupted run left, and return its exit status (128 + the signal)."""
    name = signal.Signals(signum).name
    # papermill's clean-up leaves the interrupted cell's task unread; asyncio would print it at exit
    logging.getLogger("asyncio").disabled = True
    print(f"interrupted ({name}): a chapter that was running was discarded; earlier results are kept", file=sys.stderr)
    return 128 + signum


def main(argv=None):
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"list": cmd_list, "run": cmd_run, "sweep": cmd_sweep, "report": cmd_report}
    try:
        with _termination_as_exception():
            return commands[args.command](args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OutFolderBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except KeyboardInterrupt:
        return _interrupted(signal.SIGINT)
    except Terminated as exc:
        return _interrupted(exc.signum)
    except BrokenPipeError:  # `list | head`: the reader has read what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush at exit
        return EXIT_OK
