"""The cache: when a chapter need not run again, and the versions a run is recorded with.

A run whose notebook, profile, parameters and sources (of ganlib and of this package) are
unchanged since the last good run in the same folder is skipped.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from pathlib import Path

import ganlib

__all__ = ["cache_key", "cached_result", "git_commit", "sources_digest", "versions"]


def _package_dirs():
    return [Path(ganlib.__file__).resolve().parent, Path(__file__).resolve().parent]  # ganlib, ganbook


def sources_digest():
    """sha256 of every ``*.py`` of ganlib and ganbook, with its path inside the package's parent."""
    h = hashlib.sha256()
    for package in _package_dirs():
        for path in sorted(package.rglob("*.py")):
            h.update(path.relative_to(package.parent).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(chapter, profile, params):
    """sha256 of the chapter's notebook, the profile and parameters, and :func:`sources_digest`."""
    h = hashlib.sha256()
    h.update(chapter.path.read_bytes())
    h.update(json.dumps({"profile": profile, "parameters": params}, sort_keys=True).encode())
    h.update(sources_digest().encode())
    return h.hexdigest()


def git_commit(where):
    """HEAD's hash of the checkout holding ``where``, with "-dirty" when tracked files differ from
    it; None outside a checkout."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return head.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def versions(where):
    """``{python, torch, ganlib, git_commit}``, the commit being that of the checkout holding ``where``."""
    import torch

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "ganlib": ganlib.__version__,
        "git_commit": git_commit(where),
    }


def cached_result(out_dir, chapter, key):
    """The results of the last good run of ``chapter`` in ``out_dir`` if its cache key is ``key``, else None."""
    path = out_dir / f"{chapter.name}.results.json"
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    good = old.get("cache_key") == key and old.get("status") == "ok"
    return old if good and (out_dir / f"{chapter.name}.ipynb").exists() else None
