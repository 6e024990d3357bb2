"""``--format markdown``: GitHub-flavoured Markdown (GitHub, Jupyter, most viewers).

One module for everything printed in Markdown: a trace (:func:`render`), a comparison
of the two modes (:func:`compare`), the computational graph as a Mermaid block
(:func:`graph`), and the pieces of an ``adtrace key`` document (title, headings,
paragraphs, the function, the point, the traces, figures), listed by
:class:`adtrace.render.DocumentFormat`.  With a worksheet, the same tables have the
computed cells blank.

Names are the Unicode ones the terminal table prints (``v̄-1``, ``ẋ1``, ``∂f/∂x1``):
plain text renders the same everywhere, where inline math in table cells does not.
Every cell is escaped (``|``, ``*``, ``_``, backticks, ...); the formula is shown
verbatim in a code span.
"""

from __future__ import annotations

import re
from typing import Any

from ..compare import DEFINITIONS, Comparison
from ..graph import Graph
from ..notation import fmt_number, sym
from ..printer import RowPrinter
from ..program import Program
from ..rows import Row, point_text, primal_rows, sweep_rows, sweep_title
from ..tracing import Sweep, Trace
from .common import (
    CHECK_COLUMNS,
    MAX_JACOBIAN_ENTRIES,
    agreement,
    cheaper_text,
    check_legend,
    check_mark,
    check_name,
    code_lines,
    header,
    left_out,
    one_line,
    result_name,
    shown_sweeps,
    split_math,
    transposed,
)

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|$~&#!])")


def escape(text: str) -> str:
    """Text for a Markdown paragraph or table cell: punctuation escaped, one line."""
    return _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))


def code(text: str) -> str:
    """An inline code span that survives any backticks in ``text`` (and ``|`` in tables)."""
    text = " ".join(text.split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def code_block(text: str) -> list[str]:
    """A fenced code block for a multi-line program, fenced longer than any backtick run."""
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return [fence, *text.rstrip("\n").splitlines(), fence]


def text_with_math(text: str) -> str:
    """Prose with ``$...$`` math kept as math (GitHub and Jupyter render it), the rest escaped."""
    out = []
    for k, part in enumerate(split_math(text)):
        out.append(f"${part}$" if k % 2 else escape(part))
    line = "".join(out)
    # a paragraph must not turn into a list item: "- x", "+ x", "1. x", "2) x"
    line = re.sub(r"^(\s*)([-+])(?=\s|$)", r"\1\\\2", line)
    return re.sub(r"^(\s*\d+)([.)])(?=\s|$)", r"\1\\\2", line)


def table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    """A GFM table; ``align`` is one of ``l``/``r`` per column.  Cells must be escaped."""
    rule = {"l": ":--", "r": "--:"}

    def line(cells: list[str]) -> str:
        return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"

    return [line(header), "|" + "|".join(rule[a] for a in align) + "|"] + [line(r) for r in rows]


# --- exact values and worksheets ----------------------------------------------------------------


def exact_cell(exact: Any, shown_value: str) -> str:
    """The exact form where it says more than the decimal (``ln(2)``, not ``10`` next to 10)."""
    if exact is None or exact.text == shown_value:
        return ""
    return escape(exact.text)


def _hidden(worksheet: Any, row: Row) -> tuple[bool, bool, bool]:
    """(rule, with values, value) left blank on a worksheet."""
    if worksheet is None:
        return (False, False, False)
    return worksheet.hidden(row)  # type: ignore[no-any-return]


# --- sections -----------------------------------------------------------------------------------


def trace_table(t: Trace, rows: list[Row], *, worksheet: Any = None,
                flows: bool = False) -> list[str]:
    printer = RowPrinter(t.labels, digits=t.digits)
    exact = t.exact is not None
    header = ["", "rule", "with values", "value"] + (["exact"] if exact else [])
    align = "lllr" + ("l" if exact else "")
    if flows:
        header.append("note")
        align += "l"
    body = []
    for row in rows:
        lhs, rhs, subst, value = printer.parts(row)
        hide_rule, hide_subst, hide_value = _hidden(worksheet, row)
        cells = [escape(lhs), "" if hide_rule else escape(rhs),
                 "" if hide_subst else escape(subst), "" if hide_value else escape(value)]
        if exact:
            cells.append("" if hide_value else exact_cell(row.exact, value))
        if flows:
            cells.append(escape(row.flow or "") if not hide_rule else "")
        body.append(cells)
    return table(header, body, align)


def trace_sections(t: Trace, *, level: int = 2, worksheet: Any = None, primal: bool = True,
                   derivatives: bool = True, check: bool = True,
                   derivatives_title: str = "Derivatives") -> list[str]:
    """The trace's sections as Markdown lines: primal trace, sweeps, derivatives, check."""
    lines: list[str] = []
    printer = RowPrinter(t.labels, digits=t.digits)
    if primal:
        lines += [*heading("Primal trace", level), ""]
        lines += trace_table(t, primal_rows(t), worksheet=worksheet)
    for k, sweep in enumerate(t.sweeps, start=1):
        lines += [*heading(sweep_title(t, sweep, k), level), ""]
        lines += trace_table(t, sweep_rows(t, sweep), worksheet=worksheet,
                             flows=sweep.kind.flows)
    if derivatives:
        lines += [*heading(derivatives_title, level), ""]
        blank = worksheet is not None
        exact = t.exact is not None
        body = []
        for sweep in t.sweeps:
            ex = t.exact.sweep_of(sweep) if exact else None
            for name, value in sweep.result.items():
                shown = printer.number(value)
                cells = [escape(result_name(t, sweep, name)), "" if blank else escape(shown)]
                if exact:
                    cells.append("" if blank or ex is None else exact_cell(ex.result.get(name),
                                                                           shown))
                body.append(cells)
        lines += table(["derivative", "value"] + (["exact"] if exact else []), body,
                       "lr" + ("l" if exact else ""))
    if check and t.check is not None:
        lines += check_section(t, level=level, worksheet=worksheet)
    lines += notes(t)
    return lines


def check_section(t: Trace, *, level: int = 2, worksheet: Any = None) -> list[str]:
    """SymPy's derivatives, their values at the point and AD's, and what the columns are."""
    c = t.check
    assert c is not None
    if c.skipped:
        return [*heading("Symbolic check (SymPy)", level), "", escape(f"Skipped: {c.skipped}.")]
    printer = RowPrinter(t.labels, digits=t.digits)
    blank = worksheet is not None
    body = []
    for e in c.entries:
        body.append([escape(check_name(e.output, e.input)),
                     "" if blank else escape(e.symbolic),
                     "" if blank else escape(printer.number(e.value)),
                     "" if blank else escape(printer.number(e.ad)),
                     "" if blank else check_mark(e.agree)])
    lines = [*heading("Symbolic check (SymPy diff at the point)", level), ""]
    lines += table(list(CHECK_COLUMNS), body, "llrrl")
    if not blank:
        for legend in check_legend([e.symbolic for e in c.entries]):
            lines += ["", escape(legend)]
        for e in c.entries:
            if e.note:
                lines += ["", escape(f"Note: {e.note}.")]
                break
    return lines


def notes(t: Trace) -> list[str]:
    """Warnings (non-differentiable points) and what ``--exact`` left out."""
    lines: list[str] = []
    for w in t.warnings:
        lines += ["", escape(f"Warning: {w}")]
    if t.exact is not None:
        for n in t.exact.notes:
            lines += ["", escape(f"Note: {n}.")]
    return lines


def render(t: Trace, **_: Any) -> str:
    """A trace: the formula and the point, then its sections."""
    formula = one_line(t.program.source)
    lines = [f"# {t.mode.capitalize()} mode: {code(formula)}", "",
             f"at {escape(point_text(t))}"]
    lines += trace_sections(t, level=2)
    return document(lines)


# --- adtrace compare ----------------------------------------------------------------------------


def compare_sections(c: Comparison, *, level: int = 2, worksheet: Any = None, digits: int = 4,
                     rules: bool = True) -> list[str]:
    """The comparison's sections (each starts with a blank line): the two modes side by
    side, which is cheaper and why, the operations of every sweep, the Jacobian.

    ``worksheet`` (anything true) leaves every computed cell blank: the sweeps' names
    and seeds stay, the counts, the verdict and the Jacobian's entries do not.
    ``rules`` adds how operations and stored values are counted.
    """
    blank = bool(worksheet)
    f, r = c.forward, c.reverse

    def cell(text: str) -> str:
        return "" if blank else escape(text)

    lines = [*heading("Forward and reverse mode for the whole Jacobian", level), ""]
    # counts right-aligned, as every number in a table is; what they count beside them
    lines += table(["", "forward mode", "", "reverse mode", ""], [
        ["sweeps", cell(f"{f.n_sweeps:,}"), cell("(one per input)"), cell(f"{r.n_sweeps:,}"),
         cell("(one per output)")],
        ["operations", cell(f"{f.operations:,}"), "", cell(f"{r.operations:,}"), ""],
        ["values stored", cell(f"{f.stored:,}"), cell(f"({f.stored_what})"),
         cell(f"{r.stored:,}"), cell(f"({r.stored_what})")],
    ], "lrlrl")
    lines += ["", "**Cheaper here:**" + ("" if blank else
                                         f" {escape(cheaper_text(c))}. {escape(c.why)}")]

    lines += [*heading("Operations per sweep", level), ""]
    body: list[list[str]] = []
    for cost in (f, r):
        for s in shown_sweeps(cost):
            if s is None:
                more = sym(f"… {left_out(len(cost.sweeps)):,} more sweeps …")
                body.append([cost.mode, escape(more), "", "", "", ""])
                continue
            body.append([cost.mode, escape(s.title), escape(s.seed), cell(f"{s.primal:,}"),
                         cell(f"{s.multiply_adds:,}"), cell(f"{s.operations:,}")])
        body.append([cost.mode, "**total**", "", cell(f"{sum(s.primal for s in cost.sweeps):,}"),
                     cell(f"{sum(s.multiply_adds for s in cost.sweeps):,}"),
                     cell(f"{cost.operations:,}")])
    lines += table(["mode", "sweep", "seed", "primal rows", "multiply-adds", "operations"], body,
                   "lllrrr")

    lines += [*heading("Jacobian", level), ""]
    lines += jacobian(c, digits=digits, blank=blank)
    lines += ["", escape(agreement(c, blank=blank))]

    if rules:
        lines += [*heading("How these are counted", level), ""]
        lines += [f"- *{escape(key)}*: {escape(sym(text))}." for key, text in DEFINITIONS.items()]
    for warning in c.warnings:
        lines += ["", escape(f"Warning: {warning}")]
    return lines


def jacobian(c: Comparison, *, digits: int = 4, blank: bool = False) -> list[str]:
    """The Jacobian as a table: outputs down, inputs across (or transposed when wide)."""
    view = c.jacobian
    m, n = view.shape
    if m * n > MAX_JACOBIAN_ENTRIES:
        return [escape(sym(f"{m:,} × {n:,} entries: too many to show here "
                           "(--format csv or json lists them all)."))]

    def entry(i: int, j: int) -> str:
        v = view.entries[i][j]
        return "" if blank else (sym("·") if v is None else escape(fmt_number(v, digits)))

    if transposed(c):
        head = [""] + [escape(o) for o in view.outputs]
        body = [[escape(sym(f"∂/∂{x}"))] + [entry(i, j) for i in range(m)]
                for j, x in enumerate(view.inputs)]
        return table(head, body, "l" + "r" * m)
    head = [""] + [escape(sym(f"∂/∂{x}")) for x in view.inputs]
    body = [[escape(o)] + [entry(i, j) for j in range(n)] for i, o in enumerate(view.outputs)]
    return table(head, body, "l" + "r" * n)


def compare(c: Comparison, **_: Any) -> str:
    """``adtrace compare --format markdown``: a title and the point, then the sections."""
    t = c.reverse_trace
    assert t is not None
    n, m = len(c.inputs), len(c.outputs)
    lines = [f"# Forward or reverse mode: {code(header(c.source))}", "",
             escape(f"At {point_text(t)}: n = {n:,} input{'s' * (n != 1)}, m = {m:,} output"
                    f"{'s' * (m != 1)}, {c.primal_rows:,} rows in the primal trace.")]
    lines += compare_sections(c, level=2, digits=c.digits)
    return document(lines)


# --- the graph, and the pieces of a document (adtrace key) ---------------------------------------


def graph(g: Graph, **_: Any) -> str:
    """The graph as a fenced Mermaid block, which GitHub, GitLab and Jupyter draw: the
    figure of a Markdown document.  (``adtrace graph --format mermaid`` prints the
    flowchart alone.)"""
    from .mermaid import graph as flowchart

    return "\n".join(["```mermaid", *flowchart(g).rstrip("\n").splitlines(), "```"]) + "\n"


def title(text: str, lines: list[str]) -> list[str]:
    """``# title``, then each line (the course, the points in all) as a paragraph."""
    out = [f"# {text_with_math(text)}"]
    for line in lines:
        out += ["", text_with_math(line)]
    return out


#: before a problem that starts a new page: invisible on screen, a page break when a
#: browser (or a Markdown editor) prints the page
PAGE_BREAK = '<div style="page-break-before: always"></div>'


def problem(heading_text: str, opening: list[str], *, new_page: bool = False) -> list[str]:
    """``## heading``, then the opening (statement, function, point)."""
    return [*(["", PAGE_BREAK] if new_page else []), *heading(heading_text, 2), *opening]


def heading(text: str, level: int) -> list[str]:
    return ["", f"{'#' * level} {escape(text)}"]


def paragraph(text: str) -> list[str]:
    return ["", text_with_math(text)]


def text(text: str) -> str:
    return escape(text)


def sweep_seed(t: Trace, sweep: Sweep) -> str:
    """``ẋ1 = 1``: the seed as the sweep's title shows it."""
    return escape(sweep_title(t, sweep, 1).partition(": ")[2])


def formula(program: Program) -> list[str]:
    """The function as written: a code span, or a code block for a program of several lines.
    Comments are the file's notes to its reader (a source, a command to run), not the
    function: they are left out."""
    lines = code_lines(program.source)
    if len(lines) > 1:
        return ["", "Function:", "", *code_block("\n".join(lines))]
    return ["", f"Function: {code(lines[0] if lines else '')}"]


def point(t: Trace, what: str) -> list[str]:
    return ["", f"At {escape(point_text(t))}; {escape(what)}."]


def figure(title: str, caption: str, g: Graph, level: int) -> list[str]:
    """A heading, the caption, and the graph's Mermaid block."""
    return [*heading(title, level), "", caption, "", *graph(g).splitlines()]


def document(body: list[str], *, standalone: bool = True, figures: bool = False) -> str:
    """The lines as a file: Markdown needs no preamble."""
    return "\n".join(body) + "\n"
