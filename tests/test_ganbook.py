"""The book tooling (`python -m ganbook`), on tiny chapters that each test writes for itself."""

import json
import subprocess
import sys

import nbformat
import pytest
import torch

from ganbook import main
from ganlib.results import JUDGEMENT_FIELDS

PARAMS = """steps: int = 3  # loop length; range [1, inf)
lr: float = 0.1  # a rate; range (0, 1]
label: str = "x"  # a label
fail: bool = False  # raise on purpose
device: str = "auto"  # torch device; one of auto|cpu|cuda"""

BODY = """import ganlib
if fail:
    raise RuntimeError("asked to fail")
total = sum(range(steps)) * lr
ganlib.record("total", total)
ganlib.check("steps is positive", steps > 0, value=steps, expected="> 0")
ganlib.check("total is below 100", total < 100, value=total, expected="< 100")
ganlib.results.verdict("total exceeds 1", total > 1, value=total, expected="> 1")"""


def write_chapter(folder, name, body=BODY, params=PARAMS):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# Tiny chapter {name}"),
        nbformat.v4.new_code_cell(params),
        nbformat.v4.new_code_cell(body),
    ]
    nb.cells[1].metadata["tags"] = ["parameters"]
    nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.fixture
def book(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_chapter(nbs, "01_alpha")
    # 02 declares no `fail`: an override of it reaches 01 alone
    write_chapter(
        nbs,
        "02_beta",
        body=BODY.replace("if fail:", "if False:"),
        params="\n".join(line for line in PARAMS.splitlines() if not line.startswith("fail")),
    )
    (nbs / "profiles.yml").write_text("01_alpha:\n  full:\n    steps: 50\n")
    return nbs, tmp_path / "out"


def run(nbs, *args):
    return main(["--notebooks", str(nbs), *args])


def test_list_shows_types_defaults_profiles_and_ranges(book, capsys):
    nbs, _ = book
    assert run(nbs, "list") == 0
    out = capsys.readouterr().out
    assert "01_alpha: Tiny chapter 01_alpha" in out
    line = next(row for row in out.splitlines() if row.strip().startswith("steps"))
    assert line.split()[:7] == ["steps", "int", "3", "3", "3", "50", "[1,"]  # default, quick, medium, full


@pytest.mark.notebook
def test_run_records_results_and_then_uses_the_cache(book, capsys):
    nbs, out = book
    assert run(nbs, "run", "01", "--out", str(out), "-p", "lr=1e-2", "--device", "cpu", "--quiet") == 0
    results = json.loads((out / "01_alpha.results.json").read_text())
    assert results["status"] == "ok" and results["profile"] == "quick"
    assert results["parameters"] == {"steps": 3, "lr": 0.01, "label": "x", "fail": False, "device": "cpu"}
    assert results["metrics"] == {"total": pytest.approx(0.03)}
    assert [c["passed"] for c in results["checks"]] == [True, True]
    # an empirical claim that does not hold is recorded, and is not a failure (the exit status was 0)
    (claim,) = results["verdicts"]
    assert claim == {
        "name": "total exceeds 1",
        "outcome": "does not hold",
        "holds": False,
        "value": pytest.approx(0.03),
        "expected": "> 1",
        **dict.fromkeys(JUDGEMENT_FIELDS),  # given as a bool: no rule, no evidence over seeds
    }
    assert set(results["versions"]) == {"python", "torch", "ganlib", "git_commit"}
    assert results["duration_s"] > 0 and results["started"]
    executed = nbformat.read(out / "01_alpha.ipynb", as_version=4)
    tags = [c.metadata.get("tags", []) for c in executed.cells]
    # the page: the title, the re-run box, the declared parameters (collapsed), the injected ones (removed)
    assert tags[:4] == [[], ["rerun-box"], ["parameters", "hide-input"], ["injected-parameters", "remove-cell"]]
    box = executed.cells[1].source
    assert "python -m ganbook run 01 --profile quick --device cpu -p lr=0.01 --out runs" in box
    assert "`steps=3`" in box and "{download}`01_alpha.ipynb <01_alpha.ipynb>`" in box
    # in the kernel a cell's judgements show as one table, with the plain lines beside it
    (shown,) = [o for o in executed.cells[4].outputs if o.output_type == "display_data"]
    assert shown.data["text/plain"].splitlines()[0] == "PASS  steps is positive: measured 3, expected > 0"
    assert shown.data["text/markdown"].splitlines()[2:] == [
        "| **✔\u00a0PASS** | steps is positive | measured 3, expected \\> 0 |",
        "| **✔\u00a0PASS** | total is below 100 | measured 0.03, expected \\< 100 |",
        "| **✘\u00a0DOES NOT HOLD** | total exceeds 1 | measured 0.03, claim \\> 1 |",
    ]
    capsys.readouterr()
    # nothing changed: no re-execution
    mtime = (out / "01_alpha.ipynb").stat().st_mtime_ns
    assert run(nbs, "run", "01", "--out", str(out), "-p", "lr=1e-2", "--device", "cpu", "--quiet") == 0
    assert "cached" in capsys.readouterr().out
    assert (out / "01_alpha.ipynb").stat().st_mtime_ns == mtime
    # the report page for the book
    assert run(nbs, "report", str(out), "-o", str(out / "report.md")) == 0
    page = (out / "report.md").read_text()
    assert "| 01_alpha | quick | cpu |" in page and "| steps is positive | PASS | 3 | > 0 |" in page
    assert "| total exceeds 1 | does not hold | 0.03 | > 1 |" in page
    assert "| 2 | 0 | 0 | 1 | 0 |" in page  # checks passed, failed; claims holding, not holding, not decided
    # a changed parameter re-executes
    assert run(nbs, "run", "01", "--out", str(out), "-p", "lr=0.5", "--device", "cpu", "--quiet") == 0
    assert json.loads((out / "01_alpha.results.json").read_text())["parameters"]["lr"] == 0.5


def test_the_rerun_command_names_what_differs_from_the_profile(book):
    from ganbook.chapters import discover
    from ganbook.page import rerun_command

    nbs, _ = book
    alpha = discover(nbs)["01_alpha"]
    params = alpha.resolve("full", {"fail": "true", "label": "y"}) | {"device": "cuda"}
    assert rerun_command(alpha, "full", params) == (
        "python -m ganbook run 01 --profile full --device cuda -p label=y -p fail=true"
    )
    assert rerun_command(alpha, "quick", alpha.resolve("quick", {})) == (
        "python -m ganbook run 01 --profile quick --device auto"
    )


def test_a_page_is_prepared_once_whatever_the_times(book, tmp_path):
    from ganbook.chapters import discover
    from ganbook.page import prepare_page

    nbs, _ = book
    alpha = discover(nbs)["01_alpha"]
    nb = nbformat.read(alpha.path, as_version=4)
    nb.cells += [
        nbformat.v4.new_code_cell("import inspect\nprint(inspect.getsource(math))"),
        nbformat.v4.new_code_cell("# more\nfrom math import pi"),  # a later import is part of the argument
    ]
    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    results = {"profile": "quick", "parameters": alpha.resolve("quick", {}), "duration_s": 1.5, "device": "cpu"}
    prepare_page(path, alpha, results)
    prepare_page(path, alpha, results)  # a second pass replaces the box, adds no tag twice
    cells = nbformat.read(path, as_version=4).cells
    assert [c.metadata.get("tags", []) for c in cells] == [
        [],
        ["rerun-box"],
        ["parameters", "hide-input"],
        ["hide-input"],
        ["hide-output"],
        [],
    ]  # the chapter's body starts with "import ganlib": it is the import cell
    assert "on cpu in 2 s." in cells[1].source


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "07"], "unknown chapter '07'"),
        (["run", "01", "-p", "nope=1"], "unknown parameter 'nope'"),
        (["run", "01", "-p", "steps=abc"], "parameter 'steps' (01_alpha, -p): expected an int, got 'abc'"),
        (["run", "01", "-p", "steps=1.5"], "expected an int, got 1.5"),
        (["run", "01", "-p", "steps=0"], "0 is outside the allowed range [1, inf)"),
        (["run", "01", "-p", "lr=-0.1"], "-0.1 is outside the allowed range (0, 1]"),
        (["run", "01", "-p", "lr=0"], "is outside the allowed range (0, 1]"),
        (["run", "01", "-p", "fail=maybe"], "expected a bool"),
        (["run", "01", "-p", "steps=[1, 2]"], "expected an int, got '[1, 2]'"),
        (["run", "01", "-p", "steps"], "-p expects NAME=VALUE"),
        (["run", "01", "-p", "device=gpu"], "'gpu' is not one of auto, cpu, cuda"),
    ],
)
def test_bad_input_is_one_clear_line_and_runs_nothing(book, capsys, args, message):
    nbs, out = book
    assert run(nbs, *args, "--out", str(out)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_the_notebooks_folder_is_an_option_of_list_and_run(book, capsys, monkeypatch):
    nbs, out = book
    other = nbs.rename(nbs.parent / "chapters")  # any folder, any name
    assert main(["list", "--notebooks", str(other)]) == 0
    assert "01_alpha: Tiny chapter 01_alpha" in capsys.readouterr().out
    monkeypatch.chdir(other)  # the option is not relative to the working directory's notebooks
    assert main(["run", "07", "--notebooks", str(other), "--out", str(out)]) == 2
    assert "unknown chapter '07'; choose from: 01_alpha, 02_beta" in capsys.readouterr().err


def test_by_default_the_folder_is_notebooks_under_the_working_directory(book, capsys, monkeypatch):
    nbs, _ = book
    monkeypatch.chdir(nbs.parent)
    assert main(["list"]) == 0
    assert "02_beta: Tiny chapter 02_beta" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_missing_notebooks_folder_is_one_clear_line_and_runs_nothing(tmp_path, capsys, where):
    missing, out = tmp_path / "nowhere", tmp_path / "out"
    option = ["--notebooks", str(missing)]
    args = [*option, "run", "--out", str(out)] if where == "before" else ["run", *option, "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: no notebooks folder at {missing}; run from the book's folder or pass --notebooks DIR"
    assert not out.exists()


def test_without_a_notebooks_folder_the_error_names_the_default(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["list"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: no notebooks folder at {tmp_path / 'notebooks'}; run from the book's folder or pass --notebooks DIR"
    )


def test_bad_profile_file_is_reported(book, capsys):
    nbs, out = book
    (nbs / "profiles.yml").write_text("01_alpha:\n  full:\n    steps: -4\n")
    assert run(nbs, "run", "--out", str(out)) == 2
    assert "profile 'full'): -4 is outside the allowed range" in capsys.readouterr().err


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_refused_from_the_command_line(book, tmp_path):
    nbs, out = book
    proc = subprocess.run(
        [sys.executable, "-m", "ganbook", "--notebooks", str(nbs), "run", "01", "--device", "cuda", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: device 'cuda' was asked for, but CUDA is not available on this machine"
    assert not out.exists()


@pytest.mark.notebook
def test_failed_checks_set_the_exit_status(book, capsys):
    nbs, out = book
    assert run(nbs, "run", "02", "--out", str(out), "-p", "steps=20", "-p", "lr=1", "--quiet") == 1
    results = json.loads((out / "02_beta.results.json").read_text())
    assert results["status"] == "ok" and [c["passed"] for c in results["checks"]] == [True, False]
    row = capsys.readouterr().out.splitlines()[1].split()  # chapter, status, time, passed/failed
    assert (row[0], row[1], row[-1]) == ("02_beta", "ok", "1/1")
    assert run(nbs, "run", "02", "--out", str(out), "-p", "steps=20", "-p", "lr=1", "--quiet", "--no-fail-checks") == 0


@pytest.mark.notebook
def test_a_raising_chapter_keeps_earlier_results_and_does_not_stop_the_batch(book, capsys):
    nbs, out = book
    assert run(nbs, "run", "01", "--out", str(out), "--quiet") == 0
    good = (out / "01_alpha.results.json").read_text()
    capsys.readouterr()
    # a batch in which 01 raises: 02, after it, still runs; 01's good results stay
    assert run(nbs, "run", "01", "02", "--out", str(out), "-p", "fail=true", "--quiet") == 3
    assert (out / "01_alpha.results.json").read_text() == good
    failed = json.loads((out / "failed" / "01_alpha.results.json").read_text())
    assert failed["status"] == "error" and "asked to fail" in failed["error"]
    assert (out / "failed" / "01_alpha.ipynb").exists()
    assert json.loads((out / "02_beta.results.json").read_text())["status"] == "ok"
    assert not (out / "failed" / "02_beta.ipynb").exists()
    printed = capsys.readouterr().out
    assert "error: RuntimeError: asked to fail" in printed
    assert "01_alpha: failed notebook kept at" in printed
