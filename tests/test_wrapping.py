"""A terminal table never breaks a label, a number or a note: rows that do not fit wrap
between terms, or the section switches to one row per line."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from adtrace import trace
from adtrace.printer import RowPrinter
from adtrace.render import render
from adtrace.rows import primal_rows, sweep_rows

LIGHTHOUSE = "y1 = nu*tan(omega*t)/(gamma - tan(omega*t)); y2 = gamma*y1"
POINT = "nu=2,gamma=1.5,omega=0.4,t=2.1"


@pytest.mark.parametrize("labels", ["w", "v", "h"])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("width", [60, 80, 100])
def test_no_token_is_broken_across_lines(labels, mode, width):
    t = trace(LIGHTHOUSE, POINT, mode=mode, labels=labels, check=False)
    out = render(t, "table", width=width)
    assert all(cell_len(line) <= width for line in out.splitlines())  # (v̇: one cell)
    printer = RowPrinter(t.labels, digits=t.digits)
    for row in primal_rows(t) + [r for s in t.sweeps for r in sweep_rows(t, s)]:
        for part in printer.parts(row):
            for token in part.split():
                assert token in out, (token, part)
        if row.flow:
            assert f"({row.flow})" in out


def test_a_table_that_fits_stays_aligned():
    t = trace(LIGHTHOUSE, POINT, mode="reverse", check=False)
    out = render(t, "table", width=100)
    assert "w̄3    = ȳ1/w4" in out  # padded into columns
