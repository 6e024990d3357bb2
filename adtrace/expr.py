"""Display expressions: the small trees every printed formula is made of.

The op table (``ops.py``) writes each operation's value and partial derivatives
once, as functions of a *namespace* ``M`` and the arguments.  Called with floats
and the :data:`FLOAT` namespace they compute numbers; called with SymPy objects
and the SymPy namespace they build the cross-check; called with the :class:`D`
objects of this module and the :data:`DISPLAY` namespace they build the trees
from which the text and LaTeX of every trace row are printed.  The printed rule
and the computed number therefore come from the same line of code.  Both
namespaces here are derived from the table: :data:`FLOAT` from each op's float
function, :data:`DISPLAY` by name (under the alias a formula wrote, ``ln``), and
the LaTeX of a call (:data:`LATEX_FUNCS`) from each op's ``latex``.

One precedence table (``PREC_*``) decides parentheses for text and LaTeX alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

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
        return self.value < 0 or (self.value == 0 and math.copysign(1, self.value) < 0)


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
    prec = PREC_NEG
    signed = True


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


# --- numbers -------------------------------------------------------------------------


_SMALLEST = [10.0 ** -d for d in range(18)]  # per number of digits: shown without exponent


@lru_cache(maxsize=1 << 16)  # a trace prints each value in text and in LaTeX
def fmt_number(x: float, digits: int = 4) -> str:
    """A number as a textbook prints it: ``3``, ``0.5``, ``-0.4161``, ``1.2346e+20``."""
    ax = abs(x)
    if ax < 1e15:  # (False for inf and nan)
        if x == int(x):
            return str(int(x))  # 3, -2, and 0 for both zeros
        if ax >= (_SMALLEST[digits] if 0 <= digits < 18 else 10.0 ** -digits):
            s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
            if s not in ("-0", "0"):
                return s
    elif x != x:
        return "nan"
    elif ax == math.inf:
        return "inf" if x > 0 else "-inf"
    mant, _, exp = f"{x:.{digits}e}".partition("e")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    return f"{mant}e{exp}"


def fmt_fraction(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


# --- printers --------------------------------------------------------------------------


class TextPrinter:
    """Plain-text (Unicode) printer.  ``leaf`` names a trace quantity."""

    def __init__(self, leaf: Callable[[Leaf], str], *, times: str = "·", digits: int = 4) -> None:
        self.leaf = leaf
        self.times = times
        self.digits = digits

    def doprint(self, d: D) -> str:
        if isinstance(d, Leaf):
            return self.leaf(d)
        if isinstance(d, Num):
            return fmt_fraction(d.value)
        if isinstance(d, Val):
            return fmt_number(d.value, self.digits)
        if isinstance(d, ConstD):
            return d.const.text  # type: ignore[attr-defined]
        if isinstance(d, Atom):
            return d.text
        if isinstance(d, Neg):
            inner = self.doprint(d.operand)
            if d.operand.prec < PREC_MUL or d.operand.signed:
                inner = f"({inner})"
            return "-" + inner
        if isinstance(d, Call):
            return f"{d.fname}({', '.join(self.doprint(a) for a in d.args)})"
        if isinstance(d, Bin):
            left = self._operand(d, d.left, right=False)
            right = self._operand(d, d.right, right=True)
            if d.op == "*":
                return f"{left}{self.times}{right}"
            if d.op == "^":
                return f"{left}^{right}"
            if d.op == "/" and self.times == "·":
                return f"{left}/{right}"
            return f"{left} {d.op} {right}"
        raise TypeError(d)

    def _operand(self, parent: Bin, child: D, *, right: bool) -> str:
        text = self.doprint(child)
        return f"({text})" if needs_parens(parent, child, right=right) else text


def needs_parens(parent: Bin, child: D, *, right: bool) -> bool:
    p = parent.prec
    if child.signed:
        # a leading minus inside a product, a power or after another operator
        return right or parent.op in "*/^"
    if isinstance(child, ConstD) and not child.const.simple:  # type: ignore[attr-defined]
        return True
    if child.prec < p:
        return True
    if child.prec == p:
        if parent.op == "^":
            return True
        if right and parent.op in "-/":
            return True
    return False


#: A call's LaTeX by the name written: a command, or a template with ``{0}`` for the
#: arguments (see :class:`~adtrace.ops.OpRule`); other names print as ``\operatorname``.
LATEX_FUNCS: dict[str, str] = {
    name: latex
    for rule in RULES.values() if rule.latex is not None
    for name, latex in ((rule.name, rule.latex), *rule.aliases.items())
}


class LatexPrinter:
    """LaTeX printer for the same trees; ``leaf`` gives a trace quantity's LaTeX."""

    def __init__(self, leaf: Callable[[Leaf], str], *, digits: int = 4, cdot: bool = False) -> None:
        self.leaf = leaf
        self.digits = digits
        self.cdot = cdot

    def doprint(self, d: D) -> str:
        if isinstance(d, Leaf):
            return self.leaf(d)
        if isinstance(d, Num):
            q = d.value
            if q.denominator == 1:
                return str(q.numerator)
            sign = "-" if q < 0 else ""
            return rf"{sign}\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"
        if isinstance(d, Val):
            return latex_number(d.value, self.digits)
        if isinstance(d, ConstD):
            return d.const.latex  # type: ignore[attr-defined]
        if isinstance(d, Atom):
            return d.latex
        if isinstance(d, Neg):
            inner = self.doprint(d.operand)
            if d.operand.prec < PREC_MUL or d.operand.signed:
                inner = _parens(inner)
            return "-" + inner
        if isinstance(d, Call):
            args = ", ".join(self.doprint(a) for a in d.args)
            name = LATEX_FUNCS.get(d.fname, rf"\operatorname{{{d.fname}}}")
            if "{0}" in name:
                return name.format(args)
            return f"{name}{_parens(args)}"
        if isinstance(d, Bin):
            if d.op == "/":
                return rf"\frac{{{self.doprint(d.left)}}}{{{self.doprint(d.right)}}}"
            left = self._operand(d, d.left, right=False)
            if d.op == "^":
                return f"{{{left}}}^{{{self.doprint(d.right)}}}"
            right = self._operand(d, d.right, right=True)
            if d.op == "*":
                numeric = isinstance(d.right, (Val, Num)) or (
                    isinstance(d.right, ConstD) and d.right.const.text[:1].isdigit()  # type: ignore[attr-defined]
                ) or right.startswith(("(", r"\left(")) or right[:1].isdigit()  # not "02x"
                sep = r" \cdot " if self.cdot or numeric else " "
                return f"{left}{sep}{right}"
            return f"{left} {d.op} {right}"
        raise TypeError(d)

    def _operand(self, parent: Bin, child: D, *, right: bool) -> str:
        text = self.doprint(child)
        if needs_parens(parent, child, right=right) and not (
            parent.op == "*" and isinstance(child, Bin) and child.op == "/"
        ):
            return _parens(text)
        return text


def _parens(text: str) -> str:
    """Parentheses that grow only around tall content: ``\\ln(x_{1})``, not ``\\ln \\left(…``."""
    if any(tall in text for tall in (r"\frac", r"\sqrt", "^{", r"\left")):
        return rf"\left({text}\right)"
    return f"({text})"


def latex_number(x: float, digits: int = 4) -> str:
    s = fmt_number(x, digits)
    if "e" in s and s not in ("inf", "-inf", "nan"):
        mant, _, exp = s.partition("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return s
