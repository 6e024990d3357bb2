"""SymPy as a namespace for the op table, bounded exact arithmetic, and SymPy's printers.

Only the cross-check and ``--exact`` import this module (and with it SymPy).
Symbols are real, so that ``d|x|/dx`` is ``sign(x)`` as a textbook writes it.
The namespace and the printers' names come from the op table (``ops.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .ops import CONSTANTS, RULES, Namespace, called

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


# --- printing: SymPy's printers, with the names adtrace writes (``ln(2)``, ``\ln 2``) ----------


def _text_as(name: str) -> Callable[..., str]:
    def _print(self: StrPrinter, expr: Any) -> str:
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    return _print


def _latex_as(command: str) -> Callable[..., str]:
    """``\\ln 2`` for a positive integer argument, ``\\ln\\left(x\\right)`` otherwise."""

    def _print(self: LatexPrinter, expr: Any, exp: Any = None) -> str:
        arg = expr.args[0]
        if isinstance(arg, sympy.Integer) and arg > 0:
            tex = rf"{command} {self._print(arg)}"
        else:
            tex = rf"{command}\left({self._print(arg)}\right)"
        return rf"{command}^{{{exp}}}" + tex[len(command):] if exp is not None else tex

    return _print


class TextPrinter(StrPrinter):
    """SymPy's text, with the names adtrace writes (``ln`` for the natural log)."""


class Latex(LatexPrinter):
    """SymPy's LaTeX as a textbook writes it: ``\\ln 2``, ``\\sin 5``, ``\\arctan 2``."""


for _rule in RULES.values():  # ops whose exact values print under an alias (log as ln)
    if _rule.exact_as is not None:
        setattr(TextPrinter, f"_print_{_rule.sympy_name}", _text_as(_rule.exact_as))
        setattr(Latex, f"_print_{_rule.sympy_name}", _latex_as(_rule.aliases[_rule.exact_as]))

LATEX_SETTINGS = {"order": "none", "fold_func_brackets": True, "inv_trig_style": "full"}
TEXT = TextPrinter({"order": "none"})
LATEX = Latex(LATEX_SETTINGS)


def symbolic_latex(expr: Any, names: dict[Any, str]) -> str:
    """A SymPy expression typeset like the traces: symbols by their adtrace LaTeX names."""
    from .program import latex_name

    printer = Latex({**LATEX_SETTINGS,
                     "symbol_names": {s: latex_name(n) for s, n in names.items()}})
    return printer.doprint(expr)
