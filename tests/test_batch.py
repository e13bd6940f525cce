"""ganlib.batch: parallel runs give the serial numbers, in order, failures name their spec, and workers
end with their parent however it ends."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
import torch

from ganlib.batch import RunFailed, run_batch
from ganlib.runs import MixtureRun, run_mixture


def noisy_sum(seed):
    """A module-level function (workers import it by name) whose result depends on torch's RNG."""
    if seed < 0:
        raise ValueError("negative seed")
    torch.manual_seed(seed)
    return float(torch.randn(1000).sum()), torch.get_num_threads()


def test_serial_run_keeps_order_and_uses_one_thread():
    before = torch.get_num_threads()
    results = run_batch(noisy_sum, [3, 1, 2], workers=1)
    assert [r[0] for r in results] == [noisy_sum(s)[0] for s in (3, 1, 2)]
    assert {r[1] for r in results} == {1} and torch.get_num_threads() == before


@pytest.mark.slow
def test_parallel_runs_match_serial_runs_exactly():
    specs = [
        MixtureRun(loss=loss, seed=s, steps=60, evals=2, n_eval=200) for loss in ("rsgan", "minimax") for s in (0, 1)
    ]
    parallel = run_batch(run_mixture, specs, workers=2)
    serial = run_batch(run_mixture, specs, workers=1)
    for p, s, spec in zip(parallel, serial, specs):
        assert p["spec"]["loss"] == spec.loss and p["spec"]["seed"] == spec.seed
        assert (p["samples"] == s["samples"]).all() and (p["hq"] == s["hq"]).all()


def test_a_failing_run_names_its_spec():
    with pytest.raises(RunFailed, match=r"run -1 failed: ValueError: negative seed"):
        run_batch(noisy_sum, [0, -1], workers=1)


@pytest.mark.slow
def test_a_failing_run_in_a_worker_names_its_spec_and_the_pool_survives():
    with pytest.raises(RunFailed, match=r"run -1 failed: ValueError: negative seed"):
        run_batch(noisy_sum, [0, -1, 2], workers=2)
    assert [r[0] for r in run_batch(noisy_sum, [5, 6], workers=2)] == [noisy_sum(5)[0], noisy_sum(6)[0]]


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="workers must be >= 1"):
        run_batch(noisy_sum, [1], workers=0)
    with pytest.raises(ValueError, match="module-level fn and picklable specs"):
        run_batch(lambda s: s, [1, 2], workers=2)
    assert run_batch(noisy_sum, [], workers=2) == []


SLEEPER = '''import os, pathlib, time


def sleep_and_mark(seconds):
    """A run of a batch that says where it runs, then sleeps."""
    mark = os.environ.get("MARK")
    if mark:
        pathlib.Path(f"{mark}.worker{os.getpid()}").write_text(str(os.getpid()))
    time.sleep(seconds)
    return seconds
'''


def wait_for(condition, timeout, what):
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def alive(processes):
    """The psutil ``processes`` still running (a zombie has ended; only its parent has not read its status)."""
    running = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                running.append(p)
        except psutil.NoSuchProcess:
            pass
    return running


@pytest.mark.slow
@pytest.mark.parametrize("sig, state", [(signal.SIGTERM, "busy"), (signal.SIGKILL, "idle")], ids=["SIGTERM", "SIGKILL"])
def test_workers_end_when_their_parent_is_killed(tmp_path, sig, state):
    """A parent killed by SIGTERM or SIGKILL runs no clean-up: its workers, busy or idle, must end by themselves."""
    (tmp_path / "kill_jobs.py").write_text(SLEEPER)
    seconds = 60 if state == "busy" else 0  # idle workers wait for the parent's next batch
    script = "import pathlib, time\nfrom ganlib.batch import run_batch\nimport kill_jobs\n"
    script += f"run_batch(kill_jobs.sleep_and_mark, [{seconds}, {seconds}], workers=2)\n"
    script += "pathlib.Path('batch-done').touch()\ntime.sleep(60)\n"
    env = {**os.environ, "MARK": str(tmp_path / "mark")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    parent = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=tmp_path)
    try:
        both_busy = lambda: len(list(tmp_path.glob("mark.worker*"))) == 2
        wait_for(both_busy if state == "busy" else (tmp_path / "batch-done").exists, 120, f"{state} workers")
        workers = psutil.Process(parent.pid).children(recursive=True)  # the workers and the resource tracker
        assert len(workers) >= 2
        os.kill(parent.pid, sig)
        parent.wait(timeout=30)
    finally:
        if parent.poll() is None:
            parent.kill()
    wait_for(lambda: not alive(workers), 15, "the orphaned workers to end")
