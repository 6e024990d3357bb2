"""``adtrace compare --format markdown``: the comparison as GitHub-flavoured Markdown.

:func:`sections` prints the body (the two modes side by side, which is cheaper and
why, the operations of every sweep, the Jacobian, and optionally how things are
counted); ``adtrace compare`` puts a title and the point above it, and ``adtrace key``
uses the same function for a problem of mode ``compare`` (with its worksheet, which
leaves every computed cell blank).
"""

from __future__ import annotations

from typing import Any

from ..compare import DEFINITIONS, Comparison, ModeCost
from ..expr import fmt_number
from ..rows import point_text
from .markdown import code, escape, table

#: a comparison with more sweeps than this shows the first and last ones (as the table does)
MAX_SWEEP_ROWS = 200
HEAD_SWEEPS, TAIL_SWEEPS = 120, 40
#: a Jacobian with more entries than this is left to --format csv and json
MAX_JACOBIAN_ENTRIES = 2_000
#: with more inputs than this (and more inputs than outputs) the Jacobian is shown
#: transposed, one row per input, so that it stays narrow
TRANSPOSE_INPUTS = 6


def shown_sweeps(cost: ModeCost) -> list[Any]:
    """The sweeps to list, with None where a long middle is left out."""
    sweeps: list[Any] = list(cost.sweeps)
    if len(sweeps) > MAX_SWEEP_ROWS:
        sweeps = sweeps[:HEAD_SWEEPS] + [None] + sweeps[-TAIL_SWEEPS:]
    return sweeps


def transposed(c: Comparison) -> bool:
    """Whether the Jacobian is shown one row per input (many inputs, fewer outputs)."""
    n, m = len(c.inputs), len(c.outputs)
    return n > TRANSPOSE_INPUTS and n > m


def agreement(c: Comparison) -> str:
    """The sentence under the Jacobian: how each mode fills it, and that they agree."""
    return ("Forward mode fills one column per tangent sweep, reverse mode one row per "
            "adjoint sweep; the two agree" +
            ("" if c.max_difference == 0 else f" to {fmt_number(c.max_difference)}") + ".")


def cheaper_text(c: Comparison) -> str:
    return "either mode" if c.cheaper == "either" else f"{c.cheaper} mode"


def sections(c: Comparison, *, level: int = 2, worksheet: Any = None, digits: int = 4,
             rules: bool = True) -> list[str]:
    """The comparison's sections as Markdown lines (each starts with a blank line).

    ``worksheet`` (anything true) leaves every computed cell blank: the sweeps' names
    and seeds stay, the counts, the verdict and the Jacobian's entries do not.
    ``rules`` adds how operations and stored values are counted.
    """
    h = "#" * level
    blank = bool(worksheet)
    f, r = c.forward, c.reverse

    def cell(text: str) -> str:
        return "" if blank else escape(text)

    lines = ["", f"{h} Forward and reverse mode for the whole Jacobian", ""]
    lines += table(["", "forward mode", "reverse mode"], [
        ["sweeps", cell(f"{f.n_sweeps:,} (one per input)"),
         cell(f"{r.n_sweeps:,} (one per output)")],
        ["operations", cell(f"{f.operations:,}"), cell(f"{r.operations:,}")],
        ["values stored", cell(f"{f.stored:,} ({f.stored_what})"),
         cell(f"{r.stored:,} ({r.stored_what})")],
    ], "lll")
    lines += ["", "**Cheaper here:**" + ("" if blank else
                                         f" {escape(cheaper_text(c))}. {escape(c.why)}")]

    lines += ["", f"{h} Operations per sweep", ""]
    body: list[list[str]] = []
    for cost in (f, r):
        for s in shown_sweeps(cost):
            if s is None:
                left = len(cost.sweeps) - HEAD_SWEEPS - TAIL_SWEEPS
                body.append([cost.mode, escape(f"… {left:,} more sweeps …"), "", "", "", ""])
                continue
            body.append([cost.mode, escape(s.title), escape(s.seed), cell(f"{s.primal:,}"),
                         cell(f"{s.multiply_adds:,}"), cell(f"{s.operations:,}")])
        body.append([cost.mode, "**total**", "", cell(f"{sum(s.primal for s in cost.sweeps):,}"),
                     cell(f"{sum(s.multiply_adds for s in cost.sweeps):,}"),
                     cell(f"{cost.operations:,}")])
    lines += table(["mode", "sweep", "seed", "primal rows", "multiply-adds", "operations"], body,
                   "lllrrr")

    lines += ["", f"{h} Jacobian", ""]
    lines += jacobian(c, digits=digits, blank=blank)
    lines += ["", escape(agreement(c) if not blank else agreement(c).split(";")[0] + ".")]

    if rules:
        lines += ["", f"{h} How these are counted", ""]
        lines += [f"- *{escape(key)}*: {escape(text)}." for key, text in DEFINITIONS.items()]
    for warning in c.warnings:
        lines += ["", escape(f"Warning: {warning}")]
    return lines


def jacobian(c: Comparison, *, digits: int = 4, blank: bool = False) -> list[str]:
    """The Jacobian as a table: outputs down, inputs across (or transposed when wide)."""
    view = c.jacobian
    m, n = view.shape
    if m * n > MAX_JACOBIAN_ENTRIES:
        return [escape(f"{m:,} × {n:,} entries: too many to show here "
                       "(--format csv or json lists them all).")]

    def entry(i: int, j: int) -> str:
        v = view.entries[i][j]
        return "" if blank else ("·" if v is None else escape(fmt_number(v, digits)))

    if transposed(c):
        head = [""] + [escape(o) for o in view.outputs]
        body = [[escape(f"∂/∂{x}")] + [entry(i, j) for i in range(m)]
                for j, x in enumerate(view.inputs)]
        return table(head, body, "l" + "r" * m)
    head = [""] + [escape(f"∂/∂{x}") for x in view.inputs]
    body = [[escape(o)] + [entry(i, j) for j in range(n)] for i, o in enumerate(view.outputs)]
    return table(head, body, "l" + "r" * n)


def render(c: Comparison, **_: Any) -> str:
    from .table import header

    t = c.reverse_trace
    assert t is not None
    n, m = len(c.inputs), len(c.outputs)
    lines = [f"# Forward or reverse mode: {code(header(c.source))}", "",
             escape(f"At {point_text(t)}: n = {n:,} input{'s' * (n != 1)}, m = {m:,} output"
                    f"{'s' * (m != 1)}, {c.primal_rows:,} rows in the primal trace.")]
    lines += sections(c, level=2)
    return "\n".join(lines) + "\n"
