"""``adtrace compare`` as a table: forward and reverse side by side, then the details.

Plain text without colour is stable for golden files; colour (bold headings) only
when the command line asks for it.
"""

from __future__ import annotations

import io
from typing import Any

from ..compare import DEFINITIONS, Comparison, ModeCost
from ..expr import fmt_number
from .table import HEAD_ROWS, MAX_ROWS, TAIL_ROWS, header, jacobian_lines


def _names(pairs: list[tuple[str, float]], limit: int = 12) -> str:
    names = [name for name, _ in pairs]
    if len(names) > limit:
        names = names[: limit - 2] + ["…", names[-1]]
    return ", ".join(names)


def _group(pairs: list[tuple[str, float]]) -> str:
    return pairs[0][0] if len(pairs) == 1 else f"({_names(pairs)})"


def _sweep_lines(cost: ModeCost) -> list[tuple[str, str, str]]:
    """(mode, sweep, count) per sweep and a total; many sweeps are elided in the middle."""
    rows: list[tuple[str, str, str] | None] = [
        ("", f"{s.title}, seed {s.seed}", f"{s.primal:,} + {s.multiply_adds:,} = {s.operations:,}")
        for s in cost.sweeps]
    if len(rows) > MAX_ROWS:
        rows = rows[:HEAD_ROWS] + [None] + rows[-TAIL_ROWS:]
    out = [r if r is not None else ("", f"… {len(cost.sweeps) - HEAD_ROWS - TAIL_ROWS:,} more "
                                        "sweeps …", "") for r in rows]
    out.append(("", "total", f"{cost.operations:,}"))
    out[0] = (cost.mode, *out[0][1:])
    return out


def render(c: Comparison, *, color: bool = False, width: int = 80, **_: Any) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if color else None,
                      force_terminal=color, no_color=not color, highlight=False, emoji=False,
                      soft_wrap=False)
    head = "bold underline" if color else ""

    def section(title: str) -> None:
        console.print()
        console.print(Text(title, style=head))

    def plain(text: str) -> None:
        console.print(text, markup=False, overflow="fold")

    console.print(Text(f"adtrace compare: {header(c.source)}", style="bold" if color else ""),
                  overflow="fold")
    plain("at " + ", ".join(f"{name} = {fmt_number(v)}" for name, v in c.inputs))
    n, m = len(c.inputs), len(c.outputs)
    plain(f"n = {n:,} input{'s' * (n != 1)} ({_names(c.inputs)}), m = {m:,} output"
          f"{'s' * (m != 1)} ({_names(c.outputs)}), {c.primal_rows:,} rows in the primal trace")

    section("The whole Jacobian, both ways")
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
    console.print(table)
    console.print()
    mode = "either mode" if c.cheaper == "either" else f"{c.cheaper} mode"
    console.print(Text(f"Cheaper here: {mode}. ", style="bold" if color else "")
                  + Text(c.why), overflow="fold")

    section("Operations per sweep (primal rows + multiply-adds = operations)")
    sweeps = Table.grid(padding=(0, 2), pad_edge=False)
    sweeps.add_column(no_wrap=True)
    sweeps.add_column(overflow="fold")
    sweeps.add_column(no_wrap=True, justify="right")
    for cost in (f, r):
        for row in _sweep_lines(cost):
            sweeps.add_row(*row)
    console.print(sweeps)

    section(f"Jacobian ∂{_group(c.outputs)}/∂{_group(c.inputs)}")
    for line in jacobian_lines(c.jacobian, fmt_number, width, parts=False):
        plain(line)
    size = max([1.0] + [abs(v) for row in c.jacobian.entries for v in row if v is not None])
    diff = fmt_number(c.max_difference)
    agree = "agree" if c.max_difference == 0 else \
        f"agree to rounding (largest difference {diff})" \
        if c.max_difference <= 1e-9 * size else f"differ by up to {diff}"
    plain("forward mode fills one column per tangent sweep, reverse mode one row per adjoint "
          f"sweep; the two {agree}")

    section("How these are counted")
    for key, text in DEFINITIONS.items():
        plain(f"{key}: {text}.")
    for warning in c.warnings:
        plain(f"note: {warning}")
    return "\n".join(line.rstrip() for line in buf.getvalue().split("\n"))
