"""Sweeps (`python -m ganbook sweep`) on a Dask LocalCluster, on a tiny chapter each test writes."""

import json
import os
import signal
import threading
import time

import pytest

from ganbook import main
from ganbook.chapters import discover
from ganbook.sweep import expand, open_client, parse_axes, run_sweep, write_page
from tests.test_ganbook import PARAMS, write_chapter

# each point takes a moment, so that a worker can be killed while it runs one
SLOW_BODY = """import time
import ganlib
time.sleep(steps * 0.5)
ganlib.record("total", steps * lr)
ganlib.check("steps is positive", steps > 0, value=steps, expected="> 0")"""


@pytest.fixture
def chapter_dir(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_chapter(nbs, "01_alpha", body=SLOW_BODY, params=PARAMS)
    return nbs


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "a sweep needs at least one axis"),
        (["-p", "steps=1..x"], "a range is A..B with integers"),
        (["-p", "lr=1..3"], "a range is A..B with integers A <= B, for an int parameter"),
        (["-p", "steps=3..1"], "the range is empty (3 > 1)"),
        (["-p", "nope=1,2"], "01_alpha has no parameter 'nope'"),
        (["-p", "steps=1,,2"], "an empty value in the list"),
        (["-p", "steps=1,0"], "0 is outside the allowed range [1, inf)"),
        (
            ["-p", "steps=1,2", "--scheduler", "tcp://127.0.0.1:9"],
            "cannot reach the Dask scheduler at tcp://127.0.0.1:9",
        ),
    ],
)
def test_bad_sweeps_are_one_clear_line_and_run_nothing(chapter_dir, tmp_path, capsys, args, message):
    out = tmp_path / "sweep"
    status = main(["--notebooks", str(chapter_dir), "sweep", "01", *args, "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and err[-1].startswith("error: ") and message in err[-1], err
    assert not (out / "points").exists()


def test_the_grid_is_every_combination_checked_before_it_runs(chapter_dir, tmp_path):
    alpha = discover(chapter_dir)["01_alpha"]
    axes = parse_axes(alpha, ["steps=1..3", "label=a,b"])
    assert axes == {"steps": ["1", "2", "3"], "label": ["a", "b"]}
    points = expand(alpha, "quick", axes, tmp_path, device="cpu")
    assert [p.folder.name for p in points][:3] == ["steps=1,label=a", "steps=1,label=b", "steps=2,label=a"]
    assert points[5].params == {"steps": 3, "lr": 0.1, "label": "b", "fail": False, "device": "cpu"}
    assert len({p.key for p in points}) == 6


@pytest.mark.slow
def test_a_sweep_survives_a_killed_worker_and_resumes_without_redoing_points(chapter_dir, tmp_path, capsys):
    alpha = discover(chapter_dir)["01_alpha"]
    axes = {"steps": ["2", "3"], "lr": ["0.1", "0.2", "0.3"]}
    out = tmp_path / "sweep"
    points = expand(alpha, "quick", axes, out, device="cpu")
    client = open_client(workers=2)
    try:
        victims = list(client.run(os.getpid).values())

        def kill_one_busy_worker():
            # wait until both workers are inside a point, then SIGKILL one of them
            while not any(p.folder.exists() and any(p.folder.glob(".01_alpha-*")) for p in points):
                time.sleep(0.1)
            time.sleep(0.5)
            os.kill(victims[0], signal.SIGKILL)

        killer = threading.Thread(target=kill_one_busy_worker)
        killer.start()
        results = run_sweep(alpha, "quick", points, client)
        killer.join()
    finally:
        client.close()
        client.cluster.close()
    assert [r["status"] for r in results] == ["ok"] * 6
    for point in points:  # one result per point, its own parameters
        files = list(point.folder.glob("*.results.json"))
        assert len(files) == 1
        assert json.loads(files[0].read_text())["parameters"]["lr"] == float(dict(point.values)["lr"])
    page = write_page(alpha, "quick", axes, points, results, out).read_text()
    assert "## steps" in page and "## lr" in page and "(n=3)" in page and (out / "sweep_lr.png").exists()
    with pytest.raises(ProcessLookupError):  # the worker was killed, and the sweep still completed
        os.kill(victims[0], 0)
    # resume through the command line: every point is cached, nothing re-executes
    args = ["--notebooks", str(chapter_dir), "sweep", "01", "-p", "steps=2,3", "-p", "lr=0.1,0.2,0.3"]
    assert main([*args, "--out", str(out), "--device", "cpu", "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("  cached  ") == 6 and "sweep page:" in captured.out
