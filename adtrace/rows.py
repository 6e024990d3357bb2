"""The rows of a trace, shared by every output format.

A :class:`Row` is ``lhs = rule = rule-with-numbers = value``.  The rule of a primal,
tangent or adjoint row is a display tree built from the op table (``ops.py``) through
``expr.py``: nothing here knows any derivative.  The tree is built with a *leaf
maker*, so that the same builder gives the row's own tree (leaves are nodes) and the
template that :class:`adtrace.printer.RowPrinter` prints once per shape of row
(leaves are the places of the operation's arguments).  Renderers only choose a
printer (text or LaTeX) and a layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .expr import Atom, Bin, D, Leaf, Num, add, display_namespace, lift, mul, substitute, times
from .notation import fmt_number
from .ops import winner
from .program import BAR, DOT, Program, _latex_mark, _mark, latex_name
from .tracing import Step, Sweep, Trace, arg_display, arg_values, primal_display

#: where a rule's leaf stands: the places 0, 1, ... of the operation's arguments, and in
#: an adjoint row the node whose adjoint flows (SOURCE) and the one it flows into (TARGET)
SOURCE, TARGET = -2, -1
LeafMaker = Callable[[int, str], D]  # (place, role) -> the leaf to put there


@dataclass(frozen=True)
class RowKind:
    """What a kind of computed row is: everything the printer and the rows ask of it."""

    role: str  # how its left-hand side is marked: val (w1), dot (ẇ1) or bar (w̄1)
    rule: Callable[[Row, LeafMaker], D]  # the rule's tree, from the op table
    calls: bool  # in the rule with numbers, a function call becomes one number
    from_source: bool  # the rule is the step's source's equation (places SOURCE, TARGET)
    shape: Callable[[Row, Any], Any]  # (row, its equation) -> what else decides the rule's print
    printer: str = "sym"  # the printer of its rules: "primal" (x1 * x2) or "sym" (ẋ1·x2)


#: the rows whose rule comes from the op table, by Row.kind (the rest are given as trees)
ROW_KINDS: dict[str, RowKind] = {}


class Row:
    """One printed row.  Rows of the kinds in ``ROW_KINDS`` build their trees only when asked:
    a printer that has seen a row of the same shape prints it from a template."""

    __slots__ = ("kind", "value", "node", "flow", "accumulates", "exact", "trace", "sweep",
                 "step", "numbers", "_trees", "_places", "_shape")

    def __init__(self, kind: str, lhs: D | None, rhs: D | None, subst: D | None, value: float,
                 node: int | None = None, flow: str | None = None, accumulates: bool = False,
                 *, trace: Trace | None = None, sweep: Sweep | None = None,
                 step: Step | None = None) -> None:
        self.kind = kind  # input | primal | output | seed | tangent | adjoint | result
        self.value = value
        self.node = node
        self.flow = flow  # reverse mode: how the adjoint passes through this op
        self.accumulates = accumulates
        self.exact: Any = None  # exact.Exact when --exact asked (set by ExactValues.attach_*)
        self.trace, self.sweep, self.step = trace, sweep, step
        self._trees = None if kind in ROW_KINDS else (lhs, rhs, subst)
        self._places: tuple[int | None, ...] | None = None
        self._shape: tuple | None = None
        self.numbers: list[float] | None = None  # as printed in the rule (RowPrinter)

    # --- what a computed row is made of: its equation, its places and their values ----

    @property
    def eqn_node(self) -> int:
        """The node whose equation gives the rule (an adjoint's: the node it flows from)."""
        return self.step.source if ROW_KINDS[self.kind].from_source else self.node  # type: ignore[union-attr,return-value]

    def places(self) -> tuple[int | None, ...]:
        """Place -> node: the equation's arguments (None for constants), then for an
        adjoint row the SOURCE and TARGET nodes."""
        if self._places is not None:
            return self._places
        eqn = self.trace.program.eqn(self.eqn_node)  # type: ignore[union-attr]
        args = tuple([a if a.__class__ is int else None for a in eqn.args])
        if ROW_KINDS[self.kind].from_source:
            args = (*args, self.step.source, self.step.node)  # type: ignore[union-attr]
        self._places = args
        return args

    @property
    def shape(self) -> tuple:
        """What decides how the rule prints, apart from the labels and numbers filled in:
        the operation and its constants, a max/min tangent's winner, an adjoint's
        argument and whether it accumulates."""
        if self._shape is None:
            eqn = self.trace.program.eqn(self.eqn_node)  # type: ignore[union-attr]
            consts = tuple([None if a.__class__ is int else a for a in eqn.args])
            extra = ROW_KINDS[self.kind].shape(self, eqn)
            self._shape = (self.kind, eqn.op, eqn.alias, consts, extra)
        return self._shape

    def place_value(self, nodes: tuple[int | None, ...], place: int, role: str) -> float:
        """The number a leaf stands for: a value, a tangent or an adjoint (for TARGET in
        an accumulation, the adjoint before it)."""
        if role == "val":
            return self.trace.values[nodes[place]]  # type: ignore[union-attr,index]
        if place == TARGET and self.accumulates:
            return self.step.previous  # type: ignore[union-attr,return-value]
        return self.sweep.values[nodes[place]]  # type: ignore[union-attr,index,return-value]

    def rule(self, leaf: LeafMaker) -> D:
        """The rule's tree, with ``leaf(place, role)`` at every leaf."""
        return ROW_KINDS[self.kind].rule(self, leaf)

    @property
    def trees(self) -> tuple[D | None, D | None, D | None]:
        """(lhs, rule, rule with numbers) as display trees."""
        if self._trees is None:
            nodes = self.places()
            rhs = self.rule(lambda place, role: Leaf(nodes[place], role))  # type: ignore[arg-type]
            kind = ROW_KINDS[self.kind]
            subst = substitute(self.rule(Leaf), lambda lf: self.place_value(
                nodes, lf.node, lf.role), calls=kind.calls)
            self._trees = (Leaf(self.node, kind.role), rhs, subst)  # type: ignore[arg-type]
        return self._trees

    @property
    def lhs(self) -> D | None:
        return self.trees[0]

    @property
    def rhs(self) -> D | None:
        return self.trees[1]

    @property
    def subst(self) -> D | None:
        return self.trees[2]


def name_atom(name: str, role: str = "val") -> Atom:
    """An output or input name, dotted or barred: ``ḟ``, ``x̄1``."""
    if role == "dot":
        return Atom(_mark(name, DOT), _latex_mark(latex_name(name), "dot"))
    if role == "bar":
        return Atom(_mark(name, BAR), _latex_mark(latex_name(name), "bar"))
    return Atom(name, latex_name(name))


# --- the rules, from the op table -----------------------------------------------------------


def tangent_tree(p: Program, node: int, values: list[float], leaf: LeafMaker) -> D:
    """``ẋ1·x2 + x1·ẋ2``: Σ u̇ₖ·∂ₖ from the op's partials (product rule for mul)."""
    eqn = p.eqn(node)
    rule = eqn.rule
    args = arg_display(p, node, exact_consts=True, leaf=leaf)
    if rule.routes:
        w = winner(rule, arg_values(p, node, values))
        return leaf(w, "dot") if isinstance(eqn.args[w], int) else Num(0)  # type: ignore[arg-type]
    ns = display_namespace(eqn.alias)
    vanishing = _vanishing(p, node, values)
    terms: list[D] = []
    for k, a in enumerate(eqn.args):
        if not isinstance(a, int):
            continue
        dot = leaf(k, "dot")
        if rule.product_rule:
            factors = [dot if j == k else arg for j, arg in enumerate(args)]
            term = factors[0]
            for f in factors[1:]:
                term = mul(term, f)
        elif k in vanishing:
            term = times(dot, Num(0))
        else:
            term = mul(dot, lift(rule.partials[k](ns, *args)))
        terms.append(term)
    total = terms[0]
    for term in terms[1:]:
        total = add(total, term)
    return total


def adjoint_tree(p: Program, step: Step, values: list[float], leaf: LeafMaker) -> D:
    """``w̄1·x2`` (or ``x̄1 + w̄1·x2`` when it accumulates): v̄ times the op's partial;
    through a max/min, ``w̄3·1`` into the winner and ``w̄3·0`` into the others."""
    src = step.source
    assert src is not None and step.arg is not None
    eqn = p.eqn(src)
    rule = eqn.rule
    if rule.routes:
        partial: D = Num(1 if step.arg == winner(rule, arg_values(p, src, values)) else 0)
    elif step.arg in _vanishing(p, src, values):
        partial = Num(0)
    else:
        ns = display_namespace(eqn.alias)
        args = arg_display(p, src, exact_consts=True, leaf=leaf)
        partial = lift(rule.partials[step.arg](ns, *args))
    term = times(leaf(SOURCE, "bar"), partial)
    if step.accumulates:
        return Bin("+", leaf(TARGET, "bar"), term)
    return term


def _vanishing(p: Program, node: int, values: list[float]) -> tuple[int, ...]:
    """The partials that are 0 at this point where their formula is 0·∞ (``ops.OpRule``)."""
    vanishing = p.eqn(node).rule.vanishing
    return () if vanishing is None else vanishing(arg_values(p, node, values))


def _at_point(row: Row, eqn: Any) -> tuple[int | None, tuple[int, ...]]:
    """What of a rule depends on the point: a max/min's winner, the partials that vanish."""
    vanishing = () if eqn.rule.vanishing is None else _vanishing(
        row.trace.program, row.eqn_node, row.trace.values)  # type: ignore[union-attr]
    return _max_min_winner(row, eqn), vanishing


def _max_min_winner(row: Row, eqn: Any) -> int | None:
    """Through a max/min, rows differ by the winner (a tangent is the winner's, an
    adjoint flows into the winner or is 0)."""
    if not eqn.rule.routes:
        return None
    t = row.trace
    return winner(eqn.rule, arg_values(t.program, row.eqn_node, t.values))  # type: ignore[union-attr,arg-type]


ROW_KINDS.update({
    "primal": RowKind("val", lambda row, leaf: primal_display(
        row.trace.program, row.node, leaf), calls=False, from_source=False,  # type: ignore[union-attr,arg-type]
        shape=lambda row, eqn: None, printer="primal"),
    "tangent": RowKind("dot", lambda row, leaf: tangent_tree(
        row.trace.program, row.node, row.trace.values, leaf), calls=True, from_source=False,  # type: ignore[union-attr,arg-type]
        shape=_at_point),
    "adjoint": RowKind("bar", lambda row, leaf: adjoint_tree(
        row.trace.program, row.step, row.trace.values, leaf), calls=True, from_source=True,  # type: ignore[union-attr,arg-type]
        shape=lambda row, eqn: (row.step.arg, row.accumulates, _at_point(row, eqn))),  # type: ignore[union-attr]
})


# --- rows ---------------------------------------------------------------------------------------


def input_rows(t: Trace) -> list[Row]:
    """``x1 = 2``, or ``v-1 = x1 = 2`` when the label is not the name."""
    p, lab, vals = t.program, t.labels, t.values
    return [Row("input", Leaf(i), None if lab.text[i] == name else name_atom(name), None,
                vals[i], i) for i, name in enumerate(p.inputs)]


def primal_row(t: Trace, node: int) -> Row:
    """One primal row: ``w1 = x1 * x2 = 2 * 3 = 6``."""
    return Row("primal", None, None, None, t.values[node], node, trace=t)


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
        if t.labels.text[node] == name:
            continue
        v = values[node]
        rows.append(Row("output", name_atom(name, role), Leaf(node, role), None,
                        0.0 if v is None else v, node))
    return rows


def tangent_row(t: Trace, sweep: Sweep, step: Step) -> Row:
    """One tangent row: ``ẇ1 = ẋ1·x2 + x1·ẋ2 = 1·3 + 2·0 = 3``."""
    return Row("tangent", None, None, None, step.value, step.node, trace=t, sweep=sweep,
               step=step)


def tangent_rows(t: Trace, sweep: Sweep) -> list[Row]:
    p, lab = t.program, t.labels
    rows: list[Row] = []
    for i, name in enumerate(p.inputs):
        rhs = None if lab.text[i] == name else name_atom(name, "dot")
        rows.append(Row("seed", Leaf(i, "dot"), rhs, None, sweep.seed[name], i))
    rows += [tangent_row(t, sweep, step) for step in sweep.steps]
    rows += output_rows(t, "dot", sweep.values)
    if t.exact is not None:
        t.exact.attach_sweep(sweep, rows)
    return rows


def adjoint_row(t: Trace, sweep: Sweep, step: Step) -> Row:
    """One adjoint contribution: ``x̄1 = x̄1 + w̄1·x2 = ...``."""
    p = t.program
    rule = p.eqn(step.source).rule  # type: ignore[arg-type]
    flow = rule.flow
    if rule.routes:  # "max routes to w1"
        w = p.eqn(step.source).args[winner(rule, arg_values(p, step.source, t.values))]  # type: ignore[arg-type]
        flow = f"{flow} to {t.labels.text[w] if isinstance(w, int) else w.text}"
    return Row("adjoint", None, None, None, step.value, step.node, flow, step.accumulates,
               trace=t, sweep=sweep, step=step)


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


#: a sweep's rows by the kind of its steps (kinds.SweepKind.step)
SWEEP_ROWS: dict[str, Callable[[Trace, Sweep], list[Row]]] = {
    "tangent": tangent_rows, "adjoint": adjoint_rows}


def sweep_rows(t: Trace, sweep: Sweep) -> list[Row]:
    """A sweep's rows: its seeds, one row per step, then its outputs or results."""
    return SWEEP_ROWS[sweep.kind.step](t, sweep)


def sweep_title(t: Trace, sweep: Sweep, index: int) -> str:
    """``Tangent sweep 1: ẋ1 = 1`` / ``Adjoint sweep 1: f̄ = 1``."""
    hot = {k: v for k, v in sweep.seed.items() if v != 0}
    seed = ", ".join(f"{_mark(k, sweep.kind.mark)} = {fmt_number(v, t.digits)}"
                     for k, v in hot.items())
    return f"{sweep.kind.title} {index}: {seed or 'zero seed'}"


def point_text(t: Trace) -> str:
    return ", ".join(f"{name} = {c.text}" for name, c in zip(t.program.inputs, t.point))
