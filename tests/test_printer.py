"""The row printer's template cache: that it serves most rows, and that a template
which would print a row differently from the row's own tree is never used."""

from __future__ import annotations

import pytest

from adtrace import trace
from adtrace.printer import RowPrinter
from adtrace.render.json import render
from adtrace.rows import primal_rows, sweep_rows

CHAIN = "\n".join(["t1 = sin(x1)*x2"] + [f"t{k} = sin(t{k - 1})*x2 + cos(t{k - 1} - x1)"
                                          for k in range(2, 41)])
POINT = "x1=0.5,x2=-0.75"


def _all_rows(t):  # type: ignore[no-untyped-def]
    return primal_rows(t) + [r for s in t.sweeps for r in sweep_rows(t, s)]


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("latex", [False, True])
def test_most_rows_are_filled_templates_not_printed_trees(monkeypatch, mode, latex):
    t = trace(CHAIN, POINT, mode=mode, check=False)
    calls = [0]
    ordinary = RowPrinter.cells_of_trees

    def counted(self, row):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return ordinary(self, row)

    monkeypatch.setattr(RowPrinter, "cells_of_trees", counted)
    printer = RowPrinter(t.labels, digits=t.digits, latex=latex)
    rows = [r for r in _all_rows(t) if r.kind in ("primal", "tangent", "adjoint")]
    for row in rows:
        printer.cells(row)
    # the trees are printed only for the first row of each template (a few dozen at most)
    assert 0 < calls[0] < len(rows) / 4


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_a_template_that_fills_differently_is_never_used(monkeypatch, mode):
    from adtrace import printer

    t = trace(CHAIN, POINT, mode=mode, check=False)
    expected = render(t)
    original = printer._Template.__init__

    def broken(self, text):  # type: ignore[no-untyped-def]
        original(self, text)
        self.fmt = self.fmt.replace(" ", "  ")  # a template that would print wrongly

    monkeypatch.setattr(printer._Template, "__init__", broken)
    assert render(t) == expected


def test_tall_labels_and_numbers_get_their_own_templates():
    """In LaTeX, h-labels (w^{(1)}_{2}) and numbers like 1.5 \\times 10^{-7} make
    parentheses grow: rows that differ only in that must not share a template."""
    t = trace("sin(x*y) + cos(x - y)*1e-9*x", "x=1e-7,y=-3", mode="reverse", labels="h",
              check=False)
    printer = RowPrinter(t.labels, digits=t.digits, latex=True)
    for row in _all_rows(t):
        assert printer.cells(row) == printer.cells_of_trees(row)


@pytest.mark.parametrize("formula,point", [
    ("x^y + sin(x)*y^x", "x=1.5,y=2"),
    ("x^y*x - y^2*x^3", "x=0.5,y=3"),
    ("exp(x*y)*(x - y)^2", "x=0.25,y=-1"),
])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_no_template_is_dropped_where_a_rule_leads_with_a_number(formula, point, mode):
    """A LaTeX product writes \\cdot before a factor that starts with a digit; that is
    decided from the tree, so templates with holes for numbers keep serving pow rows."""
    t = trace(formula, point, mode=mode, check=False)
    for latex in (False, True):
        printer = RowPrinter(t.labels, digits=t.digits, latex=latex)
        for row in _all_rows(t):
            assert printer.cells(row) == printer.cells_of_trees(row)
        assert None not in printer._shapes.values()
