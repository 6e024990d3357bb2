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

For ``--format json`` the same holds one level up: a :class:`Layout` gives each
row's record (a JSON object) as a frame around its lines, and
:meth:`ShapePrinter.sweep_records` / :meth:`ShapePrinter.primal_records` fuse frame
and templates into one template per shape, checked on its first row against the
frame filled with the ordinary lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from math import copysign
from operator import itemgetter
from typing import Any

from .expr import (
    FLOAT,
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
        elif style == "text":
            self.sym = _hole_printer(TextPrinter, digits=t.digits)
            self.primal = _hole_printer(TextPrinter, times=" * ", digits=t.digits)
            self.fmt = fmt_number
        else:
            raise ValueError(f"unknown style {style!r}")
        self.labels = lab
        self.rows = RowPrinter(lab, digits=t.digits, latex=self.latex)  # the ordinary way
        self.text: _Style | None = None  # LaTeX: the text style, whose numbers it reuses
        self.digits = t.digits
        self.numbers: dict[float, str] = {}
        self.names: dict[str, list[str]] = {}
        self._escaped: dict[tuple[str, Callable[[str], str]], list[str]] = {}

    def names_of(self, role: str) -> list[str]:
        """Every node's name in one role (``x1``, ``ẋ1`` or ``x̄1``), made on first use
        (as ``Labels.leaf_text`` or ``leaf_latex`` names each node)."""
        names = self.names.get(role)
        if names is None:
            names = self.names[role] = self.labels.marked_names(role, self.latex)
        return names

    def escaped_names(self, names: list[str], layout: Layout) -> list[str]:
        """``names`` (a list from :meth:`names_of`) as ``layout.escape_all`` writes them,
        made once per escape function."""
        role = next(role for role, known in self.names.items() if known is names)
        out = self._escaped.get((role, layout.escape))
        if out is None:
            out = self._escaped[role, layout.escape] = layout.escape_all(names)
        return out

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


class Layout:
    """How :meth:`ShapePrinter.sweep_records` and :meth:`ShapePrinter.primal_records`
    write rows as the records of another format (the objects of a JSON array).

    A record is a *frame*, a ``%`` format (``%s`` holes, ``%%`` for ``%``), filled with
    the row's id, its value and its printed lines.  The lines go inside strings of
    the record: every piece of them (literal text, labels, numbers) is passed
    through :meth:`escape`, which must work character by character
    (``escape(a + b) == escape(a) + escape(b)``).  A subclass sets :attr:`ids` and
    implements the four methods; :meth:`escape` and :meth:`number` should be the
    same functions for every layout of a trace (the printer caches their results).
    """

    ids: list[str]  # every node's id, as the record writes it

    def escape(self, text: str) -> str:
        """A piece of a printed line as the record writes it."""
        raise NotImplementedError

    def number(self, x: float) -> str:
        """A row's value as the record writes it."""
        raise NotImplementedError

    def escape_all(self, texts: list[str]) -> list[str]:
        """:meth:`escape` of each text (the labels of every node); a subclass may do it
        faster."""
        escape = self.escape
        return [escape(s) for s in texts]

    def step_frame(self, sweep: Sweep, step: Step) -> str:
        """A step's record, with holes for its id, its value and its line in each style.

        It may depend only on what decides the step's shape: the operation and its
        constants, and in reverse mode the argument and whether the step accumulates."""
        raise NotImplementedError

    def node_frames(self) -> list[tuple[str, tuple[str, ...]]]:
        """Per equation, its primal row's record and the extra strings that fill it.

        The record has holes for the row's id, the ids of the equation's node
        arguments (in order, repeats included), its value, its ``lhs = rule`` in each
        style, then one per extra string.  Equations of the same ``ShapePrinter.kinds``
        entry should share one frame object for each number of extra strings."""
        raise NotImplementedError


def _pieces(fmt: str) -> list[str]:
    """The literal text around the ``%s`` holes of a ``%`` format, ``%%`` read as ``%``."""
    pieces = [""]
    for token in re.split(r"(%%|%s)", fmt):
        if token == "%s":
            pieces.append("")
        else:
            pieces[-1] += "%" if token == "%%" else token
    return pieces


def _interleaved(pieces: list[str]) -> list[str | None]:
    """``pieces`` with a None between each two: where the holes' text goes.

    A fused template is filled as ``"".join`` of a copy of this list with the holes
    put in its odd places, which is faster than ``%`` once the text is not Latin-1
    (``t̄1``): ``%`` widens its output as it goes, ``join`` sizes it once."""
    out: list[str | None] = [None] * (2 * len(pieces) - 1)
    out[0::2] = pieces
    return out


class _Plan:
    """A shape's records in one sweep: where its numbers come from, its frame, and its
    fused templates by the features of its numbers (False: not usable), which are
    shared by every sweep with the same shape and frame."""

    __slots__ = ("shape", "sites", "frame", "fused")

    def __init__(self, shape: _Shape, sites: list[tuple[int, int, Any]], frame: str,
                 fused: dict[tuple, Any]) -> None:
        self.shape, self.sites, self.frame, self.fused = shape, sites, frame, fused


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
        # per equation: what decides its shape (op, alias, repeated arguments, constants),
        # and that key as a small number (equal keys, equal numbers)
        self._slots: list[tuple[int, ...]] = []
        self._eqn_keys: list[tuple] = []
        self.kinds: list[int] = []
        kinds: dict[tuple, int] = {}
        for e in self.p.eqns:
            args = e.args
            if len(args) == 2 and type(args[0]) is int and type(args[1]) is int:
                # the common case, written out: two node arguments
                key = (e.op, e.alias, (0, 0) if args[0] == args[1] else (0, 1), (None, None))
            elif len(args) == 1 and type(args[0]) is int:
                key = (e.op, e.alias, (0,), (None,))
            else:
                args = tuple(a for a in args if isinstance(a, int))
                key = (e.op, e.alias, tuple(map(args.index, args)),
                       tuple(a if isinstance(a, Const) else None for a in e.args))
            self._slots.append(args)  # type: ignore[arg-type]
            self._eqn_keys.append(key)
            kind = kinds.get(key)
            if kind is None:
                kind = kinds[key] = len(kinds)
            self.kinds.append(kind)
        # tall labels (w⁽¹⁾₂ is w^{(1)}_{2}) change LaTeX parentheses: all or none, or
        # else the label of every slot is part of a row's key
        self._tall: dict[str, list[bool]] = {}
        self._uniform: dict[str, bool | None] = {}
        self._constant_keys: dict[tuple[str, ...], tuple] = {}
        self._latex = next((st for st in self.styles if st.latex), None)
        self._infos: dict[tuple, Any] = {}  # sweep_records' number caches, by layout
        self._fused: dict[tuple, dict[tuple, Any]] = {}  # its templates, by shape and frame

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
                names = self._latex.names_of(role)
                # most traces have no tall label at all: one look at all of them
                tall = self._tall[role] = [_is_tall(s) for s in names] if \
                    _is_tall("\x00".join(names)) else [False] * len(names)
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

    # --- records: a row as one filled template ------------------------------------------------
    #
    # sweep_records and primal_records give what the frames of a Layout filled with the
    # rows' ids, values and lines give (the "ordinary" records below), one join per row:
    # the frame and the lines' templates are fused into one template per shape and
    # pattern of number features, its literal text escaped once.  Every fused template
    # is checked on its first row against the ordinary record, and never used if they
    # differ (the lines themselves are checked against RowPrinter, as everywhere here).

    def _step_record(self, sweep: Sweep, step: Step, frame: str, layout: Layout,
                     lines: list[str] | None = None) -> str:
        """A step's record the ordinary way: the frame filled with the printed lines."""
        if lines is None:
            lines = self.sweep_lines(sweep, [step])[0]
        escape = layout.escape
        return frame % (layout.ids[step.node], layout.number(step.value),
                        *[escape(line) for line in lines])

    def _number_infos(self, layout: Layout) -> tuple[dict, dict, Callable, Callable]:
        """Caches of what a record shows of a number: its features (as :meth:`_variant`
        computes them), its text in each style (escaped), and for a row's value also
        the record's own writing of it; and the functions that fill them.  Zeros are
        not cached by value (0.0 and -0.0 are one key), but by sign."""
        caches = self._infos.get((layout.escape, layout.number))
        if caches is not None:
            return caches
        escape, record = layout.escape, layout.number
        styles = self.styles
        digits = self.t.digits
        # each number formatted once, as _Style.number does: per style its own format,
        # or for LaTeX the text's number rewritten (latex.text)
        text_style = next((st for st in styles if not st.latex), None)
        if len(styles) == 2 and styles[0] is text_style and styles[1].text is text_style:
            fmt = text_style.fmt  # the usual pair, written out

            def info_of(x: float) -> tuple:
                text = fmt(x, digits)
                latex = _latex_of_text(text)
                return ((copysign(1.0, x) < 0) + 2 * (TALL in latex), escape(text),
                        escape(latex))
        else:
            reuse = [st.text is not None or st is text_style for st in styles]
            tall_at = next((i for i, st in enumerate(styles) if st.latex), None)

            def info_of(x: float) -> tuple:
                text = text_style.fmt(x, digits) if text_style is not None else ""
                strings = [(text if st is text_style else _latex_of_text(text)) if again else
                           st.fmt(x, digits) for st, again in zip(styles, reuse)]
                tall = 2 * (TALL in strings[tall_at]) if tall_at is not None else 0
                return ((copysign(1.0, x) < 0) + tall, *[escape(s) for s in strings])

        sites: dict[float, tuple] = {}
        values: dict[float, tuple] = {}
        # by sign (negative?): adjoints that underflow make thousands of zeros
        zero_sites = {sign: info_of(zero) for sign, zero in ((False, 0.0), (True, -0.0))}
        zero_values = {sign: (*zero_sites[sign], record(zero))
                       for sign, zero in ((False, 0.0), (True, -0.0))}

        def site_info(x: float) -> tuple:
            if x.__class__ is not float:
                return info_of(x)
            if x == 0:
                return zero_sites[copysign(1.0, x) < 0]
            info = sites[x] = info_of(x)
            return info

        def value_info(x: float) -> tuple:
            if x.__class__ is not float:
                return (*info_of(x), record(x))
            if x == 0:
                return zero_values[copysign(1.0, x) < 0]
            info = values[x] = (*(sites.get(x) or site_info(x)), record(x))
            return info

        caches = self._infos[layout.escape, layout.number] = (sites, values, site_info,
                                                              value_info)
        return caches

    def _plan(self, sweep: Sweep, step: Step, layout: Layout) -> _Plan:
        """Where a step's numbers come from: per site (0, slot) a value, (1, slot) a
        tangent or adjoint, (2, 0) the adjoint before an accumulation, (3, 0, f) a call."""
        shape = self._step_shape(sweep, step)[0]
        vals, derivs = self.t.values, sweep.values
        sites: list[tuple[int, int, Any]] = []
        for site in shape.sites:
            if site.__class__ is tuple:
                slot, role = site
                if role == "val":
                    sites.append((0, slot, None))
                elif slot == 0 and role == "bar" and step.previous is not None:
                    sites.append((2, 0, None))
                else:
                    sites.append((1, slot, None))
            else:
                sites.append((3, 0, _evaluator(site, vals, derivs)))
        frame = layout.step_frame(sweep, step)
        # the templates refer to layout.ids and keep that list alive: its id is its own
        fused = self._fused.setdefault(
            (shape, frame, layout.escape, layout.number, id(layout.ids)), {})
        return _Plan(shape, sites, frame, fused)

    def _fuse_step(self, plan: _Plan, sweep: Sweep, step: Step, slots: tuple[int, ...],
                   numbers: list[float], found: list[tuple], layout: Layout) -> Any:
        """The fused template of a step's shape and number features, or False; checked
        on this step against its ordinary record."""
        variant = self._variant(plan.shape, numbers, lambda: self._real_row(sweep, step),
                                slots, step.value)
        ordinary = self._step_record(sweep, step, plan.frame, layout)
        n_styles = len(self.styles)
        frame = _pieces(plan.frame)
        features = tuple(info[0] for info in found[:-1])  # the key it is stored under
        if variant is None or variant is not plan.shape.variants.get(features) or \
                None in variant.lines or len(frame) != 3 + n_styles:
            return False
        escape = layout.escape
        value = len(numbers)  # the value's place in ``found``
        pieces = frame[:3]
        holes: list[tuple[int, int, Any]] = [(0, 0, layout.ids), (1 + n_styles, value, None)]
        for i, style in enumerate(self.styles):
            fmt, line_holes = variant.lines[i]  # type: ignore[misc]
            literal = _pieces(fmt)
            pieces[-1] += escape(literal[0])
            for (kind, j, names), text in zip(line_holes, literal[1:]):
                holes.append((1 + i, j, None) if kind else
                             (0, j, style.escaped_names(names, layout)))
                pieces.append(escape(text))
            pieces[-1] += frame[3 + i]
        fused = (_interleaved(pieces), tuple(holes))
        return fused if _fill_record(fused, slots, found) == ordinary else False

    def sweep_records(self, sweep: Sweep, layout: Layout) -> list[str]:
        """Every step of a sweep as its record: ``layout.step_frame`` filled with the
        step's id, value and its :meth:`lines` (escaped).

        The hot loop of a large JSON trace: per step, its shape, its numbers (each
        formatted once per trace), and one join of the fused template of that shape and
        those numbers' features.
        """
        steps = sweep.steps
        forward = sweep.mode == "forward"
        label_key = self._label_key((), ("val", "dot" if forward else "bar"))
        if any(not isinstance(flag, bool) for flag in label_key) or \
                any(s.value.__class__ is not float for s in steps):
            # mixed labels (a shape per step's labels), or values that are not floats
            # (their records cannot be cached by value): the ordinary way
            return [self._step_record(sweep, step, layout.step_frame(sweep, step), layout,
                                      lines) for step, lines in zip(steps, self.sweep_lines(sweep))]
        p, vals, derivs = self.p, self.t.values, sweep.values
        n = p.n_inputs
        eqns, kinds, eqn_slots = p.eqns, self.kinds, self._slots
        cache, values, site_info, value_info = self._number_infos(layout)
        get, get_value = cache.get, values.get
        plans: dict[tuple, _Plan] = {}  # by the step's key, in this sweep (as sweep_lines)
        out: list[str] = []
        append, join, first = out.append, "".join, itemgetter(0)
        for step in steps:
            if forward:
                node = step.node
                k = node - n
                slots = (node, *eqn_slots[k])
                rule = eqns[k].rule
                key: tuple = (kinds[k], winner(rule, arg_values(p, node, vals))
                              if rule.routes else None)
                previous = None
            else:
                source = step.source
                k = source - n  # type: ignore[operator]
                previous = step.previous
                slots = (step.node, source, *eqn_slots[k])  # type: ignore[arg-type]
                key = (kinds[k], step.arg, previous is not None)
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = self._plan(sweep, step, layout)
            # each number (as _numbers) and what the records show of it, in one pass
            found = [get(x := vals[slots[j]] if where == 0 else derivs[slots[j]] if where == 1
                         else previous if where == 2 else call(slots, previous)) or
                     site_info(x) for where, j, call in plan.sites]
            features = tuple(map(first, found))  # the variant's key
            value = step.value
            found.append(get_value(value) or value_info(value))
            fused = plan.fused.get(features)
            if fused is None:
                numbers = _plan_numbers(plan, slots, previous, vals, derivs)
                fused = plan.fused[features] = self._fuse_step(plan, sweep, step, slots,
                                                               numbers, found, layout)
            if fused:
                text, holes = fused
                text = text[:]
                text[1::2] = [names[slots[j]] if not kind else found[j][kind]
                              for kind, j, names in holes]
                append(join(text))
            else:
                append(self._step_record(sweep, step, plan.frame, layout))
        return out

    def _node_record(self, node: int, frame: str, extra: tuple[str, ...],
                     layout: Layout) -> str:
        """A primal row's record the ordinary way: the frame filled with its lines."""
        ids, escape = layout.ids, layout.escape
        lines = [f"{style.names_of('val')[node]} = {rule}"
                 for style, rule in zip(self.styles, self.primal_rule(node))]
        return frame % (ids[node], *[ids[a] for a in self._slots[node - self.p.n_inputs]],
                        layout.number(self.t.values[node]), *[escape(line) for line in lines],
                        *extra)

    def _fuse_node(self, node: int, slots: tuple[int, ...], frame: str,
                   extra: tuple[str, ...], layout: Layout) -> Any:
        """The fused template of a primal row's shape and frame, or False; checked on this
        row against its ordinary record."""
        ordinary = self._node_record(node, frame, extra, layout)
        shape = self._primal_shape(node)[0]
        pieces = _pieces(frame)
        n_args = len(slots) - 1
        if not shape.rules_ok or len(pieces) != 3 + n_args + len(self.styles) + len(extra):
            return False
        escape, ids = layout.escape, layout.ids
        holes: list[tuple[int, int, Any]] = [(0, j, ids) for j in range(1 + n_args)]
        holes.append((1, 0, None))
        out = pieces[:3 + n_args]  # up to the first line
        for i, style in enumerate(self.styles):
            fmt, rule_holes = shape.rules[i]
            literal = _pieces(fmt)
            holes.append((0, 0, style.escaped_names(style.names_of("val"), layout)))
            out.append(escape(" = " + literal[0]))
            for (_, j, names), text in zip(rule_holes, literal[1:]):
                holes.append((0, j, style.escaped_names(names, layout)))
                out.append(escape(text))
            out[-1] += pieces[3 + n_args + i]
        holes += [(2, j, None) for j in range(len(extra))]
        out += pieces[3 + n_args + len(self.styles):]
        fused = (_interleaved(out), tuple(holes))
        value = layout.number(self.t.values[node])
        return fused if _fill_node(fused, slots, value, extra) == ordinary else False

    def primal_records(self, layout: Layout) -> list[str]:
        """Every equation's primal row as its record: ``layout.node_frames`` filled with
        the row's id, its arguments' ids, its value and ``lhs = rule`` in each style."""
        frames = layout.node_frames()
        n = self.p.n_inputs
        if any(not isinstance(flag, bool) for flag in self._label_key((), ("val",))):
            return [self._node_record(n + k, frame, extra, layout)
                    for k, (frame, extra) in enumerate(frames)]
        vals, kinds, eqn_slots, number = self.t.values, self.kinds, self._slots, layout.number
        plans: dict[tuple, Any] = {}
        out: list[str] = []
        append, join = out.append, "".join
        for k, (frame, extra) in enumerate(frames):
            node = n + k
            slots = (node, *eqn_slots[k])
            key = (kinds[k], frame)
            fused = plans.get(key)
            if fused is None:
                fused = plans[key] = self._fuse_node(node, slots, frame, extra, layout)
            if fused:
                text, holes = fused
                value = number(vals[node])
                text = text[:]
                text[1::2] = [names[slots[j]] if not kind else value if kind == 1 else extra[j]
                              for kind, j, names in holes]
                append(join(text))
            else:
                append(self._node_record(node, frame, extra, layout))
        return out

    @staticmethod
    def line(parts: Parts) -> str:
        """``lhs = rule = numbers = value``, as ``RowPrinter.line``."""
        return " = ".join(x for x in parts if x)


def _fill(compiled: tuple[str, Holes], slots: tuple[int, ...], strings: list[str]) -> str:
    fmt, holes = compiled
    return fmt % tuple([strings[i] if kind else names[slots[i]] for kind, i, names in holes])


def _plan_numbers(plan: _Plan, slots: tuple[int, ...], previous: float | None,
                  vals: list[float], derivs: list[float | None]) -> list[float]:
    """A step's numbers from its plan's sites (as the loop of ``sweep_records``)."""
    return [vals[slots[j]] if where == 0 else derivs[slots[j]] if where == 1 else  # type: ignore[misc]
            previous if where == 2 else call(slots, previous) for where, j, call in plan.sites]


def _fill_record(fused: tuple[list[str | None], Holes], slots: tuple[int, ...],
                 found: list[tuple]) -> str:
    """A fused step template filled (as the loop of :meth:`ShapePrinter.sweep_records`)."""
    text, holes = fused
    text = text[:]
    text[1::2] = [names[slots[j]] if not kind else found[j][kind] for kind, j, names in holes]
    return "".join(text)  # type: ignore[arg-type]


def _fill_node(fused: tuple[list[str | None], Holes], slots: tuple[int, ...], value: str,
               extra: tuple[str, ...]) -> str:
    """A fused primal template filled (as the loop of :meth:`ShapePrinter.primal_records`)."""
    text, holes = fused
    text = text[:]
    text[1::2] = [names[slots[j]] if not kind else value if kind == 1 else extra[j]
                  for kind, j, names in holes]
    return "".join(text)  # type: ignore[arg-type]


def _evaluator(site: D, vals: list[float],
               derivs: list[float | None]) -> Callable[[tuple[int, ...], float | None], float]:
    """A call's number for a step's slots, as ``evaluate`` with :func:`_leaf` computes it;
    a call of labels only (``cos(x1)``) calls the function directly."""
    if isinstance(site, Call) and all(isinstance(a, Leaf) for a in site.args):
        fn = getattr(FLOAT, "log" if site.fname == "ln" else site.fname)
        args = [(a.node, a.role) for a in site.args]
        if len(args) == 1 and args[0][1] == "val":
            slot = args[0][0]
            return lambda slots, previous: fn(vals[slots[slot]])  # type: ignore[no-any-return]
        return lambda slots, previous: fn(*[_leaf(slots, slot, role, vals, derivs, previous)
                                            for slot, role in args])
    return lambda slots, previous: evaluate(site, lambda d: _leaf(slots, d.node, d.role, vals,
                                                                   derivs, previous))


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
