"""Printing thousands of rows quickly: each rule is printed once per *shape*.

A row's printed rule depends on its operation, its constants and which of its
arguments coincide; the rule with numbers depends in addition on a few features of
each number (its sign, and in LaTeX whether it is tall, like ``4 \\times 10^{-5}``).
The labels and numbers themselves are only filled in.  :class:`ShapePrinter`
prints the first row of each shape through the ordinary display trees and
printers (:mod:`adtrace.rows`, :mod:`adtrace.expr`) with *holes* where labels and
numbers go, keeps the text as a ``%`` template, and fills the template for every
further row of that shape.

Safety: the first row of every template is also printed the ordinary way
(:class:`adtrace.rows.RowPrinter`); if the two differ, that template is never used
and its rows are printed the ordinary way.  ``tests/test_programs.py`` compares
both on random programs.
"""

from __future__ import annotations

from collections.abc import Callable
from math import copysign
from typing import Any

from .expr import (
    Bin,
    Call,
    D,
    LatexPrinter,
    Leaf,
    Neg,
    TextPrinter,
    Val,
    evaluate,
    fmt_number,
    latex_number,
    substitute,
)
from .ops import winner
from .program import Const
from .rows import (
    Row,
    RowPrinter,
    adjoint_display,
    adjoint_row,
    tangent_display,
    tangent_row,
)
from .tracing import Step, Sweep, Trace, arg_values, primal_display

HOLE = "\x00"  # never in a label or a number: marks the holes of a printed template
TALL = "^{"  # makes LaTeX parentheses grow (expr._parens); a hole for tall text carries it
Parts = tuple[str, str, str, str]  # (lhs, rule, rule with numbers, value), as RowPrinter.parts
Holes = tuple[tuple[int, int, Any], ...]  # (0, slot, names) or (1, number, None)


def _is_tall(latex: str) -> bool:
    """What makes ``expr._parens`` grow its parentheses: a fraction, root, power or \\left."""
    return "^{" in latex or ("\\" in latex and any(
        mark in latex for mark in (r"\frac", r"\sqrt", r"\left")))


def _latex_of_text(text: str) -> str:
    """``latex_number`` from ``fmt_number``'s text (``1.5e-07`` -> ``1.5 \\times 10^{-7}``),
    without formatting the number twice; checked against latex_number in _Style."""
    if "e" in text and text not in ("inf", "-inf", "nan"):
        mant, _, exp = text.partition("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return text


class _SlotLeaf(Leaf):
    """A label's place in a template: slot ``node`` in ``role``."""

    def __init__(self, slot: int, role: str, tall: bool) -> None:
        super().__init__(slot, role)
        object.__setattr__(self, "tall", tall)


class _SlotVal(Val):
    """A number's place in a template: its sign and height decide the parentheses."""

    def __init__(self, index: int, signed: bool, tall: bool) -> None:
        super().__init__(-1.0 if signed else 1.0)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "tall", tall)


def _hole_printer(printer_cls: type, **kw: Any) -> Any:
    """A printer that prints slot leaves and slot numbers as holes."""

    def leaf(d: Leaf) -> str:
        return f"{HOLE}l{d.node}.{d.role}{TALL if getattr(d, 'tall', False) else ''}{HOLE}"

    class HolePrinter(printer_cls):  # type: ignore[valid-type,misc]
        def doprint(self, d: D) -> str:
            if isinstance(d, _SlotVal):
                return f"{HOLE}v{d.index}{TALL if d.tall else ''}{HOLE}"  # type: ignore[attr-defined]
            return super().doprint(d)  # type: ignore[no-any-return]

    return HolePrinter(leaf, **kw)


def _map(d: D, fn: Callable[[D], D | None]) -> D:
    """Rebuild a display tree, replacing the nodes for which ``fn`` returns a tree."""
    new = fn(d)
    if new is not None:
        return new
    if isinstance(d, Call):
        return Call(d.fname, tuple(_map(a, fn) for a in d.args))
    if isinstance(d, Neg):
        return Neg(_map(d.operand, fn))
    if isinstance(d, Bin):
        return Bin(d.op, _map(d.left, fn), _map(d.right, fn))
    return d


def _sites(template: D, calls: bool) -> list[D]:
    """Where ``expr.substitute`` puts numbers, in order: leaves, and with ``calls``
    whole function calls."""
    sites: list[D] = []

    def visit(d: D) -> D | None:
        if isinstance(d, Leaf) or (calls and isinstance(d, Call)):
            sites.append(d)
            return d
        return None

    _map(template, visit)
    return sites


class _Style:
    """Text or LaTeX: the printers, every node's names, the number format."""

    def __init__(self, t: Trace, style: str) -> None:
        lab = t.labels
        self.latex = style == "latex"
        if style == "latex":
            self.sym = self.primal = _hole_printer(LatexPrinter, digits=t.digits)
            self.fmt: Callable[[float, int], str] = latex_number
            self._name = lab.leaf_latex
            val = lab.latex
        elif style == "text":
            self.sym = _hole_printer(TextPrinter, digits=t.digits)
            self.primal = _hole_printer(TextPrinter, times=" * ", digits=t.digits)
            self.fmt = fmt_number
            self._name = lab.leaf_text
            val = lab.text
        else:
            raise ValueError(f"unknown style {style!r}")
        self.rows = RowPrinter(lab, digits=t.digits, latex=self.latex)  # the ordinary way
        self.text: _Style | None = None  # LaTeX: the text style, whose numbers it reuses
        self.digits = t.digits
        self.n_nodes = t.program.n_nodes
        self.numbers: dict[float, str] = {}
        self.names: dict[str, list[str]] = {"val": list(val)}

    def names_of(self, role: str) -> list[str]:
        """Every node's name in one role (``x1``, ``ẋ1`` or ``x̄1``), made on first use."""
        names = self.names.get(role)
        if names is None:
            name = self._name
            names = self.names[role] = [name(Leaf(i, role)) for i in range(self.n_nodes)]
        return names

    def number(self, x: float) -> str:
        s = self.numbers.get(x)
        if s is None:
            s = self.numbers[x] = self.fmt(x, self.digits) if self.text is None else \
                _latex_of_text(self.text.number(x))
        return s

    def compile(self, text: str) -> tuple[str, Holes]:
        """A printed template -> a ``%`` format and its holes."""
        pieces = text.split(HOLE)
        holes: list[tuple[int, int, Any]] = []
        for tag in pieces[1::2]:
            tag = tag.removesuffix(TALL)
            if tag[0] == "l":
                slot, role = tag[1:].split(".")
                holes.append((0, int(slot), self.names_of(role)))
            else:
                holes.append((1, int(tag[1:]), None))
        return "%s".join(lit.replace("%", "%%") for lit in pieces[0::2]), tuple(holes)


class _Variant:
    """A shape's templates for one pattern of number features, per style.

    ``line`` is the whole row ``lhs = rule = numbers = value`` as one template, or
    None where the numbers may have to be left out (``RowPrinter.parts`` drops
    them when they read exactly like the value or the rule: possible only for
    numbers printed as one signed number or without any hole).  ``ok`` turns False
    if the first row printed the ordinary way came out different.
    """

    def __init__(self, role: str, rules: list[tuple[str, Holes]],
                 substs: list[tuple[str, Holes]], lines: list[tuple[str, Holes] | None]) -> None:
        self.role = role  # of the lhs: val, dot or bar
        self.rules, self.substs, self.lines = rules, substs, lines
        self.ok: bool | None = None  # None until the first row is checked


class _Shape:
    """A row's rule with its labels as slots; its variants by number features."""

    def __init__(self, kind: str, tree: D, slots: tuple[int, ...], calls: bool,
                 styles: list[_Style], tall: Callable[[int, str], bool]) -> None:
        # leaves of the first row's tree -> slot numbers (the first slot holding that node)
        first = {node: i for i, node in reversed(list(enumerate(slots)))}

        def slot(d: D) -> D | None:
            if not isinstance(d, Leaf):
                return None
            return _SlotLeaf(first[d.node], d.role, tall(first[d.node], d.role))

        self.template = _map(tree, slot)
        self.kind = kind
        self.calls = calls
        self.styles = styles
        self.printers = [st.primal if kind == "primal" else st.sym for st in styles]
        self.rules = [st.compile(pr.doprint(self.template))
                      for st, pr in zip(styles, self.printers)]
        # a number's site: (slot, role) of a leaf, or a call to evaluate
        self.sites: list[Any] = [(d.node, d.role) if isinstance(d, Leaf) else d
                                 for d in _sites(self.template, calls)]
        self.role = {"primal": "val", "tangent": "dot", "adjoint": "bar"}[kind]
        self.variants: dict[tuple, _Variant] = {}
        self.rules_ok: bool | None = None  # the rules checked on a first row

    def variant(self, features: tuple[int, ...]) -> _Variant:
        """The templates for numbers with these features (1: signed, 2: tall)."""
        found = self.variants.get(features)
        if found is not None:
            return found
        sites = iter(range(len(features)))

        def number(d: D) -> D | None:  # the sites, in the order of _sites
            if isinstance(d, Leaf) or (self.calls and isinstance(d, Call)):
                i = next(sites)
                return _SlotVal(i, bool(features[i] & 1), bool(features[i] & 2))
            return None

        tree = _map(self.template, number)
        substs = [st.compile(pr.doprint(tree)) for st, pr in zip(self.styles, self.printers)]
        lines: list[tuple[str, Holes] | None] = []
        for st, (rule, rule_holes), (subst, subst_holes) in zip(self.styles, self.rules,
                                                                substs):
            if not subst_holes or subst in ("%s", "-%s"):
                lines.append(None)
            else:
                holes = ((0, 0, st.names_of(self.role)), *rule_holes, *subst_holes,
                         (1, len(self.sites), None))
                lines.append((f"%s = {rule} = {subst} = %s", holes))
        found = self.variants[features] = _Variant(self.role, self.rules, substs, lines)
        return found


class ShapePrinter:
    """Primal, tangent and adjoint rows as ``RowPrinter`` prints them, much faster.

    ``styles`` are ``"text"`` and/or ``"latex"``; every method returns one result per
    style, in that order: :meth:`primal_rule` the symbolic rule of a primal row,
    :meth:`primal` and :meth:`step` the (lhs, rule, numbers, value) parts,
    :meth:`lines` the whole ``lhs = rule = numbers = value`` line.
    """

    def __init__(self, t: Trace, styles: tuple[str, ...] = ("text",)) -> None:
        self.t = t
        self.p = t.program
        self.styles = [_Style(t, style) for style in styles]
        text = next((st for st in self.styles if not st.latex), None)
        latex = next((st for st in self.styles if st.latex), None)
        samples = (0.5, -3.0, 1.5e-7, -2.5e20, 12345.678, 1e-4, 9.99995e14)
        if text is not None and latex is not None and all(
                _latex_of_text(text.fmt(x, t.digits)) == latex.fmt(x, t.digits) for x in samples):
            latex.text = text  # LaTeX numbers from the text ones
        self._shapes: dict[tuple, _Shape] = {}
        # per equation: what decides its shape (op, alias, repeated arguments, constants)
        self._slots: list[tuple[int, ...]] = []
        self._eqn_keys: list[tuple] = []
        for e in self.p.eqns:
            args = tuple(a for a in e.args if isinstance(a, int))
            self._slots.append(args)
            self._eqn_keys.append((e.op, e.alias, tuple(map(args.index, args)),
                                   tuple(a if isinstance(a, Const) else None for a in e.args)))
        # tall labels (w⁽¹⁾₂ is w^{(1)}_{2}) change LaTeX parentheses: all or none, or
        # else the label of every slot is part of a row's key
        self._tall: dict[str, list[bool]] = {}
        self._uniform: dict[str, bool | None] = {}
        self._constant_keys: dict[tuple[str, ...], tuple] = {}
        self._latex = next((st for st in self.styles if st.latex), None)

    # --- keys -----------------------------------------------------------------------------
    def _label_key(self, slots: tuple[int, ...], roles: tuple[str, ...]) -> tuple:
        """How tall the labels are: one flag per role for the whole trace, or, where a
        role mixes tall and flat labels, one flag per slot."""
        if self._latex is None:
            return ()
        constant = self._constant_keys.get(roles)
        if constant is not None:
            return constant
        key: list[Any] = []
        for role in roles:
            if role not in self._uniform:
                tall = self._tall[role] = [_is_tall(s) for s in self._latex.names_of(role)]
                self._uniform[role] = tall[0] if len(set(tall)) == 1 else None
            uniform = self._uniform[role]
            key.append(uniform if uniform is not None else
                       tuple(self._tall[role][s] for s in slots))
        if all(self._uniform[role] is not None for role in roles):
            self._constant_keys[roles] = tuple(key)
        return tuple(key)

    def _shape(self, kind: str, key: tuple, slots: tuple[int, ...],
               tree: Callable[[], D]) -> _Shape:
        roles = ("val",) if kind == "primal" else ("val", "dot" if kind == "tangent" else "bar")
        key = (kind, key, self._label_key(slots, roles))
        shape = self._shapes.get(key)
        if shape is None:
            def tall(slot: int, role: str) -> bool:
                return self._latex is not None and self._tall[role][slots[slot]]

            shape = self._shapes[key] = _Shape(kind, tree(), slots, kind != "primal",
                                               self.styles, tall)
        return shape

    # --- the rows ---------------------------------------------------------------------------
    def _primal_shape(self, node: int) -> tuple[_Shape, tuple[int, ...]]:
        k = node - self.p.n_inputs
        slots = (node, *self._slots[k])
        return self._shape("primal", self._eqn_keys[k], slots,
                           lambda: primal_display(self.p, node)), slots

    def _step_shape(self, sweep: Sweep, step: Step) -> tuple[_Shape, tuple[int, ...],
                                                              list[float]]:
        p, vals = self.p, self.t.values
        if sweep.mode == "forward":
            node = step.node
            k = node - p.n_inputs
            eqn = p.eqns[k]
            win = winner(eqn.rule, arg_values(p, node, vals)) if eqn.rule.routes else None
            slots = (node, *self._slots[k])
            shape = self._shape("tangent", (self._eqn_keys[k], win), slots,
                                lambda: tangent_display(p, node, vals))
            return shape, slots, _numbers(shape, slots, vals, sweep.values)
        src = step.source
        assert src is not None
        k = src - p.n_inputs
        # slot 0 is the argument receiving the adjoint, slot 1 the operation it comes from
        slots = (step.node, src, *self._slots[k])
        shape = self._shape("adjoint", (self._eqn_keys[k], step.arg, step.accumulates), slots,
                            lambda: adjoint_display(p, step))
        return shape, slots, _numbers(shape, slots, vals, sweep.values, step.previous)

    def _variant(self, shape: _Shape, numbers: list[float], row: Callable[[], Row],
                 slots: tuple[int, ...], value: float) -> _Variant | None:
        """The templates for these numbers, checked on their first row; None: not usable."""
        # per number: 1 if signed (Val.signed, -0.0 included), + 2 if tall in LaTeX (a
        # LaTeX number can only be tall by its exponent, 4 \times 10^{-5})
        latex = self._latex
        if latex is None:
            features = tuple([copysign(1.0, x) < 0 for x in numbers])
        else:
            cache = latex.numbers
            features = tuple([(copysign(1.0, x) < 0) + 2 * (TALL in (cache.get(x) or
                                                                      latex.number(x)))
                              for x in numbers])
        variant = shape.variant(features)
        if variant.ok is None:
            real = row()
            variant.ok = all(self._fill_parts(variant, i, slots, numbers, value) ==
                             st.rows.parts(real) for i, st in enumerate(self.styles))
        return variant if variant.ok else None

    def _fill_parts(self, variant: _Variant, i: int, slots: tuple[int, ...],
                    numbers: list[float], value: float) -> Parts:
        style = self.styles[i]
        strings = [style.number(x) for x in numbers]
        rhs = _fill(variant.rules[i], slots, strings)
        subst = _fill(variant.substs[i], slots, strings)
        val = style.number(value)
        if subst == val or subst == rhs:
            subst = ""
        return style.names_of(variant.role)[slots[0]], rhs, subst, val

    def primal_rule(self, node: int) -> list[str]:
        """The primal row's rule in symbols: ``x1 * x2``."""
        shape, slots = self._primal_shape(node)
        rules = [_fill(rule, slots, []) for rule in shape.rules]
        if shape.rules_ok is None:  # checked on the shape's first row, as the variants
            real = self._primal_row(node)
            shape.rules_ok = rules == [st.rows.expr(real.rhs, real) for st in self.styles]
        if not shape.rules_ok:
            real = self._primal_row(node)
            return [st.rows.expr(real.rhs, real) for st in self.styles]
        return rules

    def primal(self, node: int) -> list[Parts]:
        shape, slots = self._primal_shape(node)
        vals = self.t.values
        numbers = [vals[slots[site[0]]] for site in shape.sites]
        variant = self._variant(shape, numbers, lambda: self._primal_row(node), slots,
                                vals[node])
        if variant is None:
            row = self._primal_row(node)
            return [st.rows.parts(row) for st in self.styles]
        return [self._fill_parts(variant, i, slots, numbers, vals[node])
                for i in range(len(self.styles))]

    def _primal_row(self, node: int) -> Row:
        vals = self.t.values
        rhs = primal_display(self.p, node)
        return Row("primal", Leaf(node), rhs, substitute(rhs, lambda lf: vals[lf.node],
                                                         calls=False), vals[node], node)

    def _real_row(self, sweep: Sweep, step: Step) -> Row:
        return (tangent_row if sweep.mode == "forward" else adjoint_row)(self.t, sweep, step)

    def step(self, sweep: Sweep, step: Step) -> list[Parts]:
        """A tangent or adjoint row's parts."""
        shape, slots, numbers = self._step_shape(sweep, step)
        variant = self._variant(shape, numbers, lambda: self._real_row(sweep, step), slots,
                                step.value)
        if variant is None:
            row = self._real_row(sweep, step)
            return [st.rows.parts(row) for st in self.styles]
        return [self._fill_parts(variant, i, slots, numbers, step.value)
                for i in range(len(self.styles))]

    def lines(self, sweep: Sweep, step: Step) -> list[str]:
        """A tangent or adjoint row as ``RowPrinter.line`` prints it, one per style."""
        return self.sweep_lines(sweep, [step])[0]

    def sweep_lines(self, sweep: Sweep, steps: list[Step] | None = None) -> list[list[str]]:
        """:meth:`lines` for every step of a sweep (or the ``steps`` given).

        The hot loop of a large JSON trace, written out by hand: the same as
        :meth:`step` followed by :meth:`line`, without the calls.
        """
        steps = sweep.steps if steps is None else steps
        forward = sweep.mode == "forward"
        roles = ("val", "dot" if forward else "bar")
        label_key = self._label_key((), roles)
        if any(not isinstance(flag, bool) for flag in label_key):  # mixed labels: per step
            return [[self.line(parts) for parts in self.step(sweep, s)] for s in steps]
        p, vals, derivs = self.p, self.t.values, sweep.values
        n = p.n_inputs
        eqn_keys, eqn_slots = self._eqn_keys, self._slots
        latex = self._latex
        latex_cache = latex.numbers if latex is not None else {}
        styles = list(enumerate(self.styles))
        shapes: dict[tuple, _Shape] = {}  # by the step's key, in this sweep
        out: list[list[str]] = []
        for step in steps:
            # the shape (as _step_shape)
            if forward:
                node = step.node
                k = node - n
                slots = (node, *eqn_slots[k])
                rule = p.eqns[k].rule
                key: tuple = (eqn_keys[k], winner(rule, arg_values(p, node, vals))
                              if rule.routes else None)
                previous = None
            else:
                k = step.source - n  # type: ignore[operator]
                slots = (step.node, step.source, *eqn_slots[k])  # type: ignore[arg-type]
                key = (eqn_keys[k], step.arg, step.accumulates)
                previous = step.previous
            shape = shapes.get(key)
            if shape is None:
                shape = shapes[key] = self._step_shape(sweep, step)[0]
            # the numbers (as _numbers)
            numbers = []
            for site in shape.sites:
                if site.__class__ is tuple:
                    slot, role = site
                    if role == "val":
                        numbers.append(vals[slots[slot]])
                    elif slot == 0 and previous is not None and role == "bar":
                        numbers.append(previous)
                    else:
                        numbers.append(derivs[slots[slot]])  # type: ignore[arg-type]
                else:
                    numbers.append(evaluate(site, lambda d, slots=slots, previous=previous:
                                            _leaf(slots, d.node, d.role, vals, derivs,
                                                  previous)))
            # the variant (as _variant)
            if latex is None:
                features = tuple([copysign(1.0, x) < 0 for x in numbers])
            else:
                features = tuple([(copysign(1.0, x) < 0) + 2 * (TALL in (
                    latex_cache.get(x) or latex.number(x))) for x in numbers])
            variant = shape.variants.get(features)
            if variant is None or variant.ok is None:
                variant = self._variant(shape, numbers,
                                        lambda step=step: self._real_row(sweep, step),
                                        slots, step.value)
            if variant is None or not variant.ok:
                row = self._real_row(sweep, step)
                out.append([st.rows.line(row) for st in self.styles])
                continue
            # the lines
            numbers.append(step.value)
            lines = []
            for i, style in styles:
                line = variant.lines[i]
                if line is None:
                    lines.append(self.line(self._fill_parts(variant, i, slots, numbers[:-1],
                                                            step.value)))
                    continue
                fmt, holes = line
                cache, number = style.numbers, style.number
                lines.append(fmt % tuple([
                    (cache.get(numbers[j]) or number(numbers[j])) if kind else names[slots[j]]
                    for kind, j, names in holes]))
            out.append(lines)
        return out

    @staticmethod
    def line(parts: Parts) -> str:
        """``lhs = rule = numbers = value``, as ``RowPrinter.line``."""
        return " = ".join(x for x in parts if x)


def _fill(compiled: tuple[str, Holes], slots: tuple[int, ...], strings: list[str]) -> str:
    fmt, holes = compiled
    return fmt % tuple([strings[i] if kind else names[slots[i]] for kind, i, names in holes])


def _numbers(shape: _Shape, slots: tuple[int, ...], vals: list[float],
             derivs: list[float | None], previous: float | None = None) -> list[float]:
    """The numbers a row substitutes: values, tangents or adjoints, and whole calls.

    An adjoint row that accumulates shows the adjoint of slot 0 before the update
    (``previous``), as :func:`adtrace.rows.adjoint_row` does.
    """

    return [_leaf(slots, *site, vals, derivs, previous) if site.__class__ is tuple else
            evaluate(site, lambda d: _leaf(slots, d.node, d.role, vals, derivs, previous))
            for site in shape.sites]


def _leaf(slots: tuple[int, ...], slot: int, role: str, vals: list[float],
          derivs: list[float | None], previous: float | None) -> float:
    """The number of one leaf of a template: a value, a tangent or an adjoint."""
    if role == "val":
        return vals[slots[slot]]
    if slot == 0 and role == "bar" and previous is not None:
        return previous
    return derivs[slots[slot]]  # type: ignore[return-value]
