"""SymPy as a namespace for the op table, and bounded exact arithmetic.

Only the cross-check and ``--exact`` import this module (and with it SymPy).
Symbols are real, so that ``d|x|/dx`` is ``sign(x)`` as a textbook writes it.
"""

from __future__ import annotations

import math
from typing import Any

import sympy

#: An exact power whose result would need more bits than this is not computed.
MAX_EXACT_BITS = 100_000


class ExactTooLarge(Exception):
    """An exact value would be too large to compute (``9**9**9``)."""


class SympyNS:
    sin = staticmethod(sympy.sin)
    cos = staticmethod(sympy.cos)
    tan = staticmethod(sympy.tan)
    asin = staticmethod(sympy.asin)
    acos = staticmethod(sympy.acos)
    atan = staticmethod(sympy.atan)
    sinh = staticmethod(sympy.sinh)
    cosh = staticmethod(sympy.cosh)
    tanh = staticmethod(sympy.tanh)
    exp = staticmethod(sympy.exp)
    log = staticmethod(sympy.log)
    sqrt = staticmethod(sympy.sqrt)
    abs = staticmethod(sympy.Abs)
    sign = staticmethod(sympy.sign)
    max = staticmethod(sympy.Max)
    min = staticmethod(sympy.Min)

    @staticmethod
    def number(text: str) -> sympy.Expr:
        return sympy.Rational(text)

    @staticmethod
    def constant(name: str) -> sympy.Expr:
        return sympy.pi if name == "pi" else sympy.E

    @staticmethod
    def pow(a: Any, b: Any) -> sympy.Expr:
        a, b = sympy.sympify(a), sympy.sympify(b)
        if a.is_Rational and b.is_Rational:
            size = max(abs(a.p), abs(a.q), 2).bit_length()
            if abs(b.p) * size / b.q > MAX_EXACT_BITS:
                raise ExactTooLarge(f"{a}^{b}")
        return sympy.Pow(a, b)


SYMPY = SympyNS()


def symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def to_float(value: Any) -> float:
    """A SymPy number as a float; ``nan`` when it is not a finite real number."""
    try:
        value = sympy.sympify(value).evalf(30)
        if value.is_real is False or value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            return math.nan
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return math.nan
