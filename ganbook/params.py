"""The parameter grammar: a chapter's typed, ranged parameters and the user's ``-p`` overrides.

A chapter declares its parameters in its cell tagged ``parameters``, one a line::

    steps: int = 300  # generator steps; range [1, inf)
    lr: float = 1e-3  # learning rate; range (0, inf)
    device: str = "auto"  # torch device; one of auto|cpu|cuda

Everything the user asks for is checked against these declarations before anything runs; a
value that does not fit is a :class:`UsageError`.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass

import yaml

__all__ = ["UsageError", "Param", "parse_param", "parse_overrides"]

_TYPES = {"int": int, "float": float, "bool": bool, "str": str}


class UsageError(Exception):
    """Bad input from the user: reported as one line, nothing executed."""


@dataclass(frozen=True)
class Param:
    """A parameter a chapter declares in its first cell: type, default, and the range or choices its comment gives."""

    name: str
    type: str  # int | float | bool | str
    default: object
    help: str = ""
    low: float | None = None  # bounds of "range [low, high]" in the declaration
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple | None = None  # from "one of a|b|c"

    def range_text(self):
        if self.choices:
            return "|".join(self.choices)
        if self.low is None and self.high is None:
            return ""
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        return f"{'(' if self.low_open else '['}{lo}, {hi}{')' if self.high_open else ']'}"

    def coerce(self, value, source):
        """``value`` checked against the declared type, range and choices; ``source`` names it."""
        where = f"parameter {self.name!r} ({source})"
        if self.type == "str":
            value = value if isinstance(value, str) else str(value)
        elif self.type == "bool":
            if not isinstance(value, bool):
                raise UsageError(f"{where}: expected a bool (true/false), got {value!r}")
        elif self.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise UsageError(f"{where}: expected an int, got {value!r}")
        elif self.type == "float":
            if isinstance(value, str) and _FLOAT.fullmatch(value.strip()):
                value = float(value)  # YAML 1.1 reads 1e-3 as text; a number was meant
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise UsageError(f"{where}: expected a float, got {value!r}")
            value = float(value)
            if not math.isfinite(value):
                raise UsageError(f"{where}: expected a finite float, got {value!r}")
        if self.choices and value not in self.choices:
            raise UsageError(f"{where}: {value!r} is not one of {', '.join(self.choices)}")
        if self.type in ("int", "float"):
            too_low = self.low is not None and (value <= self.low if self.low_open else value < self.low)
            too_high = self.high is not None and (value >= self.high if self.high_open else value > self.high)
            if too_low or too_high:
                raise UsageError(f"{where}: {value!r} is outside the allowed range {self.range_text()}")
        return value


_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_RANGE = re.compile(r"range\s*([\[(])\s*([^,\])]*)\s*,\s*([^\])]*)\s*([\])])")
_CHOICES = re.compile(r"one of\s+([\w.-]+(?:\|[\w.-]+)+)")


def _bound(text):
    text = text.strip()
    return None if text in ("", "inf", "-inf", "+inf") else float(text)


def parse_param(name, info):
    """A :class:`Param` from papermill's description ``info`` of one line of a parameters cell."""
    type_name = info.get("inferred_type_name") or "None"
    if type_name not in _TYPES:
        raise UsageError(f"parameter {name!r} declares type {type_name!r}; use int, float, bool or str")
    try:
        default = ast.literal_eval(info["default"])
    except (ValueError, SyntaxError):
        raise UsageError(f"parameter {name!r}: default {info['default']!r} is not a literal") from None
    text = info.get("help") or ""
    kw = {}
    if m := _RANGE.search(text):
        kw = dict(low=_bound(m[2]), high=_bound(m[3]), low_open=m[1] == "(", high_open=m[4] == ")")
    if m := _CHOICES.search(text):
        kw["choices"] = tuple(m[1].split("|"))
    return Param(name, type_name, default, text, **kw)


def parse_overrides(pairs):
    """``{name: value}`` from ``-p NAME=VALUE`` pairs, each value read as one YAML scalar."""
    out = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"-p expects NAME=VALUE, got {pair!r}")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            raise UsageError(f"-p {name}: {text!r} is not a valid YAML scalar") from None
        if isinstance(value, (list, dict)) or (value is None and text.strip() not in ("", "null", "~")):
            raise UsageError(f"-p {name}: expected a single scalar value, got {text!r}")
        if value is None:
            raise UsageError(f"-p {name}: a value is required")
        out[name.strip()] = value
    return out
