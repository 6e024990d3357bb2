"""Output formats: one module per format, and the one registry that lists them.

A format module offers some of these, and :data:`FORMATS` says which:

``trace``
    ``render(trace, *, color=False, width=80, standalone=False) -> str``: a forward or
    reverse trace (``adtrace forward|reverse --format``).
``compare``
    ``compare(comparison, *, color=False, width=80, standalone=False) -> str``: forward
    against reverse mode (``adtrace compare --format``).
``graph``
    ``graph(graph, *, fmt, color=False, width=80) -> str | bytes``: the computational
    graph (``adtrace graph --format``; ``fmt`` is the name asked for, bytes for ``png``).
``document``
    the pieces ``adtrace key`` builds answer keys and worksheets from; they are listed,
    with their signatures, by :class:`DocumentFormat`.

The command line's ``--format`` choices are the names here that offer what the command
prints, in this order.  Adding a format is one module under ``adtrace/render/`` and one
line in :data:`FORMATS`.  This module imports no format: a module is imported when its
format is used, so ``adtrace --help`` stays fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..compare import Comparison
    from ..graph import Graph
    from ..program import Program
    from ..tracing import Sweep, Trace

TRACE, COMPARE, GRAPH, DOCUMENT = "trace", "compare", "graph", "document"


@dataclass(frozen=True)
class Format:
    """One ``--format`` name: the module that prints it, and what it prints."""

    module: str  # under adtrace.render
    offers: tuple[str, ...]  # TRACE, COMPARE, GRAPH, DOCUMENT: the commands that list it
    color: bool = False  # drawn for a terminal: coloured when stdout is one
    standalone: bool = False  # --standalone prints a complete document
    binary: bool = False  # bytes, not text
    utf8: bool = False  # declares its encoding (JSON, SVG): UTF-8 on every stream, never ASCII
    suffixes: tuple[str, ...] = ()  # an output file named so implies this format


FORMATS: dict[str, Format] = {
    "table": Format("table", (TRACE, COMPARE), color=True),
    "markdown": Format("markdown", (TRACE, COMPARE, DOCUMENT)),
    "latex": Format("latex", (TRACE, COMPARE, DOCUMENT), standalone=True,
                    suffixes=(".tex", ".latex")),
    "json": Format("json", (TRACE, COMPARE), utf8=True),
    "csv": Format("csv", (TRACE, COMPARE)),
    "text": Format("text", (GRAPH,), color=True),
    "dot": Format("dot", (GRAPH,)),
    "mermaid": Format("mermaid", (GRAPH,)),
    "tikz": Format("latex", (GRAPH,)),  # LaTeX's graph, under the name of its picture
    "svg": Format("image", (GRAPH,), utf8=True),
    "png": Format("image", (GRAPH,), binary=True),
}


def names(offer: str) -> tuple[str, ...]:
    """The format names that offer ``offer`` (trace, compare, graph, document), in order."""
    return tuple(name for name, f in FORMATS.items() if offer in f.offers)


def load(name: str, offer: str) -> Any:
    """The module of format ``name``, which must offer ``offer``."""
    if offer not in FORMATS.get(name, Format("", ())).offers:
        raise ValueError(f"unknown {offer} format '{name}' (one of {', '.join(names(offer))})")
    return importlib.import_module(f"{__name__}.{FORMATS[name].module}")


def render(trace: Trace, fmt: str, **options: Any) -> str:
    """A trace in format ``fmt``."""
    return load(fmt, TRACE).render(trace, **options)  # type: ignore[no-any-return]


def render_compare(comparison: Comparison, fmt: str, **options: Any) -> str:
    """A comparison of forward and reverse mode in format ``fmt``."""
    return load(fmt, COMPARE).compare(comparison, **options)  # type: ignore[no-any-return]


def render_graph(graph: Graph, fmt: str, **options: Any) -> str | bytes:
    """A computational graph in format ``fmt`` (``png``: bytes)."""
    return load(fmt, GRAPH).graph(graph, fmt=fmt, **options)  # type: ignore[no-any-return]


class DocumentFormat(Protocol):
    """The pieces of a document (``adtrace key``): each returns lines in the format (a
    piece's own spacing included) or, for inline text, a string.

    ``level`` is a heading's depth (1: the document's title; a format whose tables carry
    their titles may ignore it); ``worksheet`` is an ``adtrace.worksheet.Worksheet``
    (which cells to leave blank) or None for an answer key.  Text given to a piece is plain
    text that the piece escapes; ``title`` and ``paragraph`` keep ``$...$`` as math.
    """

    def title(self, text: str, lines: list[str]) -> list[str]:
        """The document's title, and lines under it (the course, the points in all)."""

    def problem(self, heading: str, opening: list[str], *, new_page: bool = False) -> list[str]:
        """A problem's heading, then its opening (built from ``paragraph``, ``formula``
        and ``point``), kept with the start of what follows where pages exist;
        ``new_page``: the problem starts a new page."""

    def paragraph(self, text: str) -> list[str]:
        """A paragraph of prose."""

    def text(self, text: str) -> str:
        """Plain text, escaped, to join into a caption or a sentence."""

    def sweep_seed(self, t: Trace, sweep: Sweep) -> str:
        """A sweep's seed, inline: ``ẋ1 = 1``."""

    def formula(self, program: Program) -> list[str]:
        """The function as written."""

    def point(self, t: Trace, what: str) -> list[str]:
        """The point, and then ``what`` is computed there (``forward mode``)."""

    def trace_sections(self, t: Trace, *, level: int, worksheet: Any = None,
                       primal: bool = True, check: bool = True,
                       derivatives_title: str = "Derivatives") -> list[str]:
        """A trace: its primal trace (unless not ``primal``), sweeps, derivatives, and
        its symbolic check (unless not ``check``)."""

    def compare_sections(self, c: Comparison, *, level: int, worksheet: Any = None,
                         digits: int = 4, rules: bool = True) -> list[str]:
        """Forward against reverse mode, with how things are counted when ``rules``."""

    def figure(self, title: str, caption: str, g: Graph, level: int) -> list[str]:
        """The graph ``g`` drawn, titled and captioned (``caption`` is already in the
        format: built from ``text`` and ``sweep_seed``)."""

    def document(self, body: list[str], *, standalone: bool = True,
                 figures: bool = False) -> str:
        """The lines as a file: a complete document, or with ``standalone`` false a
        fragment to include; ``figures`` says the body has figures."""
