"""Display expressions: the small trees every printed formula is made of.

The op table (``ops.py``) writes each operation's value and partial derivatives
once, as functions of a *namespace* ``M`` and the arguments.  Called with floats
and the :data:`FLOAT` namespace they compute numbers; called with SymPy objects
and the SymPy namespace they build the cross-check; called with the :class:`D`
objects of this module and the :data:`DISPLAY` namespace they build the trees
from which the text and LaTeX of every trace row are printed.  The printed rule
and the computed number therefore come from the same line of code.  Both
namespaces here are derived from the table: :data:`FLOAT` from each op's float
function, :data:`DISPLAY` by name (under the alias a formula wrote, ``ln``).

How the trees and numbers are written, in text and LaTeX, is :mod:`adtrace.notation`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from .ops import CONSTANTS, RULES, Helper, Namespace, OpRule, called

PREC_ADD = 10
PREC_MUL = 20
PREC_NEG = 25
PREC_POW = 30
PREC_ATOM = 40


class D:
    """A display expression.  Arithmetic on it builds (lightly simplified) trees."""

    prec = PREC_ATOM
    signed = False  # prints with a leading minus sign

    def __add__(self, other: object) -> D:
        return add(self, lift(other))

    def __radd__(self, other: object) -> D:
        return add(lift(other), self)

    def __sub__(self, other: object) -> D:
        return sub(self, lift(other))

    def __rsub__(self, other: object) -> D:
        return sub(lift(other), self)

    def __mul__(self, other: object) -> D:
        return mul(self, lift(other))

    def __rmul__(self, other: object) -> D:
        return mul(lift(other), self)

    def __truediv__(self, other: object) -> D:
        return div(self, lift(other))

    def __rtruediv__(self, other: object) -> D:
        return div(lift(other), self)

    def __neg__(self) -> D:
        return neg(self)

    def __pow__(self, other: object) -> D:
        return power(self, lift(other))


@dataclass(frozen=True, eq=False)
class Leaf(D):
    """A trace quantity: the value, tangent (``dot``) or adjoint (``bar``) of a node."""

    node: int
    role: str = "val"  # "val" | "dot" | "bar"


@dataclass(frozen=True, eq=False)
class Num(D):
    """A number that the rules themselves introduce (the 2 in x^2, the 1 in 1/x)."""

    value: Fraction

    @property
    def signed(self) -> bool:  # type: ignore[override]
        return self.value < 0

    @property
    def prec(self) -> int:  # type: ignore[override]
        return PREC_ATOM if self.value.denominator == 1 else PREC_MUL


@dataclass(frozen=True, eq=False)
class Atom(D):
    """A literal inside a constant: a number as written, ``pi`` or ``E``."""

    text: str
    latex: str


@dataclass(frozen=True, eq=False)
class Val(D):
    """A computed number substituted into a formula; printed with the user's digits."""

    value: float

    @property
    def signed(self) -> bool:  # type: ignore[override]
        return self.value < 0  # (a negative zero prints as 0, with no sign to protect)


@dataclass(frozen=True, eq=False)
class ConstD(D):
    """A constant written in the formula (``2*pi``, ``1/3``), shown as written."""

    const: object  # program.Const

    @property
    def prec(self) -> int:  # type: ignore[override]
        return PREC_ATOM if self.const.simple else PREC_ADD - 1  # type: ignore[attr-defined]

    @property
    def signed(self) -> bool:  # type: ignore[override]
        return self.const.text.startswith("-")  # type: ignore[attr-defined]


@dataclass(frozen=True, eq=False)
class Bin(D):
    op: str  # + - * / ^
    left: D
    right: D

    @property
    def prec(self) -> int:  # type: ignore[override]
        return {"+": PREC_ADD, "-": PREC_ADD, "*": PREC_MUL, "/": PREC_MUL, "^": PREC_POW}[self.op]


@dataclass(frozen=True, eq=False)
class Neg(D):
    operand: D

    @property
    def of_zero(self) -> bool:
        """``-0`` with numbers substituted: it prints as 0, as an atom."""
        return isinstance(self.operand, Val) and self.operand.value == 0

    @property
    def prec(self) -> int:  # type: ignore[override]
        return PREC_ATOM if self.of_zero else PREC_NEG

    @property
    def signed(self) -> bool:  # type: ignore[override]
        return not self.of_zero


@dataclass(frozen=True, eq=False)
class Call(D):
    fname: str
    args: tuple[D, ...]


def lift(x: object) -> D:
    if isinstance(x, D):
        return x
    if isinstance(x, bool):
        raise TypeError("booleans are not display expressions")
    if isinstance(x, (int, Fraction)):
        return Num(Fraction(x))
    raise TypeError(f"cannot display {x!r}")


def _is_num(d: D, v: int | None = None) -> bool:
    return isinstance(d, Num) and (v is None or d.value == v)


# --- constructors with the light simplifications a textbook makes -------------


def add(a: D, b: D) -> D:
    if _is_num(a) and _is_num(b):
        return Num(a.value + b.value)  # type: ignore[attr-defined]
    if isinstance(b, Neg):
        return Bin("-", a, b.operand)
    if _is_num(b) and b.value < 0:  # type: ignore[attr-defined]
        return Bin("-", a, Num(-b.value))  # type: ignore[attr-defined]
    return Bin("+", a, b)


def sub(a: D, b: D) -> D:
    if _is_num(a) and _is_num(b):
        return Num(a.value - b.value)  # type: ignore[attr-defined]
    if _is_num(a, 0):
        return neg(b)
    if isinstance(b, Neg):
        return Bin("+", a, b.operand)
    return Bin("-", a, b)


def mul(a: D, b: D) -> D:
    if _is_num(a) and _is_num(b):
        return Num(a.value * b.value)  # type: ignore[attr-defined]
    if _is_num(a, 1):
        return b
    if _is_num(b, 1):
        return a
    if _is_num(a, -1):
        return neg(b)
    if _is_num(b, -1):
        return neg(a)
    if isinstance(b, Neg):
        return neg(mul(a, b.operand))
    if isinstance(b, Bin) and b.op == "/" and _is_num(b.left, 1):
        return Bin("/", a, b.right)
    return Bin("*", a, b)


def div(a: D, b: D) -> D:
    if _is_num(a) and _is_num(b) and b.value != 0:  # type: ignore[attr-defined]
        return Num(a.value / b.value)  # type: ignore[attr-defined]
    if _is_num(b, 1):
        return a
    if isinstance(a, Neg):
        return neg(div(a.operand, b))
    if isinstance(a, Num) and a.value < 0:
        return neg(div(Num(-a.value), b))
    return Bin("/", a, b)


def neg(a: D) -> D:
    if isinstance(a, Num):
        return Num(-a.value)
    if isinstance(a, Neg):
        return a.operand
    return Neg(a)


def power(a: D, b: D) -> D:
    if _is_num(b, 1):
        return a
    if _is_num(a) and _is_num(b) and b.value.denominator == 1 and abs(b.value) <= 64:  # type: ignore[attr-defined]
        if a.value != 0 or b.value >= 0:  # type: ignore[attr-defined]
            return Num(a.value ** int(b.value))  # type: ignore[attr-defined]
    return Bin("^", a, b)


def times(a: D, b: D) -> D:
    """``a·b`` exactly as written, without simplification (adjoint steps show ``v̄·1``)."""
    if isinstance(b, Bin) and b.op == "/" and _is_num(b.left, 1):
        return Bin("/", a, b.right)
    return Bin("*", a, b)


# --- namespaces, derived from the op table ----------------------------------------------


def _float_fn(decl: OpRule | Helper) -> Callable[..., float]:
    """The float function of an op, refusing the points its ``domain`` excludes."""
    fn, domain = decl.float_fn, getattr(decl, "domain", None)
    if domain is None:
        return fn  # type: ignore[return-value]

    def guarded(*args: float) -> float:
        if not domain(*args):
            raise ValueError(f"{decl.name} is undefined here")
        return fn(*args)  # type: ignore[misc]

    return guarded


#: Floating-point semantics: ``math``, with errors instead of complex results.
FLOAT = Namespace(**{name: _float_fn(decl) for name, decl in called()},
                  number=float, constant=lambda name: CONSTANTS[name].value)


class DisplayNS:
    """Builds display trees: ``DISPLAY.sin(x)`` is ``Call('sin', (x,))``."""

    def __init__(self, aliases: dict[str, str] | None = None) -> None:
        self.aliases = aliases or {}

    def __getattr__(self, fname: str) -> Callable[..., D]:
        if fname.startswith("_"):
            raise AttributeError(fname)
        shown = self.aliases.get(fname, fname)
        return lambda *args: Call(shown, tuple(lift(a) for a in args))

    @staticmethod
    def pow(a: D, b: D) -> D:
        return power(lift(a), lift(b))


DISPLAY = DisplayNS()
#: For a call written under an alias: the row shows the name as written (``ln(x)``).
DISPLAY_AS: dict[str, DisplayNS] = {
    alias: DisplayNS({rule.name: alias}) for rule in RULES.values() for alias in rule.aliases}


def display_namespace(alias: str | None) -> DisplayNS:
    """The display namespace of an equation, by the function name it was written with."""
    return DISPLAY if alias is None else DISPLAY_AS[alias]


# --- evaluation and substitution ----------------------------------------------------


def evaluate(d: D, leaf: Callable[[Leaf], float]) -> float:
    """The float value of a display tree, with ``leaf`` giving each trace quantity."""
    if isinstance(d, Leaf):
        return leaf(d)
    if isinstance(d, Num):
        return float(d.value)
    if isinstance(d, Val):
        return d.value
    if isinstance(d, ConstD):
        return d.const.value  # type: ignore[attr-defined]
    if isinstance(d, Neg):
        return -evaluate(d.operand, leaf)
    if isinstance(d, Call):
        return getattr(FLOAT, d.fname)(*(evaluate(a, leaf) for a in d.args))
    if isinstance(d, Bin):
        a, b = evaluate(d.left, leaf), evaluate(d.right, leaf)
        if d.op == "+":
            return a + b
        if d.op == "-":
            return a - b
        if d.op == "*":
            return a * b
        if d.op == "/":
            return a / b
        return math.pow(a, b)
    raise TypeError(d)


def substitute(d: D, leaf: Callable[[Leaf], float], *, calls: bool) -> D:
    """Replace trace quantities by their values; with ``calls``, whole function calls too.

    Tangent and adjoint rows show ``w̄2·cos(x1) = 1·(-0.4161)``: the factor
    ``cos(x1)`` becomes one number.  Primal rows keep the call: ``sin(2)``.
    """
    if isinstance(d, Leaf):
        return Val(leaf(d))
    if isinstance(d, Call) and calls:
        return Val(evaluate(d, leaf))
    if isinstance(d, Call):
        return Call(d.fname, tuple(substitute(a, leaf, calls=calls) for a in d.args))
    if isinstance(d, Neg):
        return Neg(substitute(d.operand, leaf, calls=calls))
    if isinstance(d, Bin):
        left = substitute(d.left, leaf, calls=calls)
        return Bin(d.op, left, substitute(d.right, leaf, calls=calls))
    return d
