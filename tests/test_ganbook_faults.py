"""The runner under faults, races and bad input (issue 12), each on tiny chapters written for the test.

The kill tests run ``python -m ganbook`` in a process of its own, wait until the chapter (or
its batch) is running, send it SIGINT, SIGTERM or SIGKILL, and then look for what it left.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading

import numpy as np
import psutil
import pytest
import torch
from test_batch import SLEEPER as JOBS
from test_batch import alive, wait_for
from test_ganbook import BODY, PARAMS, write_chapter

from ganbook import main, render_report
from ganbook.chapters import discover
from ganbook.execute import write_json
from ganbook.lock import LOCK_NAME, OutFolderLock
from ganbook.params import UsageError, parse_overrides, parse_param
from ganlib.runtime import seed_everything

NO_DEVICE = "\n".join(line for line in PARAMS.splitlines() if not line.startswith("device"))
LOSSES = "minimax|non_saturating|rsgan|lsgan:-1-1-0"
LIST_PARAMS = f"""losses: str = "minimax,rsgan"  # comma-separated losses; each one of {LOSSES}
data: str = "ring"  # a mixture; one of ring|grid
std: float = 0.1  # std of the components; 0 keeps the standard ones (0.02, 0.05); range [0, 1]
seed: int = 0  # random seed; range [0, inf)"""
LIST_BODY = """import ganlib
from ganlib.runtime import seed_everything
seed_everything(seed)
ganlib.record("losses", losses.split(","))"""
SLEEP_PARAMS = "seconds: float = 60  # how long the chapter sleeps; range [0, inf)"
MARK_KERNEL = """import os, pathlib
pathlib.Path(os.environ.get("MARK", os.devnull)).write_text(str(os.getpid()))
"""
SLEEP_BODY = MARK_KERNEL + "import time\ntime.sleep(seconds)"
BATCH_BODY = (
    MARK_KERNEL
    + """from ganlib.batch import run_batch
import kill_jobs
run_batch(kill_jobs.sleep_and_mark, [seconds, seconds], workers=2)"""
)


def run(nbs, *args):
    return main(["--notebooks", str(nbs), *args])


def one_error_line(capsys):
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.fixture
def book(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_chapter(nbs, "01_alpha")
    write_chapter(nbs, "02_nodevice", params=NO_DEVICE, body=BODY.replace("if fail:", "if False:"))
    write_chapter(nbs, "03_lists", params=LIST_PARAMS, body=LIST_BODY)
    return nbs, tmp_path / "out"


# --- item 1 and 3: kill tests ---------------------------------------------------------------


@pytest.fixture(scope="module")
def killable(tmp_path_factory):
    """A book with a sleeping chapter and a batch of sleeping runs, each with an earlier good run in OUT."""
    root = tmp_path_factory.mktemp("killable")
    nbs, out, jobs = root / "notebooks", root / "out", root / "jobs"
    nbs.mkdir()
    jobs.mkdir()
    (jobs / "kill_jobs.py").write_text(JOBS)
    write_chapter(nbs, "01_sleep", params=SLEEP_PARAMS, body=SLEEP_BODY)
    write_chapter(nbs, "02_batch", params=SLEEP_PARAMS, body=BATCH_BODY)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(jobs), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-m", "ganbook", "--notebooks", str(nbs), "run", "--out", str(out), "-p", "seconds=0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return nbs, out, env


def _snapshot(out):
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != LOCK_NAME}


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("chapter", ["01_sleep", "02_batch"], ids=["during a chapter", "during a batch"])
def test_a_killed_run_leaves_no_process_no_work_folder_and_every_earlier_result(killable, tmp_path, sig, chapter):
    nbs, good, env = killable
    out, mark = tmp_path / "out", tmp_path / "mark"
    shutil.copytree(good, out)
    before = _snapshot(out)
    cli = subprocess.Popen(
        [sys.executable, "-m", "ganbook", "--notebooks", str(nbs), "run", chapter, "--out", str(out), "--force"],
        env={**env, "MARK": str(mark)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # as from a terminal: Ctrl-C reaches the runner's group only
    )
    try:
        workers = 2 if chapter == "02_batch" else 0
        started = lambda: mark.exists() and len(list(tmp_path.glob("mark.worker*"))) == workers
        wait_for(started, 120, "the chapter (and its batch) to start")
        processes = psutil.Process(cli.pid).children(recursive=True)  # kernel, workers, resource tracker
        assert len(processes) >= 1 + workers
        os.kill(cli.pid, sig)
        _, err = cli.communicate(timeout=60)
    finally:
        if cli.poll() is None:
            cli.kill()
    wait_for(lambda: not alive(processes), 15, f"{alive(processes)} to end")
    if sig == signal.SIGKILL:
        assert cli.returncode == -signal.SIGKILL
        # nothing can clean up after SIGKILL; the next run into OUT does (here a cached one: no execution)
        assert main(["--notebooks", str(nbs), "run", chapter, "--out", str(out), "-p", "seconds=0", "--quiet"]) == 0
    else:
        assert cli.returncode == 128 + sig
        assert f"interrupted ({signal.Signals(sig).name}): " in err.strip().splitlines()[-1]
        assert "Traceback" not in err and "Task exception" not in err, err
    assert [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != LOCK_NAME] == []
    assert _snapshot(out) == before


def test_a_second_run_into_a_held_out_folder_is_refused(book, capsys):
    nbs, out = book
    with OutFolderLock(out):  # as a live run in another process would hold it
        assert run(nbs, "run", "01", "--out", str(out)) == 4
    err = one_error_line(capsys)
    assert f"another run (pid {os.getpid()}) is writing into {out}" in err
    assert not (out / "01_alpha.results.json").exists()


@pytest.mark.notebook
def test_the_lock_and_work_folders_of_a_dead_run_are_cleaned_up(book):
    nbs, out = book
    leftovers = [out / ".01_alpha-k3j2h1g0", out / "failed" / ".01_alpha-0a1b2c3d"]
    for folder in leftovers:
        folder.mkdir(parents=True)
        (folder / "01_alpha.ipynb").write_text("{partial")
    (out / ".01_alpha.results.json.x1y2z3.tmp").write_text("{")
    (out / LOCK_NAME).write_text("999999999\n")  # a dead run's lock: no process holds it
    mine = out / ".my_notes"
    mine.write_text("not the runner's")
    assert run(nbs, "run", "01", "--out", str(out), "--quiet") == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [LOCK_NAME, ".my_notes"]
    assert not any(p.name.startswith(".") for p in (out / "failed").iterdir())


# --- item 2: the sources are never an output --------------------------------------------------


@pytest.mark.parametrize("where", ["the notebooks folder", "its failed/ folder's parent"])
def test_out_into_the_notebooks_folder_is_refused(book, capsys, where):
    nbs, _ = book
    source = (nbs / "01_alpha.ipynb").read_bytes()
    out = nbs if where == "the notebooks folder" else nbs.parent
    if where != "the notebooks folder":  # a notebooks folder named "failed" sits where OUT/failed/ goes
        nbs = nbs.rename(nbs.parent / "failed")
    assert run(nbs, "run", "01", "--out", str(out)) == 2
    assert "holds the chapters' sources" in one_error_line(capsys)
    assert (nbs / "01_alpha.ipynb").read_bytes() == source


# --- item 4: bad input is refused before anything runs ----------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("rsgan,minmax", "'minmax' is not one of minimax, non_saturating, rsgan, lsgan:-1-1-0"),
        ("rsgan,,minimax", "'rsgan,,minimax' has an empty item"),
        ("rsgan,rsgan", "'rsgan' is listed more than once"),
    ],
)
def test_a_misspelt_choice_in_a_list_parameter_is_refused(book, capsys, value, message):
    nbs, out = book
    assert run(nbs, "run", "03", "-p", f"losses={value}", "--out", str(out)) == 2
    assert f"parameter 'losses' (03_lists, -p): {message}" in one_error_line(capsys)
    assert not out.exists()


def test_a_misspelt_choice_in_a_profile_is_refused(book, capsys):
    nbs, out = book
    (nbs / "profiles.yml").write_text("03_lists:\n  full:\n    losses: minimax,wgan-gp\n")
    assert run(nbs, "run", "--out", str(out)) == 2
    assert "profile 'full'): 'wgan-gp' is not one of" in one_error_line(capsys)


def test_the_list_grammar():
    info = {"inferred_type_name": "str", "default": '"a,b"', "help": "things; each one of a|b|c:-1"}
    p = parse_param("things", info)
    assert (p.choices, p.each, p.range_text(), p.help_text()) == (
        ("a", "b", "c:-1"),
        True,
        "list of a|b|c:-1",
        "things",
    )
    assert p.parse(" c:-1 , a ", "-p") == "c:-1,a"  # spaces around commas dropped, order kept
    plain = parse_param("data", {**info, "default": '"a"', "help": "one of a|b"})
    assert (plain.each, plain.parse("b", "-p")) == (False, "b")
    with pytest.raises(UsageError, match="only a str can have"):
        parse_param("n", {"inferred_type_name": "int", "default": "1", "help": "one of 1|2"})
    with pytest.raises(UsageError, match=r"parameter 'things' \(its default\): 'd' is not one of a, b"):
        parse_param("things", {**info, "default": '"a,d"'})


def test_every_loss_name_can_be_a_declared_choice():
    """Chapter 3 declares its study losses as ``each one of`` the registry's names: each must fit the grammar."""
    from ganlib.losses import LOSSES

    info = {"inferred_type_name": "str", "default": '"rsgan"', "help": "losses; each one of " + "|".join(LOSSES)}
    assert parse_param("study_losses", info).choices == tuple(LOSSES)


@pytest.mark.notebook
def test_a_seed_in_the_declared_range_runs(book):
    nbs, out = book
    assert run(nbs, "run", "03", "-p", "seed=4294967296", "--out", str(out), "--quiet") == 0
    assert json.loads((out / "03_lists.results.json").read_text())["status"] == "ok"


def test_seed_everything_takes_torchs_range_and_keeps_small_seeds():
    seed_everything(3)
    a = (np.random.rand(), torch.rand(1).item())
    np.random.seed(3), torch.manual_seed(3)
    assert a == (np.random.rand(), torch.rand(1).item())  # numbers of existing seeds unchanged
    seed_everything(2**32)
    b = np.random.rand()
    seed_everything(0)
    assert b != np.random.rand()  # 2**32 is not folded onto 0
    seed_everything(2**64 - 1)
    with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*64\)"):
        seed_everything(2**64)


@pytest.mark.parametrize(
    "value, message",
    [
        ("9" * 5000, "is outside the 64-bit integer range"),
        (str(2**63), "is outside the 64-bit integer range"),
        ("1" + "0" * 400 + ".5", "expected a finite float"),
    ],
)
def test_a_huge_value_is_one_short_line(book, capsys, value, message):
    nbs, out = book
    name = "lr" if "." in value else "steps"
    assert run(nbs, "run", "01", "-p", f"{name}={value}", "--out", str(out)) == 2
    err = one_error_line(capsys)
    assert message in err and len(err) < 200
    assert not out.exists()


def _not_writable(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):  # root writes anyway
        pytest.skip("this user can write into a read-only folder")
    return folder / "out"


@pytest.mark.parametrize("kind", ["an existing file", "a folder under a file", "a read-only folder"])
def test_an_out_folder_that_cannot_be_written_is_one_clear_line(book, tmp_path, capsys, kind):
    nbs, _ = book
    (tmp_path / "a-file").write_text("mine")
    out = {
        "an existing file": lambda: tmp_path / "a-file",
        "a folder under a file": lambda: tmp_path / "a-file" / "out",
        "a read-only folder": lambda: _not_writable(tmp_path),
    }[kind]()
    assert run(nbs, "run", "01", "--out", str(out)) == 2
    err = one_error_line(capsys)
    assert str(out) in err and ("is a file" in err or "cannot write into --out" in err)
    assert (tmp_path / "a-file").read_text() == "mine"


def test_cuda_without_cuda_is_refused_for_chapters_without_a_device(book, capsys, monkeypatch):
    nbs, out = book
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert run(nbs, "run", "02", "--device", "cuda", "--out", str(out)) == 2
    assert one_error_line(capsys) == "error: device 'cuda' was asked for, but CUDA is not available on this machine"
    assert not out.exists()


# --- item 6: the report ---------------------------------------------------------------------


def _results(chapter, started, status="ok", error=None):
    return {
        "schema": 3,
        "chapter": chapter,
        "profile": "quick",
        "parameters": {"steps": 3},
        "device": "cpu",
        "versions": {"python": "3", "torch": "2", "ganlib": "0.1", "git_commit": None},
        "started": started,
        "duration_s": 1.0,
        "status": status,
        "error": error,
        "cache_key": "k",
        "metrics": {},
        "checks": [{"name": "a check", "passed": True, "value": 1, "expected": 1}],
        "verdicts": [],
    }


@pytest.mark.parametrize("what", ["a missing folder", "a file"])
def test_report_on_a_missing_folder_or_a_file_is_one_clear_line(tmp_path, capsys, what):
    target = tmp_path / "runs"
    if what == "a file":
        target.write_text("not a folder")
    assert main(["report", str(target)]) == 2
    assert str(target) in one_error_line(capsys)


def test_report_on_an_empty_folder_is_one_clear_line(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "no results.json in" in one_error_line(capsys)


@pytest.mark.parametrize("text", ["{not json", '{"chapter": "01_alpha"}', "[1, 2]", '{"started": 3}'])
def test_a_corrupt_results_file_is_named(tmp_path, capsys, text):
    write_json(tmp_path / "01_alpha.results.json", _results("01_alpha", "2026-01-01T00:00:00+00:00"))
    (tmp_path / "02_beta.results.json").write_text(text)
    assert main(["report", str(tmp_path)]) == 2
    assert str(tmp_path / "02_beta.results.json") in one_error_line(capsys)


def test_the_report_shows_chapters_whose_latest_run_raised(tmp_path):
    (tmp_path / "failed").mkdir()
    write_json(tmp_path / "01_alpha.results.json", _results("01_alpha", "2026-01-01T10:00:00+00:00"))
    write_json(tmp_path / "02_beta.results.json", _results("02_beta", "2026-01-01T10:00:00+00:00"))
    raised = _results("01_alpha", "2026-01-01T11:00:00+00:00", "error", "RuntimeError: asked to fail")
    write_json(tmp_path / "failed" / "01_alpha.results.json", raised)
    old = _results("02_beta", "2026-01-01T09:00:00+00:00", "error", "ValueError: an old failure")
    write_json(tmp_path / "failed" / "02_beta.results.json", old)  # a good run came after it
    write_json(
        tmp_path / "failed" / "03_gamma.results.json",
        _results("03_gamma", "2026-01-01T09:00:00+00:00", "error", "KeyError: x"),
    )
    page = render_report(tmp_path)
    assert "## Chapters whose latest run raised" in page
    assert "| 01_alpha | quick | 2026-01-01 11:00 | RuntimeError: asked to fail | failed/01_alpha.ipynb |" in page
    assert "| 03_gamma |" in page and "an old failure" not in page
    assert "## 01_alpha" in page  # the good run the book shows is still reported


# --- items 7 and 8: results.json ----------------------------------------------------------------


def test_writing_results_does_not_follow_a_planted_link(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside.txt"
    out.mkdir()
    outside.write_text("precious")
    (out / "01_alpha.results.tmp").symlink_to(outside)  # the fixed temporary name of earlier versions
    write_json(out / "01_alpha.results.json", {"x": 1})
    assert outside.read_text() == "precious"
    assert json.loads((out / "01_alpha.results.json").read_text()) == {"x": 1}


def test_concurrent_writes_of_one_results_file_do_not_collide(tmp_path):
    errors, path = [], tmp_path / "01_alpha.results.json"

    def write_many(k):
        try:
            for i in range(200):
                write_json(path, {"writer": k, "i": i})
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=write_many, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary file left
    assert json.loads(path.read_text())["i"] == 199


def test_results_json_is_strict_json(tmp_path):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    write_json(tmp_path / "r.json", {"metrics": {"w1": float("inf"), "curve": [1.0, float("nan"), -float("inf")]}})
    data = json.loads((tmp_path / "r.json").read_text(), parse_constant=refuse)
    assert data == {"metrics": {"w1": "inf", "curve": [1.0, "nan", "-inf"]}}


# --- item 9: usability ----------------------------------------------------------------------


TWO_FAILURES = BODY.replace("steps > 0", "steps < 0").replace("if fail:", "if False:")


@pytest.mark.notebook
def test_exit_status_tells_failed_checks_from_chapter_errors_and_bad_input(book, capsys):
    nbs, out = book
    write_chapter(nbs, "04_two_failures", params=NO_DEVICE, body=TWO_FAILURES)
    assert run(nbs, "run", "04", "-p", "steps=20", "-p", "lr=1", "--out", str(out), "--quiet") == 1  # was 2
    printed = capsys.readouterr().out
    assert "04_two_failures: FAIL steps is positive: measured 20, expected > 0" in printed
    assert "04_two_failures: FAIL total is below 100: measured 190, expected < 100" in printed
    assert run(nbs, "run", "01", "-p", "fail=true", "--out", str(out), "--quiet") == 3  # was 1
    assert run(nbs, "run", "01", "-p", "steps=0", "--out", str(out)) == 2
    assert run(nbs, "run", "04", "-p", "steps=20", "-p", "lr=1", "--out", str(out), "--no-fail-checks") == 0


def test_help_documents_the_exit_codes(capsys):
    for args in (["--help"], ["run", "--help"]):
        with pytest.raises(SystemExit):
            main(args)
        text = capsys.readouterr().out
        assert "exit status:" in text and "3    a chapter raised" in text and "130  interrupted" in text


@pytest.mark.notebook
def test_quiet_runs_print_no_kernel_warning_and_progress_follows_batches(book, tmp_path):
    nbs, out = book
    body = 'from ganlib.batch import run_batch\nrun_batch(abs, [1, -2, 3], workers=1, desc="tiny runs")'
    write_chapter(nbs, "05_batch", params=NO_DEVICE, body=body)
    command = [sys.executable, "-m", "ganbook", "--notebooks", str(nbs), "run", "05", "--out", str(out)]
    quiet = subprocess.run([*command, "--quiet"], capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == "running 05_batch (quick profile)\n"
    loud = subprocess.run([*command, "--force"], capture_output=True, text=True, timeout=300)
    assert loud.returncode == 0 and "WARNING" not in loud.stderr
    assert "tiny runs" in loud.stderr and "3/3" in loud.stderr  # the batch inside the cell, not only cells


def test_p_values_are_read_by_type_not_as_yaml_1_1(book):
    nbs, _ = book
    chapter = discover(nbs)["01_alpha"]
    assert chapter.resolve("quick", parse_overrides(["steps=010", "label=010", "lr=1e-2"]))["steps"] == 10
    assert chapter.resolve("quick", parse_overrides(["label=010"]))["label"] == "010"
    assert chapter.resolve("quick", parse_overrides(["fail=TRUE"]))["fail"] is True
    for pair, message in [
        ("steps=1:30", "expected an int, got '1:30'"),
        ("device=on", "'on' is not one of auto, cpu, cuda"),
        ("fail=yes", "expected a bool (true/false), got 'yes'"),
        ("lr=.inf", "expected a float, got '.inf'"),
    ]:
        with pytest.raises(UsageError) as caught:
            chapter.resolve("quick", parse_overrides([pair]))
        assert message in str(caught.value)


def test_list_shows_the_whole_help_and_the_list_choices(book, capsys):
    nbs, _ = book
    assert run(nbs, "list") == 0
    out = capsys.readouterr().out
    assert "std of the components; 0 keeps the standard ones (0.02, 0.05)" in out
    assert f"list of {LOSSES}  comma-separated losses" in out
    assert "[0, 1]" in out and "ring|grid" in out
