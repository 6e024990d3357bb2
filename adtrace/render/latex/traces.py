r"""A trace in LaTeX: the primal trace, each sweep, the derivatives, the check.

Each trace is one table whose rows read ``v_{1} = \ln v_{-1} = \ln 2 = 0.6931`` with the
equals signs in their own columns and the values aligned on the decimal point; an
accumulating adjoint reads ``\bar{v}_{0} = \bar{v}_{0} + \bar{v}_{2} v_{-1}`` as the
textbook writes it.  On a worksheet the computed cells are lines to write on
(``\adblank``).
"""

from __future__ import annotations

from typing import Any

from ...notation import latex_number
from ...printer import RowPrinter
from ...program import _latex_mark, latex_name
from ...rows import Row, primal_rows, sweep_rows
from ...tracing import Sweep, Trace
from ..common import check_legend
from .escaping import escape
from .tables import (
    STRETCH,
    STRETCH_WORKSHEET,
    Blank,
    TraceTable,
    booktabs,
    exact_latex,
    font_size,
    split_number,
)

#: a worksheet's shortest lines (em): for a rule or a row with values, for a value, for an
#: exact form (each column's lines are as long as its longest answer needs)
RULE_BLANK, VALUE_BLANK, EXACT_BLANK = 7.0, 4.5, 5.0
#: a symbolic derivative longer than this (in text) is listed under the check's table,
#: typeset, with those of the other entries
SYMBOLIC_IN_TABLE = 50


def trace_table(t: Trace, title: str, rows: list[Row], *, worksheet: Any = None,
                flows: bool = False) -> list[str]:
    printer = RowPrinter(t.labels, digits=t.digits, latex=True)
    text = RowPrinter(t.labels, digits=t.digits)
    table = TraceTable(title, exact=t.exact is not None, flows=flows,
                       worksheet=worksheet is not None)
    for row in rows:
        lhs, rhs, subst, value = printer.parts(row)
        tparts = text.parts(row)
        hide = worksheet.hidden(row) if worksheet is not None else (False, False, False)
        cells: list[Any] = [lhs, "$=$" if rhs or hide[0] else "", rhs, "$=$" if subst or hide[1]
                            else "", subst, "$=$", *split_number(value)]
        if hide[0]:
            cells[2] = Blank(tparts[1], RULE_BLANK)
        if hide[1]:
            cells[4] = Blank(tparts[2] or tparts[3], RULE_BLANK)
        if hide[2]:
            cells[6:8] = [Blank(tparts[3], VALUE_BLANK), ""]
        exact = None
        if t.exact is not None:
            ex = exact_latex(row.exact, tparts[3])
            ex_text = row.exact.text if ex else ""
            exact = (lhs, Blank(ex_text, EXACT_BLANK), "") if hide[2] else (lhs, ex, ex_text)
        note = escape(f"({row.flow})") if flows and row.flow and not hide[0] else ""
        table.add(cells, sum(len(x) for x in tparts), exact, note)
    return table.lines()


def seed_latex(t: Trace, sweep: Sweep) -> str:
    """``$\\dot{x}_{1} = 1$``: the sweep's nonzero seeds, or ``zero seed``."""
    hot = {k: v for k, v in sweep.seed.items() if v != 0}
    seed = ", ".join(f"{_latex_mark(latex_name(k), sweep.kind.role)} = {latex_number(v, t.digits)}"
                     for k, v in hot.items())
    return f"${seed}$" if seed else "zero seed"


def sweep_title(t: Trace, sweep: Sweep, index: int) -> str:
    return rf"\textbf{{{sweep.kind.title} {index}:}} " + seed_latex(t, sweep)


def result_latex(sweep: Sweep, name: str) -> str:
    """``\\partial f/\\partial x_{1}`` for unit seeds, ``\\dot{f}``/``\\bar{x}_{1}`` otherwise."""
    unit = sweep.unit
    if unit is None:
        return _latex_mark(latex_name(name), sweep.kind.role)
    output, inp = sweep.kind.entry(unit, name)
    return rf"\partial {latex_name(output)}/\partial {latex_name(inp)}"


def check_name(output: str, inp: str) -> str:
    """A check entry's name in math (the text one is ``common.check_name``)."""
    if "=" in output:
        return rf"\text{{{escape(output)}}} \cdot \partial/\partial {latex_name(inp)}"
    if "=" in inp:
        return rf"\partial {latex_name(output)} \text{{ along {escape(inp)}}}"
    return rf"\partial {latex_name(output)}/\partial {latex_name(inp)}"


def trace_sections(t: Trace, *, level: int = 2, worksheet: Any = None, primal: bool = True,
                   derivatives: bool = True, check: bool = True,
                   derivatives_title: str = "Derivatives") -> list[str]:
    """The trace's tables as LaTeX lines: primal trace, sweeps, derivatives, check.

    Each table carries its title, so ``level`` changes nothing here.
    """
    lines: list[str] = []
    if primal:
        lines += trace_table(t, r"\textbf{Primal trace}", primal_rows(t), worksheet=worksheet)
    for k, sweep in enumerate(t.sweeps, start=1):
        lines += trace_table(t, sweep_title(t, sweep, k), sweep_rows(t, sweep),
                             worksheet=worksheet, flows=sweep.kind.flows)
    if derivatives:
        lines += derivatives_table(t, derivatives_title, worksheet=worksheet)
    if check and t.check is not None:
        lines += check_table(t, worksheet=worksheet)
    lines += notes(t)
    return lines


def derivatives_table(t: Trace, title: str, *, worksheet: Any = None) -> list[str]:
    text = RowPrinter(t.labels, digits=t.digits)
    table = TraceTable(rf"\textbf{{{escape(title)}}}", exact=t.exact is not None, flows=False,
                   worksheet=worksheet is not None)
    for sweep in t.sweeps:
        for name, value in sweep.result.items():
            shown = text.number(value)
            lhs = result_latex(sweep, name)
            cells: list[Any] = [lhs, "", "", "", "", "$=$",
                                *split_number(latex_number(value, t.digits))]
            exact = None
            if t.exact is not None:
                ex = t.exact.result(sweep, name)
                shown_ex = exact_latex(ex, shown)
                exact = (lhs, shown_ex, ex.text if shown_ex else "")
            if worksheet is not None:
                cells[6:8] = [Blank(shown, VALUE_BLANK), ""]
                if exact is not None:
                    exact = (lhs, Blank(exact[2], EXACT_BLANK), "")
            table.add(cells, 12 + len(shown), exact)
    return table.lines()


def check_table(t: Trace, *, worksheet: Any = None) -> list[str]:
    """SymPy's derivatives, their values at the point and AD's, then what the columns are.

    Every derivative is typeset.  When one is longer than :data:`SYMBOLIC_IN_TABLE`
    characters, all of them are listed under the table instead, each a paragraph of
    its own in which TeX breaks the formula between terms, continuing indented.
    """
    c = t.check
    assert c is not None
    if c.skipped:
        return [rf"\par\textbf{{Symbolic check (SymPy):}} skipped: {escape(c.skipped)}."]
    blank = worksheet is not None
    long = any(len(e.symbolic) > SYMBOLIC_IN_TABLE for e in c.entries) and not blank
    rows = []
    for e in c.entries:
        mark = {True: r"\checkmark", False: r"\times", None: "-"}[e.agree]
        name = check_name(e.output, e.input)
        if blank:
            rows.append([name, r"\adblank[10em]", r"\adblank[3em]", "", r"\adblank[3em]", "", ""])
            continue
        symbolic = [] if long else [_typeset(e)]
        rows.append([name, *symbolic, *split_number(latex_number(e.value, t.digits)),
                     *split_number(latex_number(e.ad, t.digits)), mark])
    gap = r"@{\hspace{1.5em}}"
    g = gap[:-1]
    spec = (r"@{}>{$}l<{$}" + ("" if long else gap + r">{$}l<{$}") + gap +
            r">{$}r<{$}@{}>{$}l<{$}" + gap + r">{$}r<{$}@{}>{$}l<{$}" + gap + r">{$}c<{$}@{}")
    head = (r"\multicolumn{1}{@{}l}{\textbf{Symbolic check}}" +
            ("" if long else r" & \multicolumn{1}{" + g + r"}l}{\textit{SymPy's derivative}}") +
            r" & \multicolumn{2}{" + g + r"}c}{\textit{at the point}}"
            r" & \multicolumn{2}{" + g + r"}c}{\textit{AD}} & \\")
    width = 40 + (0 if long else max((len(e.symbolic) for e in c.entries), default=0))
    lines = booktabs(spec, head, rows, size=font_size(width),
                     stretch=STRETCH_WORKSHEET if blank else STRETCH, breakable=False)
    if long:
        lines += [r"\begin{flushleft}\small", r"\textit{SymPy's derivatives:}\par\nopagebreak"]
        lines += [rf"\hangindent=2em\hangafter=1 $\displaystyle {check_name(e.output, e.input)}"
                  rf" = {_typeset(e)}$\par\medskip" for e in c.entries]
        lines.append(r"\end{flushleft}")
    if not blank:
        lines += [rf"\par {escape(legend)}" for legend in check_legend(
            [e.symbolic for e in c.entries])]
        for e in c.entries:
            if e.note:
                lines.append(rf"\par\textit{{Note:}} {escape(e.note)}.")
                break
    return lines


def _typeset(e: Any) -> str:
    """A check entry's derivative in math: its LaTeX, or its text as text where it has none."""
    return e.latex or rf"\text{{{escape(e.symbolic)}}}"


def notes(t: Trace) -> list[str]:
    lines = [rf"\par\textit{{Warning:}} {escape(w)}" for w in t.warnings]
    if t.exact is not None:
        lines += [rf"\par\textit{{Note:}} {escape(n)}." for n in t.exact.notes]
    return lines
