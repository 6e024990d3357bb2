"""The row printer: every format prints a row's parts through :class:`RowPrinter`.

A row is printed as ``lhs``, ``rule``, ``rule with numbers`` and ``value``, in text
(Unicode) or LaTeX, with the trace's digits.  A trace of 20,000 operations has tens
of thousands of rows but only a few *shapes* of row: a shape is everything that
decides how a rule prints apart from the labels and numbers filled into it (the
operation and its constants; for a tangent the max/min winner, for an adjoint the
argument and whether it accumulates; in LaTeX, which labels are tall).  The printer
prints the first row of each shape from its display tree, with holes where labels
and numbers go, and fills the holes for every further row of that shape.

The template is printed by the same printer classes (:mod:`adtrace.notation`) from the
same tree (:meth:`adtrace.rows.Row.rule`) as the row itself, and each template is
compared with the ordinary printing of the first row it serves: a template that
differs is dropped, and rows of its shape are printed from their own trees.
"""

from __future__ import annotations

from typing import Any

from .expr import Call, D, Leaf, Val, evaluate
from .notation import LatexPrinter, TextPrinter, fmt_number
from .notation import latex_number as _latex_number
from .program import Labels
from .rows import ROW_KINDS, Row

HOLE = "\x00"  # never in a label or a number: marks the holes of a printed template
TALL = "^{"  # what makes LaTeX parentheses grow (notation._parens): a tall hole carries it


class _NumberHole(Val):
    """Number ``index`` of a row: its sign (-1, 0 or 1) and height decide the parentheses
    around it, and whether a minus before it shows (``-0`` prints as 0)."""

    def __init__(self, index: int, sign: int, tall: bool) -> None:
        super().__init__(float(sign))
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "tall", tall)


class _Template:
    """A printed template: a ``%`` format and what fills each hole, checked once."""

    __slots__ = ("fmt", "holes", "checked", "fills")

    def __init__(self, text: str) -> None:
        pieces = text.split(HOLE)
        self.fmt = "%s".join(lit.replace("%", "%%") for lit in pieces[0::2])
        holes: list[Any] = []
        for tag in pieces[1::2]:
            tag = tag.removesuffix(TALL)
            if tag[0] == "N":
                holes.append(int(tag[1:]))
            else:
                place, role = tag[1:].split(",")
                holes.append((int(place), role))
        self.holes = tuple(holes)
        self.checked = False
        self.fills: list[tuple[list[str], int]] | None = None  # RowPrinter._fills


class _Shape:
    """The templates of one shape: its rule, and its numbers per pattern of signs and
    heights."""

    __slots__ = ("tree", "calls", "printer", "sites", "rule", "numbers")

    def __init__(self, tree: D, calls: bool, printer: Any) -> None:
        self.tree = tree
        self.calls = calls
        self.printer = printer
        # where numbers go, in the order expr.substitute puts them: a leaf's (place, role),
        # or (with ``calls``) a whole function call to evaluate
        self.sites: list[Any] = [(d.node, d.role) if isinstance(d, Leaf) else d
                                 for d in _sites(tree, calls)]
        self.rule = _Template(printer.doprint(tree))
        self.numbers: dict[tuple, _Template] = {}


class RowPrinter:
    """Prints the parts of rows as text (Unicode) or LaTeX, with the trace's digits."""

    def __init__(self, labels: Labels, digits: int = 4, latex: bool = False) -> None:
        self.labels = labels
        self.latex = latex
        self.digits = digits
        if latex:
            self._sym = LatexPrinter(labels.leaf_latex, digits=digits)
            self._primal = self._sym
        else:
            self._sym = TextPrinter(labels.leaf_text, digits=digits)
            self._primal = TextPrinter(labels.leaf_text, times=" * ", digits=digits)
        self._format = _latex_number if latex else fmt_number
        self._numbers: dict[float, str] = {}
        self._names: dict[str, list[str]] = {}
        self._shapes: dict[tuple, _Shape | None] = {}
        tall = [_is_tall(s) for s in labels.latex] if latex else []
        self._tall = tall if any(tall) else None

    # --- the ordinary way: a tree through the printer -------------------------------------

    def expr(self, d: D | None, row: Row) -> str:
        if d is None:
            return ""
        kind = ROW_KINDS.get(row.kind)
        # rows given as trees: inputs and outputs print as the primal rows do
        primal = kind.printer == "primal" if kind else row.kind in ("input", "output")
        return (self._primal if primal else self._sym).doprint(d)

    def number(self, x: float) -> str:
        s = self._numbers.get(x)
        if s is None:  # (0.0 and -0.0 are one key: both print as 0)
            s = self._numbers[x] = self._format(x, self.digits)
        return s

    def names(self, role: str) -> list[str]:
        """Every node's name in one role (``x1``, ``ẋ1`` or ``x̄1``), made once."""
        names = self._names.get(role)
        if names is None:
            names = self._names[role] = self.labels.marked_names(role, self.latex)
        return names

    # --- rows --------------------------------------------------------------------------

    def parts(self, row: Row) -> tuple[str, str, str, str]:
        """(lhs, rule, rule with numbers, value); the numbers are left out (``""``) where
        they read exactly like the value or the rule."""
        lhs, rhs, subst, value = self.cells(row)
        if subst == value or subst == rhs:
            subst = ""
        return lhs, rhs, subst, value

    def line(self, row: Row) -> str:
        """``lhs = rule = rule with numbers = value``, leaving out the parts not shown."""
        lhs, rhs, subst, value = self.parts(row)
        if rhs:
            return f"{lhs} = {rhs} = {subst} = {value}" if subst else f"{lhs} = {rhs} = {value}"
        return f"{lhs} = {subst} = {value}" if subst else f"{lhs} = {value}"

    def rule(self, row: Row) -> str:
        """The rule alone (``x1 * x2``): the second of :meth:`cells`."""
        if row.kind in ROW_KINDS:
            nodes = row.places()
            shape = self._shape(row, nodes)
            if shape is not None and shape.rule.checked:
                return shape.rule.fmt % tuple([names[nodes[place]]  # type: ignore[index]
                                               for names, place in shape.rule.fills])  # type: ignore[union-attr]
        return self.cells(row)[1]

    def cells(self, row: Row) -> tuple[str, str, str, str]:
        """(lhs, rule, rule with numbers, value), each as printed (``""`` where absent)."""
        if row.kind in ROW_KINDS:
            printed = self._from_templates(row)
            if printed is not None:
                return printed
        return self.cells_of_trees(row)

    def _from_templates(self, row: Row) -> tuple[str, str, str, str] | None:
        """The row's parts from its shape's templates; None where the shape has none."""
        nodes = row._places or row.places()
        shape = self._shapes.get(row._shape or row.shape) if self._tall is None else None
        if shape is None:
            shape = self._shape(row, nodes)
            if shape is None:
                return None
        rule = shape.rule.fmt % tuple([names[nodes[place]]  # type: ignore[index]
                                       for names, place in shape.rule.fills or
                                       self._fills(shape.rule)])
        numbers = row.numbers
        if numbers is None:  # the same for every printer: the sites come from one tree
            numbers = row.numbers = self._numbers_of(row, nodes, shape)
        known, number = self._numbers, self.number
        texts = tuple([known.get(x) or number(x) for x in numbers])
        features: Any = tuple([(x > 0) - (x < 0) for x in numbers])  # each one's sign
        if self.latex:
            features = (features, tuple([TALL in s for s in texts]))
        template = shape.numbers.get(features)
        if template is None:
            template = shape.numbers[features] = self._numbers_template(shape, features)
        printed = (self.names(ROW_KINDS[row.kind].role)[row.node], rule,  # type: ignore[index]
                   template.fmt % texts,  # the numbers' holes come in the order of the sites
                   known.get(row.value) or number(row.value))
        if not (template.checked and shape.rule.checked):
            # the first row of a template: printed the ordinary way too
            ordinary = self.cells_of_trees(row)
            if ordinary != printed:
                self._shapes[self._key(row, nodes)] = None
                return ordinary
            template.checked = shape.rule.checked = True
        return printed

    def _fills(self, template: _Template) -> list[tuple[list[str], int]]:
        """For each label hole of a template: the names of every node in its role, and
        the place whose node it names."""
        fills = template.fills
        if fills is None:
            fills = template.fills = [(self.names(role), place)
                                      for place, role in template.holes]
        return fills

    @staticmethod
    def _numbers_of(row: Row, nodes: tuple[int | None, ...], shape: _Shape) -> list[float]:
        """The row's numbers, in the order of the shape's sites (Row.place_value)."""
        value = row.place_value
        return [value(nodes, *site) if site.__class__ is tuple else
                evaluate(site, lambda lf: value(nodes, lf.node, lf.role))
                for site in shape.sites]

    def cells_of_trees(self, row: Row) -> tuple[str, str, str, str]:
        """:meth:`cells` printed from the row's own trees, without templates."""
        lhs, rhs, subst = row.trees
        return (self.expr(lhs, row), self.expr(rhs, row), self.expr(subst, row),
                self.number(row.value))

    # --- templates -------------------------------------------------------------------------

    def _key(self, row: Row, nodes: tuple[int | None, ...]) -> tuple:
        """The row's shape, and in LaTeX which of its labels are tall."""
        if self._tall is None:
            return row.shape
        return (row.shape, tuple([n is not None and self._tall[n] for n in nodes]))

    def _shape(self, row: Row, nodes: tuple[int | None, ...]) -> _Shape | None:
        key = self._key(row, nodes)
        shape = self._shapes.get(key, False)
        if shape is False:
            tree = row.rule(Leaf)  # leaves at the places of the arguments
            shape = self._shapes[key] = _Shape(tree, ROW_KINDS[row.kind].calls,
                                               self._hole_printer(row, nodes))
        return shape

    def _hole_printer(self, row: Row, nodes: tuple[int | None, ...]) -> Any:
        """A printer of the row's kind that prints leaves and numbers as holes."""
        tall = self._tall

        def leaf(d: Leaf) -> str:
            big = tall is not None and tall[nodes[d.node]]  # type: ignore[index]
            return f"{HOLE}L{d.node},{d.role}{TALL if big else ''}{HOLE}"

        primal = ROW_KINDS[row.kind].printer == "primal"
        base = type(self._primal if primal else self._sym)
        extra = {} if self.latex else {"times": " * " if primal else None}

        class HolePrinter(base):  # type: ignore[valid-type,misc]
            def doprint(self, d: D) -> str:
                if isinstance(d, _NumberHole):
                    tall_number = TALL if d.tall else ""  # type: ignore[attr-defined]
                    return f"{HOLE}N{d.index}{tall_number}{HOLE}"  # type: ignore[attr-defined]
                return super().doprint(d)  # type: ignore[no-any-return]

        return HolePrinter(leaf, digits=self.digits, **extra)

    def _numbers_template(self, shape: _Shape, features: tuple) -> _Template:
        """The rule with numbers: the shape's tree with a hole for each number."""
        count = iter(range(len(shape.sites)))
        signs, talls = features if self.latex else (features, [False] * len(features))

        def number(d: D) -> D | None:
            if isinstance(d, Leaf) or (shape.calls and isinstance(d, Call)):
                i = next(count)
                return _NumberHole(i, signs[i], talls[i])  # type: ignore[arg-type]
            return None

        template = _Template(shape.printer.doprint(_map(shape.tree, number)))
        assert template.holes == tuple(range(len(shape.sites)))  # each number once, in order
        return template


def _is_tall(latex: str) -> bool:
    """Whether a label makes LaTeX parentheses grow, as ``notation._parens`` decides."""
    return any(tall in latex for tall in (r"\frac", r"\sqrt", "^{", r"\left"))


def _map(d: D, fn: Any) -> D:
    """Rebuild a display tree, replacing the nodes for which ``fn`` returns a tree."""
    from .expr import Bin, Neg

    new = fn(d)
    if new is not None:
        return new  # type: ignore[no-any-return]
    if isinstance(d, Call):
        return Call(d.fname, tuple(_map(a, fn) for a in d.args))
    if isinstance(d, Neg):
        return Neg(_map(d.operand, fn))
    if isinstance(d, Bin):
        return Bin(d.op, _map(d.left, fn), _map(d.right, fn))
    return d


def _sites(tree: D, calls: bool) -> list[D]:
    """Where ``expr.substitute`` puts numbers, in its order: leaves, and with ``calls``
    whole function calls."""
    sites: list[D] = []

    def visit(d: D) -> D | None:
        if isinstance(d, Leaf) or (calls and isinstance(d, Call)):
            sites.append(d)
            return d
        return None

    _map(tree, visit)
    return sites
