"""How display trees and numbers are written: text (Unicode) and LaTeX.

The printers here write the trees of :mod:`adtrace.expr`; one precedence table
(``expr.PREC_*``) decides parentheses for text and LaTeX alike.  A call's LaTeX comes
from each op's ``latex`` in the op table (:data:`LATEX_FUNCS`).  Numbers are written
as a textbook writes them (:func:`fmt_number`), with the trace's digits.

Text is written in Unicode (``ẋ1·x2``, ``∂f/∂x1``) or, with the ASCII setting
(:func:`ascii_notation`: ``--ascii``, or a stream that cannot show Unicode), in ASCII
(``x1_dot*x2``, ``df/dx1``): the labels' marks (``program.Labels``), the product sign of
:class:`TextPrinter` and the symbols of :data:`ASCII_SYMBOLS` follow the setting.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction
from functools import lru_cache

from .expr import (
    PREC_MUL,
    Atom,
    Bin,
    Call,
    ConstD,
    D,
    Leaf,
    Neg,
    Num,
    Val,
)
from .ops import RULES

# --- the notation's characters: Unicode or ASCII -----------------------------------------

#: The notation's own symbols (never a user's name: names are plain identifiers, with no
#: combining dot or bar) and how the ASCII notation writes them.  A dot or bar over a
#: letter, in a text such as ``v̇ += ∂v/∂u·u̇``, becomes a suffix: ``v_dot``.
ASCII_SYMBOLS: dict[str, str] = {
    "·": "*", "∂": "d", "…": "...", "×": "x", "≫": ">>", "⋮": ":", "←": "<-", "→": "->",
    "✓": "ok", "✗": "NO", "–": "-", "ᵀ": "^T", "\u0307": "_dot", "\u0304": "_bar",
}
_TO_ASCII = str.maketrans(ASCII_SYMBOLS)
_ASCII: ContextVar[bool] = ContextVar("adtrace_ascii_notation", default=False)


def ascii_on() -> bool:
    """Whether the ASCII notation is in force."""
    return _ASCII.get()


@contextmanager
def ascii_notation(on: bool = True) -> Iterator[None]:
    """Compute and print in the ASCII notation (``on``) within the block: labels ``x1_dot``,
    ``x1_bar``, ``w^(1)_2``, products ``*``, ``df/dx1``.  Everything a trace shows, its
    rows and its notes alike, is named when it is computed or printed inside the block."""
    token = _ASCII.set(on)
    try:
        yield
    finally:
        _ASCII.reset(token)


def sym(text: str) -> str:
    """``text``, written with the notation's symbols, in the notation in force: as it is,
    or in ASCII (``∂f/∂x1`` -> ``df/dx1``, ``J·ẋ`` -> ``J*x_dot``)."""
    if not _ASCII.get() or text.isascii():
        return text
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).translate(_TO_ASCII))


def unicode_chars() -> str:
    """Every character of the Unicode notation that is not ASCII: a stream that cannot
    encode them all is given the ASCII notation."""
    marked = "".join(unicodedata.normalize("NFC", c + m) for c in "wxyzvuf" for m in "\u0307\u0304")
    return "".join(ASCII_SYMBOLS) + marked + "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁽⁾₀₁₂₃₄₅₆₇₈₉₋─│└├"


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
    """Plain-text printer.  ``leaf`` names a trace quantity; ``times`` is the product sign,
    by default the notation's compact one (``ẋ1·x2``, in ASCII ``x1_dot*x2``)."""

    def __init__(self, leaf: Callable[[Leaf], str], *, times: str | None = None,
                 digits: int = 4) -> None:
        self.leaf = leaf
        self.compact = times is None  # products and quotients without spaces
        self.times = times if times is not None else ("*" if ascii_on() else "·")
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
            if d.of_zero:
                return inner  # -0 is 0
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
            if d.op == "/" and self.compact:
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
            if d.of_zero:
                return inner  # -0 is 0
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
                return f"{_power_base(left)}^{{{self.doprint(d.right)}}}"
            right = self._operand(d, d.right, right=True)
            if d.op == "*":
                numeric = isinstance(d.right, (Val, Num)) or (
                    isinstance(d.right, ConstD) and d.right.const.text[:1].isdigit()  # type: ignore[attr-defined]
                ) or right.startswith(("(", r"\left(")) or _leads_with_digit(d.right)  # not "02x"
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


def _leads_with_digit(d: D) -> bool:
    """Whether ``d`` prints in LaTeX starting with a digit, decided from the tree alone,
    so that a template whose numbers are holes decides as each of its rows does."""
    while True:
        if isinstance(d, Val):
            return d.value >= 0  # a number is written with its digits first, unless negative
        if isinstance(d, Num):
            return d.value >= 0 and d.value.denominator == 1  # not -1 or \frac{1}{2}
        if isinstance(d, (ConstD, Atom)):
            text = d.const.latex if isinstance(d, ConstD) else d.latex  # type: ignore[attr-defined]
            return text[:1].isdigit()
        if isinstance(d, Neg) and d.of_zero:
            d = d.operand  # -0 prints as 0
        elif isinstance(d, Bin) and d.op in "+-*^":
            d = d.left  # (a left operand or base in parentheses starts with "(", decided
            # elsewhere, as does a base with a superscript of its own)
        else:
            return False  # a label, a call, \frac, a minus sign


def _power_base(base: str) -> str:
    """A power's base as TeX needs it: ``x_{3}^{2}`` (the exponent over the subscript, as a
    textbook sets it), ``\\sin(x)^{2}``, ``\\left(…\\right)^{2}``; in parentheses when the
    base carries a superscript of its own (``\\left(w^{(1)}_{2}\\right)^{2}``,
    ``\\left(1.5 \\times 10^{-7}\\right)^{2}``), which TeX would refuse as a double
    superscript and a reader would misread in braces.  Decided from the text alone, so
    that a template, whose tall holes carry ``^{``, decides as each of its rows does."""
    if "^" in base and not base.endswith(")"):
        return rf"\left({base}\right)"
    return base


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
