"""The graph formats of ``adtrace graph --format``, one module each, chosen by name.

A graph renderer is ``render(graph, *, fmt, color=False, width=80, **options)`` and
returns text (``png``: bytes).  Adding a format means adding a module and one line
here.  This module imports nothing else, so the command line can list the formats
without loading the renderers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

#: format name -> module under adtrace.render
GRAPH_RENDERERS: dict[str, str] = {
    "text": "graph_text",
    "dot": "graph_dot",
    "mermaid": "graph_mermaid",
    "tikz": "graph_tikz",
    "svg": "graph_image",
    "png": "graph_image",
}

#: formats whose output is bytes, not text
BINARY_FORMATS = frozenset({"png"})


def get_graph_renderer(name: str) -> Callable[..., str | bytes]:
    if name not in GRAPH_RENDERERS:
        raise ValueError(f"unknown graph format '{name}' "
                         f"(one of {', '.join(GRAPH_RENDERERS)})")
    module = importlib.import_module(f"{__package__}.{GRAPH_RENDERERS[name]}")
    return module.render  # type: ignore[no-any-return]
