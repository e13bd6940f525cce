"""Versions are pinned once, in pyproject's extras; environment.yml must say the same."""

from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_environment_yml_agrees_with_pyproject_extras():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    pinned = extras["book"] + extras["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert [p for p in pip if p != "-e ."] == pinned
    assert all("==" in p for p in pinned), "every extra is pinned to one version"
    assert "torch==2.13.0" in pinned
