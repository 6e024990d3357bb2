"""The rows of a trace, as display trees, shared by every output format.

A :class:`Row` is ``lhs = rule = rule-with-numbers = value``; renderers only
choose a printer (text or LaTeX) and a layout.  The rules come from the op
table (``ops.py``) through ``expr.py``: nothing here knows any derivative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .expr import (
    DISPLAY,
    DISPLAY_LN,
    Atom,
    Bin,
    D,
    LatexPrinter,
    Leaf,
    Num,
    TextPrinter,
    add,
    fmt_number,
    lift,
    mul,
    substitute,
    times,
)
from .ops import winner
from .program import BAR, DOT, Labels, Program, _latex_mark, _mark, latex_name
from .tracing import Step, Sweep, Trace, arg_display, arg_values, primal_display


@dataclass
class Row:
    kind: str  # input | primal | output | seed | tangent | adjoint | result
    lhs: D
    rhs: D | None  # the rule, in symbols
    subst: D | None  # the rule with numbers in place of the symbols
    value: float
    node: int | None = None
    flow: str | None = None  # reverse mode: how the adjoint passes through this op
    accumulates: bool = False
    exact: Any = None  # exact.Exact when --exact asked (set by ExactValues.attach_*)


def name_atom(name: str, role: str = "val") -> Atom:
    """An output or input name, dotted or barred: ``ḟ``, ``x̄1``."""
    if role == "dot":
        return Atom(_mark(name, DOT), _latex_mark(latex_name(name), "dot"))
    if role == "bar":
        return Atom(_mark(name, BAR), _latex_mark(latex_name(name), "bar"))
    return Atom(name, latex_name(name))


# --- primal -----------------------------------------------------------------------------------


def input_rows(t: Trace) -> list[Row]:
    """``x1 = 2``, or ``v-1 = x1 = 2`` when the label is not the name."""
    p, lab, vals = t.program, t.labels, t.values
    return [Row("input", Leaf(i), None if lab.text[i] == name else name_atom(name), None,
                vals[i], i) for i, name in enumerate(p.inputs)]


def primal_row(t: Trace, node: int) -> Row:
    """One primal row: ``w1 = x1 * x2 = 2 * 3 = 6``."""
    vals = t.values
    rhs = primal_display(t.program, node)
    subst = substitute(rhs, lambda leaf: vals[leaf.node], calls=False)
    return Row("primal", Leaf(node), rhs, subst, vals[node], node)


def primal_rows(t: Trace) -> list[Row]:
    p, vals = t.program, t.values
    rows = input_rows(t)
    rows += [primal_row(t, p.n_inputs + k) for k in range(len(p.eqns))]
    rows += output_rows(t, "val", vals)
    if t.exact is not None:
        t.exact.attach_primal(rows)
    return rows


def output_rows(t: Trace, role: str, values: list[float | None] | list[float]) -> list[Row]:
    """``f = w3`` (Baydin's ``y = v5``), unless the output's label is its name."""
    rows = []
    for name, node in t.program.outputs:
        if t.labels.text[node] == name and role == "val":
            continue
        if role != "val" and t.labels.text[node] == name:
            continue
        v = values[node]
        rows.append(Row("output", name_atom(name, role), Leaf(node, role), None,
                        0.0 if v is None else v, node))
    return rows


# --- forward ----------------------------------------------------------------------------------


def tangent_display(p: Program, node: int, values: list[float]) -> D:
    """``ẋ1·x2 + x1·ẋ2``: Σ u̇ₖ·∂ₖ from the op's partials (product rule for mul)."""
    eqn = p.eqn(node)
    rule = eqn.rule
    args = arg_display(p, node, exact_consts=True)
    if rule.routes:
        w = winner(rule, arg_values(p, node, values))
        a = eqn.args[w]
        return Leaf(a, "dot") if isinstance(a, int) else Num(0)  # type: ignore[arg-type]
    ns = DISPLAY_LN if eqn.alias == "ln" else DISPLAY
    terms: list[D] = []
    for k, a in enumerate(eqn.args):
        if not isinstance(a, int):
            continue
        dot = Leaf(a, "dot")
        if rule.product_rule:
            factors = [dot if j == k else arg for j, arg in enumerate(args)]
            term = factors[0]
            for f in factors[1:]:
                term = mul(term, f)
        else:
            term = mul(dot, lift(rule.partials[k](ns, *args)))
        terms.append(term)
    total = terms[0]
    for term in terms[1:]:
        total = add(total, term)
    return total


def tangent_row(t: Trace, sweep: Sweep, step: Step) -> Row:
    """One tangent row: ``ẇ1 = ẋ1·x2 + x1·ẋ2 = 1·3 + 2·0 = 3``."""
    vals, dots = t.values, sweep.values

    def leaf(lf: Leaf) -> float:
        return dots[lf.node] if lf.role == "dot" else vals[lf.node]  # type: ignore[return-value]

    rhs = tangent_display(t.program, step.node, vals)
    subst = substitute(rhs, leaf, calls=True)
    return Row("tangent", Leaf(step.node, "dot"), rhs, subst, step.value, step.node)


def tangent_rows(t: Trace, sweep: Sweep) -> list[Row]:
    p, lab = t.program, t.labels
    dots = sweep.values
    rows: list[Row] = []
    for i, name in enumerate(p.inputs):
        rhs = None if lab.text[i] == name else name_atom(name, "dot")
        rows.append(Row("seed", Leaf(i, "dot"), rhs, None, sweep.seed[name], i))

    rows += [tangent_row(t, sweep, step) for step in sweep.steps]
    rows += output_rows(t, "dot", dots)
    if t.exact is not None:
        t.exact.attach_sweep(sweep, rows)
    return rows


# --- reverse ----------------------------------------------------------------------------------


def adjoint_display(p: Program, step: Step) -> D:
    """``w̄1·x2`` (or ``x̄1 + w̄1·x2`` when it accumulates): v̄ times the op's partial."""
    src = step.source
    assert src is not None and step.arg is not None
    eqn = p.eqn(src)
    rule = eqn.rule
    if rule.routes:
        partial: D = Num(1)
    else:
        ns = DISPLAY_LN if eqn.alias == "ln" else DISPLAY
        partial = lift(rule.partials[step.arg](ns, *arg_display(p, src, exact_consts=True)))
    term = times(Leaf(src, "bar"), partial)
    if step.accumulates:
        return Bin("+", Leaf(step.node, "bar"), term)
    return term


def adjoint_row(t: Trace, sweep: Sweep, step: Step) -> Row:
    """One adjoint contribution: ``x̄1 = x̄1 + w̄1·x2 = ...``."""
    vals = t.values

    def leaf(lf: Leaf) -> float:
        if lf.role == "bar":
            if lf.node == step.node:
                return step.previous  # type: ignore[return-value]
            return sweep.values[lf.node]  # type: ignore[return-value]
        return vals[lf.node]

    rhs = adjoint_display(t.program, step)
    subst = substitute(rhs, leaf, calls=True)
    flow = t.program.eqn(step.source).rule.flow  # type: ignore[arg-type]
    return Row("adjoint", Leaf(step.node, "bar"), rhs, subst, step.value, step.node,
               flow, step.accumulates)


def adjoint_rows(t: Trace, sweep: Sweep) -> list[Row]:
    p, lab = t.program, t.labels
    rows: list[Row] = []
    for name, node in p.outputs:
        w = sweep.seed.get(name, 0.0)
        if w == 0:
            continue
        rhs = None if lab.text[node] == name else name_atom(name, "bar")
        rows.append(Row("seed", Leaf(node, "bar"), rhs, None, w, node))
    rows += [adjoint_row(t, sweep, step) for step in sweep.steps]
    for i, name in enumerate(p.inputs):
        if lab.text[i] != name:
            v = sweep.values[i]
            rows.append(Row("result", name_atom(name, "bar"), Leaf(i, "bar"), None,
                            0.0 if v is None else v, i))
    if t.exact is not None:
        t.exact.attach_sweep(sweep, rows)
    return rows


def sweep_rows(t: Trace, sweep: Sweep) -> list[Row]:
    return tangent_rows(t, sweep) if sweep.mode == "forward" else adjoint_rows(t, sweep)


# --- printing helpers ------------------------------------------------------------------------


class RowPrinter:
    """Prints the parts of rows as text (Unicode) or LaTeX, with the trace's digits."""

    def __init__(self, labels: Labels, digits: int = 4, latex: bool = False) -> None:
        self.latex = latex
        self.digits = digits
        if latex:
            self._sym = LatexPrinter(labels.leaf_latex, digits=digits)
            self._primal = self._sym
        else:
            self._sym = TextPrinter(labels.leaf_text, digits=digits)
            self._primal = TextPrinter(labels.leaf_text, times=" * ", digits=digits)

    def expr(self, d: D | None, row: Row) -> str:
        if d is None:
            return ""
        printer = self._primal if row.kind in ("input", "primal", "output") else self._sym
        return printer.doprint(d)

    def number(self, x: float) -> str:
        if self.latex:
            from .expr import latex_number

            return latex_number(x, self.digits)
        return fmt_number(x, self.digits)

    def parts(self, row: Row) -> tuple[str, str, str, str]:
        """(lhs, rule, rule with numbers, value); empty strings where a part is not shown."""
        lhs = self.expr(row.lhs, row)
        rhs = self.expr(row.rhs, row)
        subst = self.expr(row.subst, row)
        value = self.number(row.value)
        if subst == value or subst == rhs:
            subst = ""
        return lhs, rhs, subst, value

    def line(self, row: Row) -> str:
        return " = ".join(x for x in self.parts(row) if x)


def sweep_title(t: Trace, sweep: Sweep, index: int) -> str:
    """``Tangent sweep 1: seed ẋ1 = 1`` / ``Adjoint sweep 1: seed f̄ = 1``."""
    if sweep.mode == "forward":
        hot = {k: v for k, v in sweep.seed.items() if v != 0}
        seed = ", ".join(f"{_mark(k, DOT)} = {fmt_number(v, t.digits)}" for k, v in hot.items())
        return f"Tangent sweep {index}: {seed or 'zero seed'}"
    hot = {k: v for k, v in sweep.seed.items() if v != 0}
    seed = ", ".join(f"{_mark(k, BAR)} = {fmt_number(v, t.digits)}" for k, v in hot.items())
    return f"Adjoint sweep {index}: {seed or 'zero seed'}"


def point_text(t: Trace) -> str:
    return ", ".join(f"{name} = {c.text}" for name, c in zip(t.program.inputs, t.point))
