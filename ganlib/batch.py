"""Run many independent experiments at once: one process per core, same numbers as in series.

A study (chapter 3's losses x seeds x optimiser settings, for instance) is a list of frozen
*specs* and one module-level function ``fn(spec) -> result``. :func:`run_batch` calls ``fn`` on
every spec, in worker processes when ``workers > 1``, and returns the results in the order of
the specs. Every run uses one CPU thread wherever it executes, so a study gives bit-identical
numbers whether it runs in series or across cores (the thread count changes the order of
floating-point sums, and a GAN amplifies such differences).

Worker processes end with the process that started them, however it ends: a parent killed by
SIGTERM or SIGKILL never closes its pool, so each worker watches its parent. When the
environment variable ``GANLIB_PROGRESS`` names a file, every batch appends its progress to it,
one JSON object ``{"desc", "done", "total"}`` a line, for a runner to show (``python -m ganbook
run`` does); a notebook's own output would end up in the executed notebook.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

import torch
from tqdm import tqdm

__all__ = ["run_batch", "default_workers", "shutdown", "RunFailed", "PROGRESS_ENV"]

PROGRESS_ENV = "GANLIB_PROGRESS"


class RunFailed(RuntimeError):
    """One run of a batch raised; the message names its spec."""


def default_workers():
    """The CPU cores this process may use (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


@contextlib.contextmanager
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _worker_init(parent_pid):
    torch.set_num_threads(1)
    # Ctrl-C (or a kernel shutdown that signals the process group) is for the parent, which
    # cancels what is queued; workers end when the parent closes the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a parent killed by SIGTERM or SIGKILL closes nothing: idle workers would wait for work forever
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), name="exit-with-parent", daemon=True).start()


def _exit_with_parent(parent_pid, every=0.5):
    """End this worker once the process that started it is gone (the orphan's parent id changes)."""
    while os.getppid() == parent_pid:
        time.sleep(every)
    os._exit(1)


_POOL: dict = {}  # workers -> executor, kept between batches: starting workers costs seconds


def _pool(workers):
    """A live pool of ``workers`` processes, reused by later batches of this process."""
    if workers not in _POOL:
        # spawn, not fork: forking a process that has already run torch can deadlock its thread pool
        context = multiprocessing.get_context("spawn")
        _POOL[workers] = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),)
        )
    return _POOL[workers]


@atexit.register
def shutdown():
    """Stop the worker processes that batches keep alive (called at exit)."""
    while _POOL:
        _POOL.popitem()[1].shutdown(cancel_futures=True)


def _report_progress(desc, done, total):
    """Append the progress of a batch to the file named by ``GANLIB_PROGRESS``, if any."""
    path = os.environ.get(PROGRESS_ENV)
    if path:
        with contextlib.suppress(OSError):  # progress is for the eye: it never stops a study
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"desc": desc, "done": done, "total": total}) + "\n")


@contextlib.contextmanager
def _progress(desc, total, show):
    """A function that counts one finished run: on the bar (when ``show``) and in the progress file."""
    done = 0

    def advance():
        nonlocal done
        done += 1
        bar.update()
        _report_progress(desc, done, total)

    with tqdm(total=total, desc=desc, disable=not show, leave=False) as bar:
        _report_progress(desc, 0, total)
        yield advance


def _call(fn, spec):
    with _one_thread():
        return fn(spec)


def run_batch(fn, specs, *, workers=None, progress=None, desc="runs"):
    """``[fn(spec) for spec in specs]``, spread over ``workers`` processes.

    ``fn`` must be importable by name (a module-level function, not a lambda or a function
    defined in a notebook) and ``specs`` picklable, because workers are fresh interpreters.
    ``workers=None`` uses every available core; 1 runs in this process. A run that raises stops
    the batch with :class:`RunFailed` naming its spec. ``progress=None`` shows a bar only on a
    terminal. The worker processes stay alive for the next batch until :func:`shutdown` or exit.
    """
    specs = list(specs)
    workers = default_workers() if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    workers = min(workers, max(len(specs), 1))
    show = sys.stderr.isatty() if progress is None else bool(progress)
    if workers > 1:
        try:
            pickle.dumps((fn, specs))
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            raise ValueError(f"run_batch with workers > 1 needs a module-level fn and picklable specs: {exc}") from None
    results = [None] * len(specs)
    with _progress(desc, len(specs), show) as advance:
        if workers == 1:
            for i, spec in enumerate(specs):
                results[i] = _run_one(fn, spec)
                advance()
            return results
        futures = {_pool(workers).submit(_call, fn, spec): i for i, spec in enumerate(specs)}
        try:
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except BrokenProcessPool as exc:  # a worker died (out of memory, say): start afresh next time
                    _POOL.pop(workers).shutdown(cancel_futures=True)
                    raise RunFailed(f"run {specs[i]!r} failed: a worker process died ({exc})") from exc
                except Exception as exc:
                    raise RunFailed(f"run {specs[i]!r} failed: {type(exc).__name__}: {exc}") from exc
                advance()
        finally:  # on an error or Ctrl-C, queued runs must not go on eating the cores
            for f in futures:
                f.cancel()
    return results


def _run_one(fn, spec):
    try:
        return _call(fn, spec)
    except Exception as exc:
        raise RunFailed(f"run {spec!r} failed: {type(exc).__name__}: {exc}") from exc
