"""``--format table``: the traces as the textbook prints them, drawn by rich.

Rows read ``w1 = x1 * x2 = 2 * 3 = 6`` with the ``=`` signs aligned in columns.
Colour only when asked (the CLI asks when stdout is a terminal and NO_COLOR is
unset); otherwise a plain layout with no box drawing, stable for golden files.
"""

from __future__ import annotations

import io
from typing import Any

from ..rows import Row, RowPrinter, primal_rows, point_text, sweep_rows, sweep_title
from ..tracing import Trace
from .common import check_mark, one_line, result_name

#: a trace longer than this shows its first and last rows and says how many it elides
MAX_ROWS = 200
HEAD_ROWS, TAIL_ROWS = 120, 40


def _grid(rows: list[Row], printer: RowPrinter, *, color: bool, flows: bool = False) -> Any:
    from rich.table import Table

    table = Table.grid(padding=(0, 1), pad_edge=False)
    table.add_column(no_wrap=True, style="bold" if color else None)  # lhs
    for _ in range(3):
        table.add_column(no_wrap=True)  # =
        table.add_column(overflow="fold")  # rule / numbers / value
    if flows:
        table.add_column(style="dim" if color else None, overflow="fold")
    shown: list[Row | None] = list(rows)
    if len(rows) > MAX_ROWS:
        shown = rows[:HEAD_ROWS] + [None] + rows[-TAIL_ROWS:]
    for row in shown:
        if row is None:
            elided = len(rows) - HEAD_ROWS - TAIL_ROWS
            table.add_row(f"… {elided:,} rows elided (--format json or csv lists them all) …")
            continue
        lhs, rhs, subst, value = printer.parts(row)
        cells = [lhs, "=" if rhs else "", rhs, "=" if subst else "", subst, "=", value]
        if flows:
            cells.append(f"({row.flow})" if row.flow else "")
        table.add_row(*cells)
    return table


def render(t: Trace, *, color: bool = False, width: int = 80, **_: Any) -> str:
    from rich.console import Console
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if color else None,
                      force_terminal=color, no_color=not color, highlight=False, emoji=False,
                      soft_wrap=False)
    printer = RowPrinter(t.labels, digits=t.digits)
    head = "bold underline" if color else None

    def section(title: str) -> None:
        console.print()
        console.print(Text(title, style=head or ""))

    console.print(Text(f"adtrace {t.mode}: {one_line(t.program.source)}",
                       style="bold" if color else ""), overflow="fold")
    console.print(f"at {point_text(t)}", overflow="fold", markup=False)
    section("Primal trace")
    console.print(_grid(primal_rows(t), printer, color=color))
    for k, sweep in enumerate(t.sweeps, start=1):
        section(sweep_title(t, sweep, k))
        console.print(_grid(sweep_rows(t, sweep), printer, color=color,
                            flows=sweep.mode == "reverse"))
    section("Derivatives")
    from rich.table import Table

    table = Table.grid(padding=(0, 1), pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column()
    table.add_column(overflow="fold")
    for sweep in t.sweeps:
        for name, value in sweep.result.items():
            table.add_row(result_name(t, sweep, name), "=", printer.number(value))
    console.print(table)
    if t.check is not None:
        _check(console, t, printer, section, color)
    return "\n".join(line.rstrip() for line in buf.getvalue().split("\n"))


def _check(console: Any, t: Trace, printer: RowPrinter, section: Any, color: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    c = t.check
    assert c is not None
    if c.skipped:
        section("Symbolic check (SymPy)")
        console.print(f"skipped: {c.skipped}", markup=False)
        return
    section("Symbolic check (SymPy diff at the point)")
    table = Table.grid(padding=(0, 1), pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    for e in c.entries:
        name = f"∂{e.output}/∂{e.input}" if "=" not in e.output + e.input else (
            f"{e.output} · ∂/∂{e.input}" if "=" in e.output else f"∂{e.output} along {e.input}")
        mark = check_mark(e.agree)
        style = ("green" if e.agree else "red" if e.agree is False else "yellow") if color else ""
        table.add_row(name, e.symbolic, "= " + printer.number(e.value),
                      "AD " + printer.number(e.ad), Text(mark, style=style))
    console.print(table)
    for e in c.entries:
        if e.note:
            console.print(f"note: {e.note}", markup=False)
            break
