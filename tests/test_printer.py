"""The row printer's template cache: that it serves most rows, and that a template
which would print a row differently from the row's own tree is never used."""

from __future__ import annotations

import re

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


def test_a_power_of_a_subscripted_name_sets_the_exponent_over_the_subscript():
    t = trace("x3^2*x1 + (x1*x3)^2 + sin(x3)^2", "x1=2,x3=3", mode="forward")
    printer = RowPrinter(t.labels, digits=t.digits, latex=True)
    rules = [printer.cells(row)[1] for row in primal_rows(t)]
    assert "x_{3}^{2}" in rules and r"w_{2}^{2}" in rules and r"w_{3}^{2}" in rules
    assert not any("{x_{3}}" in r for r in rules)


@pytest.mark.parametrize("labels", ["w", "v", "h"])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_powers_print_the_same_from_templates_and_from_trees(labels, mode):
    """A base with a superscript of its own (h-labels, 1.5 \\times 10^{-7}) is put in
    parentheses: the templates, whose tall holes carry ``^{``, decide as their rows do."""
    t = trace("x^2*y + (x*y)^3 - y^x + (1e-7*x)^2 + x^2", "x=1.5,y=2", mode=mode, labels=labels,
              check=False)
    printer = RowPrinter(t.labels, digits=t.digits, latex=True)
    rows = _all_rows(t)
    texts = []
    for row in rows:
        assert printer.cells(row) == printer.cells_of_trees(row)
        texts.append(" ".join(printer.cells(row)))
    joined = "\n".join(texts)
    assert re.search(r"(?<![a-z_^])\{[^{}]*(\{[^{}]*\})?\}\^", joined) is None  # {x_{1}}^, {x}^
    assert r"\left(1.5 \times 10^{-7}\right)^{2}" in joined
    if labels == "h":
        assert r"\left(w^{(0)}_{1}\right)^{2}" in joined
    else:
        assert "x^{2}" in joined or "v_{-1}^{2}" in joined
