"""The command line's small languages: ``--at x1=2,x2=pi/4``, ``--wrt x1,x2``, ``--seed``."""

from __future__ import annotations

import re

from .errors import BindingError
from .program import Const

NAME = re.compile(r"[^\W\d]\w*")


def split_top(text: str) -> list[str]:
    """Split at commas that are not inside parentheses (``x=max(1,2),y=3``)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def parse_assignments(text: str, option: str) -> list[tuple[str, Const]]:
    """``x1=2,x2=1/2`` -> [("x1", Const 2), ("x2", Const 1/2)], checked."""
    from .parse import parse_constant

    if len(text) > 100_000:
        raise BindingError(f"{option}: the value is too long")
    out: list[tuple[str, Const]] = []
    seen: dict[str, None] = {}
    for item in split_top(text):
        item = item.strip()
        if not item:
            raise BindingError(f"{option}: an empty item in '{text}' (write NAME=VALUE,...)")
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq:
            raise BindingError(f"{option}: '{item}' is not NAME=VALUE")
        _add_name(name, seen, option, "a variable name")
        out.append((name, parse_constant(value, f"{option} {name}")))
    return out


def parse_names(text: str, option: str) -> list[str]:
    """``x1,x2`` -> ["x1", "x2"], checked."""
    names: dict[str, None] = {}  # in order
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise BindingError(f"{option}: an empty name in '{text}'")
        _add_name(item, names, option, "a name")
    return list(names)


def _add_name(name: str, seen: dict[str, None], option: str, what: str) -> None:
    """Add a name not given before, or say what is wrong with it."""
    if not NAME.fullmatch(name):
        raise BindingError(f"{option}: '{name}' is not {what}")
    if name in seen:
        raise BindingError(f"{option}: '{name}' is given twice")
    seen[name] = None
