"""The parameter grammar: a chapter's typed, ranged parameters and the user's ``-p`` overrides.

A chapter declares its parameters in its cell tagged ``parameters``, one a line::

    steps: int = 300  # generator steps; range [1, inf)
    lr: float = 1e-3  # learning rate; range (0, inf)
    device: str = "auto"  # torch device; one of auto|cpu|cuda
    losses: str = "minimax,rsgan"  # comma-separated losses of the study; each one of minimax|rsgan|wgan

The comment is the help text, in clauses separated by ``;``. Three clauses constrain the value:

- ``range [low, high]`` bounds an int or a float; a round bracket excludes its end, ``inf`` leaves
  a side open. An int is also bound to 64 bits, whatever its declaration says.
- ``one of a|b|c``: a str that is one of the choices.
- ``each one of a|b|c``: a str that lists one or more of the choices, separated by commas, each at
  most once (spaces around the commas are dropped).

Everything the user asks for is checked against these declarations before anything runs; a
value that does not fit is a :class:`UsageError`. A ``-p NAME=VALUE`` value is read by the
declared type, never as YAML: an int is decimal digits (``010`` is ten, ``1:30`` is no int), a
float a decimal or scientific number, a bool ``true`` or ``false``, a str the text as given
(``on`` stays ``"on"``).
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass

__all__ = ["UsageError", "Param", "parse_param", "parse_overrides"]

_TYPES = {"int": int, "float": float, "bool": bool, "str": str}
_INT64 = (-(2**63), 2**63 - 1)


class UsageError(Exception):
    """Bad input from the user: reported as one line, nothing executed."""


def _short(value, width=40):
    """``repr(value)``, cut to ``width`` characters: a 5,000-digit value must not flood the one error line."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _number_text(x):
    return f"{int(x)}" if float(x).is_integer() and abs(x) < 1e16 else f"{x:g}"


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
    choices: tuple | None = None  # from "one of a|b|c" or "each one of a|b|c"
    each: bool = False  # "each one of": a comma-separated list of choices, not one choice

    def range_text(self):
        """The allowed values in short: ``[1, inf)``, ``auto|cpu|cuda`` or ``list of a|b|c``."""
        if self.choices:
            return ("list of " if self.each else "") + "|".join(self.choices)
        if self.low is None and self.high is None:
            return ""
        lo = "-inf" if self.low is None else _number_text(self.low)
        hi = "inf" if self.high is None else _number_text(self.high)
        return f"{'(' if self.low_open else '['}{lo}, {hi}{')' if self.high_open else ']'}"

    def help_text(self):
        """The help without its range and choices clauses, which :meth:`range_text` shows."""
        clauses = [c.strip() for c in self.help.split(";")]
        return "; ".join(c for c in clauses if c and not _CONSTRAINT.match(c))

    def parse(self, text, source):
        """The value of ``-p NAME=TEXT``, read by the declared type and checked like :meth:`coerce`."""
        text = text.strip()
        where = f"parameter {self.name!r} ({source})"
        if not text:
            raise UsageError(f"{where}: a value is required")
        if self.type == "str":
            return self.coerce(text, source)
        if self.type == "int" and _INT.fullmatch(text) and len(text.lstrip("+-")) > 19:
            raise UsageError(f"{where}: {_short(text)} is outside the 64-bit integer range")
        return self.coerce(_scalar(text), source)

    def coerce(self, value, source):
        """``value`` checked against the declared type, range and choices; ``source`` names it."""
        where = f"parameter {self.name!r} ({source})"
        value = _TYPE_CHECKS[self.type](value, where)
        if self.each:
            return self._check_list(value, where)
        if self.choices and value not in self.choices:
            raise UsageError(f"{where}: {_short(value)} is not one of {', '.join(self.choices)}")
        if self.type in ("int", "float"):
            self._check_range(value, where)
        return value

    def _check_range(self, value, where):
        too_low = self.low is not None and (value <= self.low if self.low_open else value < self.low)
        too_high = self.high is not None and (value >= self.high if self.high_open else value > self.high)
        if too_low or too_high:
            raise UsageError(f"{where}: {_short(value)} is outside the allowed range {self.range_text()}")
        if self.type == "int" and not _INT64[0] <= value <= _INT64[1]:
            raise UsageError(f"{where}: {_short(value)} is outside the 64-bit integer range")

    def _check_list(self, value, where):
        """A comma-separated list of the choices, returned with the spaces around its commas dropped."""
        items = [item.strip() for item in value.split(",")]
        if not all(items):
            raise UsageError(f"{where}: {_short(value)} has an empty item; separate the names by single commas")
        for item in items:
            if item not in self.choices:
                raise UsageError(f"{where}: {_short(item)} is not one of {', '.join(self.choices)}")
        repeated = sorted({item for item in items if items.count(item) > 1})
        if repeated:
            raise UsageError(f"{where}: {_short(repeated[0])} is listed more than once")
        return ",".join(items)


def _as_str(value, where):
    return value if isinstance(value, str) else str(value)


def _as_bool(value, where):
    if not isinstance(value, bool):
        raise UsageError(f"{where}: expected a bool (true/false), got {_short(value)}")
    return value


def _as_int(value, where):
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"{where}: expected an int, got {_short(value)}")
    return value


def _as_float(value, where):
    if isinstance(value, str) and _FLOAT.fullmatch(value.strip()):
        value = float(value)  # YAML 1.1 (profiles.yml) reads 1e-3 as text; a number was meant
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"{where}: expected a float, got {_short(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise UsageError(f"{where}: expected a finite float, got {_short(value)}")
    return value


_TYPE_CHECKS = {"str": _as_str, "bool": _as_bool, "int": _as_int, "float": _as_float}
_INT = re.compile(r"[-+]?\d+")
_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_NAME = r"[\w.:+-]+"  # a choice: a loss such as lsgan:-1-1-0 included
_RANGE = re.compile(r"range\s*([\[(])\s*([^,\])]*)\s*,\s*([^\])]*)\s*([\])])")
_CHOICES = re.compile(rf"(each\s+)?one of\s+({_NAME}(?:\|{_NAME})+)")
_CONSTRAINT = re.compile(rf"(range\s*[\[(]|(each\s+)?one of\s+{_NAME}\|)")


def _scalar(text):
    """``text`` as the int, float or bool it spells (YAML 1.2's core schema, not 1.1's), else as itself."""
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text) or text.lower().lstrip("+-") in ("inf", "nan"):
        return float(text)
    return {"true": True, "false": False}.get(text.lower(), text)


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
        if type_name != "str":
            raise UsageError(f"parameter {name!r}: '{m[0]}' declares choices, which only a str can have")
        kw.update(choices=tuple(m[2].split("|")), each=bool(m[1]))
    param = Param(name, type_name, default, text, **kw)
    param.coerce(default, "its default")  # a declaration that its own default breaks is reported at once
    return param


def parse_overrides(pairs):
    """``{name: text}`` from ``-p NAME=VALUE`` pairs; :meth:`Param.parse` reads each text by its type."""
    out = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"-p expects NAME=VALUE, got {_short(pair)}")
        out[name.strip()] = text
    return out
