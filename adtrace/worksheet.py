"""What a worksheet leaves blank: the computed cells of its tables (:class:`Worksheet`)
and the numbers of its graph (:func:`blank_graph`); the problem's data and the
structure stay.  ``adtrace key --worksheet`` prints the key's document with these
blanks (:mod:`adtrace.key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .kinds import FORWARD, REVERSE

#: a blank on a worksheet's graph, as text and in LaTeX (on the baseline: clear of the
#: edge below), about as wide as each other: room for a number written by hand
BLANK = "______"
BLANK_LATEX = r"\rule{3.5em}{0.4pt}"


@dataclass(frozen=True)
class Worksheet:
    """Which cells a worksheet leaves blank: everything computed, unless ``given``.

    Inputs and seeds stay (they are the problem's data); the rows' left-hand sides and
    the names of outputs and results stay (the structure).  ``given`` may keep the
    whole primal trace (``"primal"``) or the symbolic rule of every row (``"rules"``).
    """

    given: frozenset[str] = frozenset()

    def hidden(self, row: Any) -> tuple[bool, bool, bool]:
        """(rule, with values, value) blank for this row."""
        kind = row.kind
        if kind in ("input", "seed"):
            return (False, False, False)
        primal = kind == "primal" or (kind == "output" and getattr(row.rhs, "role", "") == "val")
        if primal and "primal" in self.given:
            return (False, False, False)
        if kind in ("output", "result"):
            return (False, False, True)
        if "rules" in self.given:
            return (False, True, True)
        return (True, True, True)


def blank_graph(g: Any, *, rules: bool, primal: bool) -> Any:
    """The worksheet's graph: structure, operations and partials' names stay; values,
    partials, tangents and adjoints are lines to write on (what the sweep carries along
    each edge is left out, to leave room), and a sum shows its terms
    (``x̄1 = __ + __ = __``).  The problem's data stay: the inputs' values, a forward
    sweep's input tangents, a reverse sweep's output weights.  The partials' formulas
    stay only when ``rules`` are given, the values only when the ``primal`` trace is."""
    from dataclasses import fields

    from .graph import Graph
    from .notation import fmt_number, latex_number

    keep = {n.node for n in g.nodes
            # the seeded nodes: a tangent sweep's inputs, an adjoint sweep's outputs
            if (g.kind is FORWARD and n.role == "input")
            or (g.kind is REVERSE and n.role == "output" and len(n.terms) <= 1)}

    class BlankGraph(Graph):
        def number(self, x: float) -> str:
            return BLANK

        def number_latex(self, x: float) -> str:
            return BLANK_LATEX

        def derivative_text(self, n: Any) -> str | None:
            if n.node in keep and n.derivative is not None:
                return f"{self.derivative_name(n.node)} = {fmt_number(n.derivative, self.digits)}"
            return super().derivative_text(n)

        def derivative_text_latex(self, n: Any) -> str | None:
            if n.node in keep and n.derivative is not None:
                return (f"{self.derivative_latex(n.node)} = "
                        f"{latex_number(n.derivative, self.digits)}")
            return super().derivative_text_latex(n)

        def flow_text(self, e: Any) -> str | None:
            return None  # an edge shows its partial only: room to write

        def flow_latex(self, e: Any) -> str | None:
            return None

        def sweep_text(self) -> str | None:
            return sweep

    sweep = g.sweep_text()
    blank = BlankGraph(**{f.name: getattr(g, f.name) for f in fields(g)})
    for n in blank.nodes:  # the point is data: an input reads "x1 = 2"; so is a given primal
        if (n.role == "input" or primal) and n.value is not None:
            n.title += f" = {fmt_number(n.value, g.digits)}"
            n.title_latex += f" = {latex_number(n.value, g.digits)}"
            n.value = None
    if not rules:
        for e in blank.edges:
            e.symbolic = e.symbolic_latex = ""
    return blank
