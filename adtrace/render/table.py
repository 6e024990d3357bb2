"""``--format table``: traces and comparisons for the terminal, drawn by rich.

A trace's rows read ``w1 = x1 * x2 = 2 * 3 = 6`` with the ``=`` signs aligned in
columns (:func:`render`); ``adtrace compare`` shows forward and reverse mode side by
side, then the details (:func:`compare`).  Colour only when asked (the CLI asks when
stdout is a terminal and NO_COLOR is unset); otherwise a plain layout with no box
drawing, stable for golden files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..compare import DEFINITIONS, Comparison, ModeCost
from ..jacobian import JacobianView, jacobian_view
from ..notation import fmt_number, sym
from ..printer import RowPrinter
from ..rows import Row, point_text, primal_rows, sweep_rows, sweep_title
from ..tracing import Sweep, Trace
from .common import (
    CHECK_COLUMNS,
    HEAD_ROWS,
    MAX_JACOBIAN_ENTRIES,
    MAX_ROWS,
    TAIL_ROWS,
    cheaper_text,
    check_legend,
    check_mark,
    check_name,
    elide,
    header,
    left_out,
    printed,
    result_name,
    terminal,
    wrap_formula,
)

ELIDED = "⋮"
#: the narrowest column a check's derivatives wrap in; narrower, each has lines of its own
MIN_FORMULA = 20
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _section(t: Trace, sweep: Sweep | None = None) -> tuple[list[Row | None], int]:
    """The rows one section shows, and how many it has: up to MAX_ROWS rows, all of
    them; beyond, the first HEAD_ROWS and the last TAIL_ROWS with None in between (rows
    are cheap: only the ones shown are printed)."""
    full = primal_rows(t) if sweep is None else sweep_rows(t, sweep)
    return elide(full), len(full)


def _grid(shown: list[Row | None], printer: RowPrinter, *, color: bool,
          flows: bool = False, width: int = 80) -> Any:
    """A section's rows in aligned columns, or stacked one per line where the columns
    would not fit in ``width``."""
    from rich.table import Table

    exact = any(row is not None and row.exact is not None for row in shown)  # --exact
    rows: list[list[str] | None] = []
    for row in shown:
        if row is None:  # a placeholder line, replaced by the message in _print_grid
            rows.append(None)
            continue
        lhs, rhs, subst, value = printer.parts(row)
        cells = [lhs, "=" if rhs else "", rhs, "=" if subst else "", subst, "=", value]
        if exact:
            cells.append(_exact(row.exact, value))
        if flows:
            cells.append(f"({row.flow})" if row.flow else "")
        rows.append(cells)
    # the lhs, the = signs, the value and the note stay whole; rules and numbers may
    # wrap between their terms
    fit = _widths(rows, width, {0, 1, 3, 5, 6} | ({7 + exact} if flows else set()))
    if fit is None:
        return _stacked(rows, color, width)  # aligned, some label or number would break
    fit += [None] * (7 + exact + flows - len(fit))
    table = Table.grid(padding=(0, 1), pad_edge=False)
    table.add_column(no_wrap=True, style="bold" if color else None)  # lhs
    for k in range(3):
        table.add_column(no_wrap=True)  # =
        table.add_column(overflow="fold", width=fit[2 + 2 * k])  # rule, numbers, value
    if exact:
        table.add_column(overflow="fold", width=fit[7])
    if flows:
        table.add_column(style="dim" if color else None, overflow="fold", width=fit[-1])
    for cells in rows:
        table.add_row(*(cells if cells is not None else [sym(ELIDED)]))
    return table


def _widths(rows: list[list[str] | None], width: int,
            whole: set[int]) -> list[int | None] | None:
    """Column widths that fit ``width`` with every cell broken only between its words
    (the columns ``whole`` never, the others no narrower than their longest word: a
    label, a number, a term without spaces); None if none do.  Columns that need not
    shrink are left to their natural width (None)."""
    from rich.cells import cell_len

    natural: list[int] = []
    least: list[int] = []
    for cells in rows:
        for k, cell in enumerate(cells or []):
            if k == len(natural):
                natural.append(0)
                least.append(0)
            natural[k] = max(natural[k], cell_len(cell))
            least[k] = max(least[k], natural[k] if k in whole else max(
                (cell_len(w) for w in cell.split()), default=0))
    gaps = sum(1 for w in natural if w) - 1
    if sum(least) + gaps > width:
        return None
    widths, excess = list(natural), sum(natural) + gaps - width
    while excess > 0:  # narrow the columns with the most room to spare, one at a time
        k = max(range(len(widths)), key=lambda j: widths[j] - least[j])
        cut = min(widths[k] - least[k], excess)
        widths[k] -= cut
        excess -= cut
    return [w if w != n else None for w, n in zip(widths, natural)]


def _stacked(rows: list[list[str] | None], color: bool, width: int) -> Any:
    """Rows too wide for aligned columns: one per line, ``lhs = rule = ... = value``,
    wrapped between tokens (never inside a label or number), continuations indented."""
    import textwrap

    from rich.console import Group
    from rich.text import Text

    lines: list[Any] = []
    for cells in rows:
        if cells is None:
            lines.append(Text(sym(ELIDED)))
            continue
        lhs, rest = cells[0], " ".join(c for c in cells[1:] if c)
        wrapped = textwrap.wrap(f"{lhs} {rest}", width=width, break_long_words=False,
                                break_on_hyphens=False, subsequent_indent="    ")
        text = Text("\n".join(wrapped), no_wrap=True)
        if color:
            text.stylize("bold", 0, len(lhs))
        lines.append(text)
    return Group(*lines)


def _print_grid(console: Any, section: tuple[list[Row | None], int], printer: RowPrinter,
                *, color: bool, flows: bool = False) -> None:
    """Print a section's rows aligned; past MAX_ROWS, one line says how many are left out.

    The message is not a row of the grid (it would widen the first column): the
    grid is drawn with a one-character placeholder row, which is then replaced.
    """
    shown, total = section
    grid = _grid(shown, printer, color=color, flows=flows, width=console.width)
    if total <= MAX_ROWS:
        console.print(grid)
        return
    message = sym(f"… {left_out(total):,} rows elided (rows {HEAD_ROWS + 1:,}–"
                  f"{total - TAIL_ROWS:,} of {total:,}; --format json lists every row) …")
    with console.capture() as captured:
        console.print(grid)
    out = []
    for line in captured.get().split("\n"):
        out.append(message if _ANSI.sub("", line).strip() == sym(ELIDED) else line)
    console.file.write("\n".join(out))


def render(t: Trace, *, color: bool = False, width: int = 80, **_: Any) -> str:
    """A trace: the primal trace, every sweep, the derivatives and the check."""
    from rich.text import Text

    console = terminal(color, width)
    printer = RowPrinter(t.labels, digits=t.digits)

    def section(title: str) -> None:
        _heading(console, title, color)

    console.print(Text(f"adtrace {t.mode}: {header(t.program.source)}",
                       style="bold" if color else ""), overflow="fold")
    console.print(f"at {point_text(t)}", overflow="fold", markup=False)
    section("Primal trace")
    _print_grid(console, _section(t), printer, color=color)
    for k, sweep in enumerate(t.sweeps, start=1):
        section(sweep_title(t, sweep, k))
        _print_grid(console, _section(t, sweep), printer, color=color,
                    flows=sweep.kind.flows)
    view = jacobian_view(t)
    if view.products:
        for part in view.products:
            section(part.describe(t.digits)[0].upper() + part.describe(t.digits)[1:])
            sweep = t.sweeps[part.sweep - 1]
            console.print(_pairs([(result_name(t, sweep, name), printer.number(value))
                                  for name, value in part.values.items()]))
    elif len(view.outputs) > 1:
        section(sym(f"Jacobian ∂({', '.join(view.outputs)})/∂({', '.join(view.inputs)})"))
        for line in jacobian_lines(view, printer.number, width):
            console.print(line, markup=False, overflow="fold")
    else:
        section("Derivatives")
        console.print(_pairs([(result_name(t, sweep, name), printer.number(value) + _exact(
            t.exact.result(sweep, name) if t.exact else None, printer.number(value), " "))
                              for sweep in t.sweeps for name, value in sweep.result.items()]))
    for note in t.exact.notes if t.exact else []:
        console.print(f"note: {note}", markup=False)
    if t.check is not None:
        _check(console, t, printer, section, color)
    return printed(console)


def _heading(console: Any, title: str, color: bool) -> None:
    """A blank line, then a section's title (bold and underlined in colour)."""
    from rich.text import Text

    console.print()
    console.print(Text(title, style="bold underline" if color else ""))


def _exact(exact: Any, shown: str, sep: str = "") -> str:
    """``= ln(2)`` after a value when --exact gives a form that says more than the decimal."""
    return "" if exact is None or exact.text == shown else f"{sep}= {exact.text}"


def _pairs(pairs: list[tuple[str, str]]) -> Any:
    """``name = value`` lines with the ``=`` aligned."""
    from rich.table import Table

    table = Table.grid(padding=(0, 1), pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column()
    table.add_column(overflow="fold")
    for name, value in pairs:
        table.add_row(name, "=", value)
    return table


def jacobian_lines(view: JacobianView, number: Callable[[float], str], width: int = 80,
                   *, parts: bool = True) -> list[str]:
    """The m × n Jacobian as aligned text, then which sweep produced which part.

    Columns that do not fit ``width`` continue in a further block; entries no sweep
    computed show as ``·``.  Shared by the trace table and ``adtrace compare``.
    """
    from rich.cells import cell_len

    m, n = view.shape
    lines: list[str] = []
    if m * n > MAX_JACOBIAN_ENTRIES:
        lines.append(sym(f"{m:,} × {n:,} entries: too many to show here (--format json "
                         "lists them all)"))
    else:
        head = [sym(f"∂/∂{name}") for name in view.inputs]
        cells = [[(sym("·") if v is None else number(v)) for v in row] for row in view.entries]
        label_w = max(cell_len(name) for name in view.outputs)
        widths = [max([cell_len(head[j])] + [cell_len(r[j]) for r in cells]) for j in range(n)]
        start = 0
        while start < n:
            stop, used = start, label_w
            while stop < n and (stop == start or used + 2 + widths[stop] <= width):
                used += 2 + widths[stop]
                stop += 1
            if start:
                lines.append("")
            cols = range(start, stop)
            lines.append(" " * label_w + "".join(
                "  " + " " * (widths[j] - cell_len(head[j])) + head[j] for j in cols))
            for name, row in zip(view.outputs, cells):
                lines.append(name + " " * (label_w - cell_len(name)) + "".join(
                    "  " + " " * (widths[j] - cell_len(row[j])) + row[j] for j in cols))
            start = stop
    described = [p.describe() for p in view.parts] if parts else []
    lines += elide(described, sym(f"… {left_out(len(described)):,} more sweeps …"))
    if not view.complete and m * n <= MAX_JACOBIAN_ENTRIES:
        lines.append(sym("· not computed: only the inputs given to --wrt were seeded"))
    return lines


def _check(console: Any, t: Trace, printer: RowPrinter, section: Any, color: bool) -> None:
    """SymPy's derivatives under a heading row, each with its value and AD's on its first
    line: a long one wraps under itself, between terms; a legend says what AD is."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    c = t.check
    assert c is not None
    section("Symbolic check (SymPy)" if c.skipped else "Symbolic check (SymPy diff at the point)")
    if c.skipped:
        console.print(f"skipped: {c.skipped}", markup=False)
        return
    rows = [(check_name(e.output, e.input), e.symbolic, printer.number(e.value),
             printer.number(e.ad), e.agree) for e in c.entries]
    widths = [max([cell_len(CHECK_COLUMNS[k]) if k else 0] + [cell_len(r[k]) for r in rows])
              for k in (0, 2, 3)]
    marks = max((cell_len(check_mark(r[4])) for r in rows), default=1)  # (ok, NO in ASCII)
    room = console.width - sum(widths) - marks - 8  # and the two =, and six gaps
    formulas = [wrap_formula(r[1], room) for r in rows]
    if room < MIN_FORMULA or max((cell_len(x) for f in formulas for x in f), default=0) > room:
        for name, formula, value, ad, agree in rows:  # too narrow: one derivative at a time
            console.print(Text("\n".join(wrap_formula(f"{name} = {formula}", console.width))))
            console.print(f"    = {value}, AD {ad} {check_mark(agree)}", markup=False)
    else:
        table = Table.grid(padding=(0, 1), pad_edge=False)
        for _ in range(7):
            table.add_column(no_wrap=True)
        table.add_row("", "", *CHECK_COLUMNS[1:2], "", *CHECK_COLUMNS[2:4], "",
                      style="dim" if color else None)
        for (name, _, value, ad, agree), lines in zip(rows, formulas):
            style = ("green" if agree else "red" if agree is False else "yellow") if color else ""
            table.add_row(name, "=", Text("\n".join(lines)), "=", value, ad,
                          Text(check_mark(agree), style=style))
        console.print(table)
    for line in check_legend([e.symbolic for e in c.entries]):
        console.print(line, markup=False, style="dim" if color else None)
    note = next((e.note for e in c.entries if e.note), None)
    if note:
        console.print(f"note: {note}", markup=False)


# --- adtrace compare ---------------------------------------------------------------------------


def _names(pairs: list[tuple[str, float]], limit: int = 12) -> str:
    names = [name for name, _ in pairs]
    if len(names) > limit:
        names = names[: limit - 2] + [sym("…"), names[-1]]
    return ", ".join(names)


def _group(pairs: list[tuple[str, float]]) -> str:
    return pairs[0][0] if len(pairs) == 1 else f"({_names(pairs)})"


def _sweep_lines(cost: ModeCost) -> list[tuple[str, str, str]]:
    """(mode, sweep, count) per sweep and a total; many sweeps are elided in the middle."""
    gap = ("", sym(f"… {left_out(len(cost.sweeps)):,} more sweeps …"), "")
    out = elide([("", f"{s.title}, seed {s.seed}",
                  f"{s.primal:,} + {s.multiply_adds:,} = {s.operations:,}")
                 for s in cost.sweeps], gap)
    out.append(("", "total", f"{cost.operations:,}"))
    out[0] = (cost.mode, *out[0][1:])
    return out


def _costs(c: Comparison, color: bool) -> Any:
    """Sweeps, operations and stored values of the two modes, side by side."""
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 2), pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    table.add_column(overflow="fold")
    f, r = c.forward, c.reverse
    table.add_row("", Text("forward mode", style="bold" if color else ""),
                  Text("reverse mode", style="bold" if color else ""))
    table.add_row("sweeps", f"{f.n_sweeps:,} (one per input)", f"{r.n_sweeps:,} (one per output)")
    table.add_row("operations", f"{f.operations:,}", f"{r.operations:,}")
    table.add_row("values stored", f"{f.stored:,} ({f.stored_what})",
                  f"{r.stored:,} ({r.stored_what})")
    return table


def _agreement(c: Comparison) -> str:
    """Whether the two Jacobians agree: exactly, to rounding, or by how much they differ."""
    size = max([1.0] + [abs(v) for row in c.jacobian.entries for v in row if v is not None])
    diff = fmt_number(c.max_difference)
    if c.max_difference == 0:
        return "agree"
    if c.max_difference <= 1e-9 * size:
        return f"agree to rounding (largest difference {diff})"
    return f"differ by up to {diff}"


def compare(c: Comparison, *, color: bool = False, width: int = 80, **_: Any) -> str:
    """Forward and reverse mode side by side, the operations of every sweep, the Jacobian
    and how things are counted."""
    from rich.table import Table
    from rich.text import Text

    console = terminal(color, width)

    def plain(text: str) -> None:
        console.print(text, markup=False, overflow="fold")

    console.print(Text(f"adtrace compare: {header(c.source)}", style="bold" if color else ""),
                  overflow="fold")
    plain("at " + ", ".join(f"{name} = {fmt_number(v, c.digits)}" for name, v in c.inputs))
    n, m = len(c.inputs), len(c.outputs)
    plain(f"n = {n:,} input{'s' * (n != 1)} ({_names(c.inputs)}), m = {m:,} output"
          f"{'s' * (m != 1)} ({_names(c.outputs)}), {c.primal_rows:,} rows in the primal trace")

    _heading(console, "The whole Jacobian, both ways", color)
    console.print(_costs(c, color))
    console.print()
    console.print(Text(f"Cheaper here: {cheaper_text(c)}. ", style="bold" if color else "")
                  + Text(c.why), overflow="fold")

    _heading(console, "Operations per sweep (primal rows + multiply-adds = operations)", color)
    sweeps = Table.grid(padding=(0, 2), pad_edge=False)
    sweeps.add_column(no_wrap=True)
    sweeps.add_column(overflow="fold")
    sweeps.add_column(no_wrap=True, justify="right")
    for cost in (c.forward, c.reverse):
        for row in _sweep_lines(cost):
            sweeps.add_row(*row)
    console.print(sweeps)

    _heading(console, sym(f"Jacobian ∂{_group(c.outputs)}/∂{_group(c.inputs)}"), color)
    for line in jacobian_lines(c.jacobian, lambda x: fmt_number(x, c.digits), width,
                               parts=False):
        plain(line)
    plain("forward mode fills one column per tangent sweep, reverse mode one row per adjoint "
          f"sweep; the two {_agreement(c)}")

    _heading(console, "How these are counted", color)
    for key, text in DEFINITIONS.items():
        plain(sym(f"{key}: {text}."))
    for warning in c.warnings:
        plain(f"note: {warning}")
    return printed(console)
