"""Chapters and profiles: the notebooks of a folder, their parameters and ``profiles.yml``.

A chapter is a notebook ``NN_topic.ipynb`` in the notebooks folder (by default ``notebooks``
under the current working directory). The values of each profile (``quick`` for a CPU,
``medium`` for about ten minutes a chapter on 2 cores, ``full`` for paper scale on a GPU) live in
one file beside the chapters, ``profiles.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .params import UsageError, parse_param

__all__ = ["Chapter", "DEFAULT_NOTEBOOKS", "PROFILES", "discover", "read_profiles", "select_chapters"]

DEFAULT_NOTEBOOKS = Path("notebooks")  # relative: under the current working directory
PROFILES = ("quick", "medium", "full")


@dataclass(frozen=True)
class Chapter:
    """One chapter notebook: its declared parameters and its values per profile (from ``profiles.yml``)."""

    name: str  # the notebook's stem, e.g. "01_information_theory"
    path: Path
    title: str
    params: dict  # name -> Param
    profiles: dict  # profile -> {name: value}

    def resolve(self, profile, overrides):
        """The validated parameter values for ``profile`` plus the user's ``overrides`` (``-p`` texts)."""
        values = {n: p.default for n, p in self.params.items()}
        for name, value in self.profiles.get(profile, {}).items():
            values[name] = self._param(name, f"profile {profile!r}").coerce(value, f"{self.name}, profile {profile!r}")
        for name, text in overrides.items():
            values[name] = self._param(name, "-p").parse(text, f"{self.name}, -p")
        return values

    def _param(self, name, source):
        if name not in self.params:
            raise UsageError(f"{self.name}: unknown parameter {name!r} ({source}); known: {', '.join(self.params)}")
        return self.params[name]


def _title(nb):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def read_profiles(notebooks_dir):
    """``{chapter: {profile: {name: value}}}`` from ``notebooks_dir/profiles.yml``; empty when absent."""
    profiles_path = Path(notebooks_dir) / "profiles.yml"
    try:
        profiles = yaml.safe_load(profiles_path.read_text()) if profiles_path.exists() else {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{profiles_path} is not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(profiles or {}, dict):
        raise UsageError(f"{profiles_path}: expected chapter: {{profile: {{name: value}}}}")
    return profiles or {}


def _read_chapter(path):
    """The notebook at ``path`` and its declared parameters; a file that is no notebook is a usage error."""
    import nbformat
    import papermill

    try:
        nb = nbformat.read(path, as_version=4)
        declared = papermill.inspect_notebook(str(path))
    except Exception as exc:  # nbformat and papermill raise several kinds on a file that is no notebook
        raise UsageError(f"{path} is not a readable notebook ({type(exc).__name__})") from None
    try:
        return nb, {n: parse_param(n, info) for n, info in declared.items()}
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None


def discover(notebooks_dir=DEFAULT_NOTEBOOKS):
    """All chapters of ``notebooks_dir`` (``NN_*.ipynb``) with their profiles, in order."""
    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise UsageError(f"no notebooks folder at {notebooks_dir}")
    profiles_path = notebooks_dir / "profiles.yml"
    profiles = read_profiles(notebooks_dir)
    chapters = {}
    for path in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        nb, params = _read_chapter(path)
        chapter = Chapter(path.stem, path, _title(nb), params, profiles.get(path.stem, {}) or {})
        for profile in chapter.profiles:
            if profile not in PROFILES:
                raise UsageError(f"{profiles_path}: {path.stem} has unknown profile {profile!r}")
            chapter.resolve(profile, {})  # a broken profile file is reported before anything runs
        chapters[path.stem] = chapter
    return chapters


def select_chapters(chapters, names):
    """The chapters called ``names`` (full names, numbers like ``01`` or topics); all when none."""
    if not names:
        return list(chapters.values())
    chosen = []
    for name in names:
        hits = [c for n, c in chapters.items() if n == name or n.split("_", 1)[0] == name or n.split("_", 1)[1] == name]
        if len(hits) != 1:
            raise UsageError(f"unknown chapter {name!r}; choose from: {', '.join(chapters) or '(none found)'}")
        chosen.append(hits[0])
    return chosen
