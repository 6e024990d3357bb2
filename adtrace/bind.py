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
    seen: set[str] = set()
    for item in split_top(text):
        item = item.strip()
        if not item:
            raise BindingError(f"{option}: an empty item in '{text}' (write NAME=VALUE,...)")
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq:
            raise BindingError(f"{option}: '{item}' is not NAME=VALUE")
        if not NAME.fullmatch(name):
            raise BindingError(f"{option}: '{name}' is not a variable name")
        if name in seen:
            raise BindingError(f"{option}: '{name}' is given twice")
        seen.add(name)
        out.append((name, parse_constant(value, f"{option} {name}")))
    return out


def parse_names(text: str, option: str) -> list[str]:
    names: list[str] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise BindingError(f"{option}: an empty name in '{text}'")
        if not NAME.fullmatch(item):
            raise BindingError(f"{option}: '{item}' is not a name")
        if item in names:
            raise BindingError(f"{option}: '{item}' is given twice")
        names.append(item)
    return names
