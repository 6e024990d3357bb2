"""Output formats, one module each, chosen from a registry.

A renderer is ``render(trace, *, color=False, width=80) -> str``.  Adding a
format means adding a module and one line here; ``--format`` offers exactly the
names below.  Modules are imported only when their format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

#: format name -> module under adtrace.render
RENDERERS: dict[str, str] = {
    "table": "table",
    "markdown": "markdown",
    "latex": "latex",
    "json": "json",
    "csv": "csv",
}


#: ``adtrace compare`` format name -> module under adtrace.render; each module has
#: ``render(comparison, *, color=False, width=80) -> str`` for an adtrace.compare.Comparison
COMPARE_RENDERERS: dict[str, str] = {
    "table": "compare_table",
    "markdown": "compare_markdown",
    "latex": "compare_latex",
    "json": "compare_json",
    "csv": "compare_csv",
}


def render_compare(comparison: Any, fmt: str, **options: Any) -> str:
    module = importlib.import_module(f"{__name__}.{COMPARE_RENDERERS[fmt]}")
    return module.render(comparison, **options)  # type: ignore[no-any-return]


def get_renderer(name: str) -> Callable[..., str]:
    module = importlib.import_module(f"{__name__}.{RENDERERS[name]}")
    return module.render  # type: ignore[no-any-return]


def render(trace: Any, fmt: str, **options: Any) -> str:
    return get_renderer(fmt)(trace, **options)
