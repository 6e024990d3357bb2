"""SymPy as a namespace for the op table, and bounded exact arithmetic.

Only the cross-check and ``--exact`` import this module (and with it SymPy).
Symbols are real, so that ``d|x|/dx`` is ``sign(x)`` as a textbook writes it.
The namespace comes from the op table (``ops.py``).  SymPy's results are printed by
adtrace's own printers, through :mod:`adtrace.fromsympy`.
"""

from __future__ import annotations

import math
from typing import Any

import sympy

from .ops import CONSTANTS, Namespace, called

#: An exact power whose result would need more bits than this is not computed.
MAX_EXACT_BITS = 100_000


class ExactTooLarge(Exception):
    """An exact value would be too large to compute (``9**9**9``)."""


def _pow(a: Any, b: Any) -> sympy.Expr:
    """SymPy's power, refusing a rational power too large to compute."""
    a, b = sympy.sympify(a), sympy.sympify(b)
    if a.is_Rational and b.is_Rational:
        size = max(abs(a.p), abs(a.q), 2).bit_length()
        if abs(b.p) * size / b.q > MAX_EXACT_BITS:
            raise ExactTooLarge(f"{a}^{b}")
    return sympy.Pow(a, b)


SYMPY = Namespace(**{name: getattr(sympy, decl.sympy_name) for name, decl in called()},
                  number=sympy.Rational,
                  constant=lambda name: getattr(sympy, CONSTANTS[name].sympy_name))
SYMPY.pow = _pow


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
