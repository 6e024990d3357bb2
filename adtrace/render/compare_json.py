"""``adtrace compare --format json``: the contract's compare object, schema 1."""

from __future__ import annotations

from typing import Any

from ..compare import Comparison
from .jsontext import dumps


def render(c: Comparison, **_: Any) -> str:
    return dumps(c.as_dict(), end="\n")
