"""The chapter sources: committed without outputs, parameterised, listed in the book and profiles."""

from pathlib import Path

import nbformat
import pytest
import yaml

from ganbook import discover

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def test_there_are_chapters():
    assert [p.stem for p in CHAPTERS][:2] == ["01_information_theory", "02_optimal_discriminator"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_sources_have_no_outputs_and_start_with_parameters(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit notebooks without outputs"
    assert "parameters" in code[0].metadata.get("tags", []), "the first code cell must be tagged 'parameters'"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


def test_every_chapter_is_in_the_book_and_the_profiles():
    toc = (ROOT / "_toc.yml").read_text()
    profiles = yaml.safe_load((NOTEBOOKS / "profiles.yml").read_text())
    for path in CHAPTERS:
        assert f"book/chapters/{path.stem}" in toc
        assert "full" in profiles[path.stem], f"{path.stem} needs a documented full profile"
    assert set(profiles) == {p.stem for p in CHAPTERS}


def test_every_parameter_is_typed_and_documented():
    for chapter in discover(NOTEBOOKS).values():  # raises on a profile value that breaks a declaration
        for param in chapter.params.values():
            assert param.help, f"{chapter.name}.{param.name} needs a comment"
            assert param.type in ("int", "float", "bool", "str")
