r"""SymPy expressions as display trees, printed by the printers of the trace rows.

The symbolic check's derivatives and ``--exact``'s values are SymPy expressions.
:func:`to_display` turns one into the trees of :mod:`adtrace.expr` (built with its
``add``/``mul``/``div``/``neg``/``power`` constructors), and :func:`show` /
:func:`show_value` print that tree with :mod:`adtrace.notation`'s ``TextPrinter`` and
``LatexPrinter``, the printers of every trace row.  So a derivative reads as the rows
do: ``^`` for powers, ``·`` for products, ``ln`` for the natural log, ``sqrt``,
``abs``, ``max``/``min``, input names as the rows write them (``x1``, ``x_{1}``),
subtraction for negative terms, a fraction for negative powers (``x/(2·sqrt(y))``).

Notation decided here, the same in text and LaTeX:

* **Powers of e** are written with the exponential function, as the rows write the
  ``exp`` operation: ``exp(-1)``, ``exp(2)``, ``exp(-b - w·x)`` (LaTeX ``\exp(-1)``),
  and e itself is ``exp(1)``; never ``E`` beside ``exp(-1)``.
* **sign(u)** is -1, 0 or 1 (SymPy's derivative of ``abs``; the adjoint rows write it too).
* **H(u)** is the unit step, 1 for u > 0 and 0 for u < 0 (SymPy's ``Heaviside``, ½ at
  0): SymPy's derivative of ``max`` and ``min``, 1 where an argument wins and 0 where it
  loses, as the rows route the derivative to the winner.  Tables that show it explain
  it under the check (``render.common.STEP_LEGEND``).

The check's derivative is simplified within a bound on its size, never on time
(:func:`simplest`).  Renderers never import SymPy: they read the printed strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy

from .expr import Atom, Bin, Call, D, Leaf, Neg, Num, add, div, mul, neg, power, sub
from .notation import LatexPrinter, TextPrinter
from .ops import HELPERS, RULES
from .program import latex_name

#: the check's derivative is simplified only when it has at most this many operations
#: (SymPy's ``count_ops``) ...
MAX_SIMPLIFY_OPS = 40
#: ... and the rational rewriting (which expands products: its time grows with the
#: terms) only when the expression as one fraction, expanded, would have at most this
#: many terms, numerator and denominator together (:func:`expanded_terms`)
MAX_EXPANDED_TERMS = 64

#: SymPy's function -> the name adtrace writes, from the op table (``log`` as ``ln``)
NAMES: dict[Any, str] = {
    getattr(sympy, rule.sympy_name): rule.exact_as or rule.name
    for rule in RULES.values() if rule.symbol is None and rule.sympy_name is not None
} | {getattr(sympy, h.sympy_name): h.name for h in HELPERS.values()} | {sympy.Heaviside: "H"}


def show(expr: Any, inputs: Sequence[str]) -> tuple[str, str]:
    """A derivative of the symbolic check as the rows print it: (text, LaTeX).

    ``inputs`` are the program's input names, in order: the symbol named ``inputs[i]``
    is input node ``i``.  The expression is simplified first (:func:`simplest`).
    """
    leaves = {name: Leaf(i) for i, name in enumerate(inputs)}
    d = simplest(expr, leaves)
    return (TextPrinter(lambda leaf: inputs[leaf.node]).doprint(d),
            LatexPrinter(lambda leaf: latex_name(inputs[leaf.node])).doprint(d))


def show_value(value: Any) -> tuple[str, str]:
    """An exact value (a SymPy number: ``1 - exp(-1)``, ``ln(2)``) as printed: (text, LaTeX)."""
    d = to_display(value)
    return _no_leaf(TextPrinter).doprint(d), _no_leaf(LatexPrinter).doprint(d)


def _no_leaf(printer: Callable[..., Any]) -> Any:
    def leaf(d: Leaf) -> str:
        raise TypeError(f"an exact value has no variables ({d})")

    return printer(leaf)


# --- simplification within a bound on size ---------------------------------------------------


def simplest(expr: Any, leaves: Mapping[str, D] | None = None) -> D:
    """The smallest display tree among ``expr`` and a few rewritings of it.

    Tried only when ``expr`` has at most :data:`MAX_SIMPLIFY_OPS` operations: SymPy's
    ``together`` (one fraction), and, when that fraction expanded has at most
    :data:`MAX_EXPANDED_TERMS` terms (:func:`expanded_terms`), ``ratsimp`` (a quotient
    of expanded polynomials, in which ``1 - 1/(exp(-u) + 1)`` cancels) with the
    exponentials it split joined again.  A rewriting is kept only when its tree is
    smaller than the derivative's (ties keep the derivative as SymPy gave it), and only
    when it uses no function the trees do not print (``Piecewise``).  The bounds are on
    size, so the result does not depend on the machine or its load.
    """
    best = to_display(expr, leaves)
    if expr.is_Atom or sympy.count_ops(expr) > MAX_SIMPLIFY_OPS:
        return best
    together = sympy.together(expr)
    candidates = [together]
    if expanded_terms(together) <= MAX_EXPANDED_TERMS:
        candidates.append(_join_exponentials(sympy.ratsimp(together)))
    size = tree_size(best)
    for candidate in candidates:
        if not _printable(candidate):
            continue
        d = to_display(candidate, leaves)
        if tree_size(d) < size:
            best, size = d, tree_size(d)
    return best


def _join_exponentials(expr: Any) -> Any:
    """``exp(b)·exp(w·x)`` as ``exp(b + w·x)``, as the formula wrote it (``ratsimp`` splits
    an exponential of a sum into a product)."""

    def several(e: Any) -> bool:
        return bool(e.is_Mul and sum(1 for a in e.args if a.func is sympy.exp) > 1)

    def joined(e: Any) -> Any:
        exps = [a.args[0] for a in e.args if a.func is sympy.exp]
        rest = [a for a in e.args if a.func is not sympy.exp]
        return sympy.Mul(*rest, sympy.exp(sympy.Add(*exps)))

    return expr.replace(several, joined)


def expanded_terms(expr: Any) -> int:
    """An upper bound on the terms of ``expr`` written as one expanded fraction: numerator
    and denominator together, function calls and non-integer powers counted as one."""
    num, den = _terms(expr)
    return num + den


def _terms(e: Any) -> tuple[int, int]:
    """(numerator terms, denominator terms), each an upper bound."""
    if e.is_Add:
        parts = [_terms(a) for a in e.args]
        den = _product(d for _, d in parts)
        return sum(n for n, _ in parts) * den, den
    if e.is_Mul:
        parts = [_terms(a) for a in e.args]
        return _product(n for n, _ in parts), _product(d for _, d in parts)
    if e.is_Pow and e.exp.is_Integer:
        n, d = _terms(e.base)
        k = abs(int(e.exp))
        if k > MAX_EXPANDED_TERMS:
            return MAX_EXPANDED_TERMS + 1, 1
        return (n ** k, d ** k) if k == int(e.exp) else (d ** k, n ** k)
    return 1, 1


def _product(values: Any) -> int:
    out = 1
    for v in values:
        out = min(out * v, MAX_EXPANDED_TERMS + 1)  # past the bound, the size is moot
    return out


def _printable(expr: Any) -> bool:
    """Whether every function in ``expr`` is one the trees print."""
    return all(node.func in NAMES or node.func is sympy.exp
               for node in sympy.preorder_traversal(expr)
               if not (node.is_Atom or node.is_Add or node.is_Mul or node.is_Pow))


def tree_size(d: D) -> int:
    """The number of nodes of a display tree."""
    count, stack = 0, [d]
    while stack:
        node = stack.pop()
        count += 1
        if isinstance(node, Bin):
            stack += [node.left, node.right]
        elif isinstance(node, Neg):
            stack.append(node.operand)
        elif isinstance(node, Call):
            stack += node.args
    return count


# --- the converter -----------------------------------------------------------------------------


def to_display(expr: Any, leaves: Mapping[str, D] | None = None) -> D:
    """A SymPy expression as a display tree; a symbol named in ``leaves`` becomes that tree
    (the input's :class:`~adtrace.expr.Leaf`), any other prints by its name."""
    return _Converter(leaves or {}).convert(sympy.sympify(expr))


class _Converter:
    def __init__(self, leaves: Mapping[str, D]) -> None:
        self.leaves = leaves

    def convert(self, e: Any) -> D:
        if e.is_Symbol:
            return self.leaves.get(e.name) or Atom(e.name, latex_name(e.name))
        if e.is_Number:
            return _number(e)
        if e.is_NumberSymbol or e in (sympy.I, sympy.zoo, sympy.nan):
            return _constant(e)
        if e.is_Add:
            return self.sum(e)
        if e.is_Mul:
            return self.product(e)
        if e.is_Pow:
            if _is_negative(e.exp):
                return div(Num(Fraction(1)), self.power(e.base, -e.exp))
            return self.power(e.base, e.exp)
        if e.func in NAMES or isinstance(e, sympy.Function):
            return self.call(e)
        raise TypeError(f"cannot display {type(e).__name__}: {e}")

    def sum(self, e: Any) -> D:
        """Terms in SymPy's order (a polynomial's by descending degree), a positive one
        first; in a number the rational term first (``3 + cos(2)``); negative terms
        subtracted."""
        terms = list(e.as_ordered_terms())
        if not e.free_symbols:
            terms.sort(key=lambda t: not t.is_Rational)  # (a stable sort)
        first = next((k for k, t in enumerate(terms) if not _is_negative(t)), 0)
        terms.insert(0, terms.pop(first))
        out: D | None = None
        for t in terms:
            if out is None:
                out = self.convert(t)
            elif _is_negative(t):
                out = sub(out, self.convert(-t))
            else:
                out = add(out, self.convert(t))
        assert out is not None
        return out

    def product(self, e: Any) -> D:
        """``-3·x/(4·sqrt(y))``: the coefficient split into numerator and denominator, and
        factors with a negative exponent in the denominator."""
        coeff, factors = e.as_coeff_mul()
        sign = _is_negative(coeff)
        coeff = -coeff if sign else coeff
        top: list[D] = []
        bottom: list[D] = []
        if coeff.is_Rational:
            if coeff.p != 1:
                top.append(Num(Fraction(int(coeff.p))))
            if coeff.q != 1:
                bottom.append(Num(Fraction(int(coeff.q))))
        elif coeff != 1:
            top.append(self.convert(coeff))
        for f in sympy.Mul(*factors).as_ordered_factors():
            if f.is_Pow and _is_negative(f.exp):
                bottom.append(self.power(f.base, -f.exp))
            else:
                top.append(self.convert(f))
        out = _chain(top) if top else Num(Fraction(1))
        if bottom:
            out = div(out, _chain(bottom))
        return neg(out) if sign else out

    def power(self, base: Any, exp: Any) -> D:
        """``base^exp`` for an exponent that is not negative: ``sqrt`` for ½."""
        if exp == sympy.S.Half:
            return Call("sqrt", (self.convert(base),))
        return power(self.convert(base), self.convert(exp))

    def call(self, e: Any) -> D:
        if e.func is sympy.exp:
            return Call("exp", (self.convert(e.args[0]),))
        args = e.args[:1] if e.func is sympy.Heaviside else e.args  # (H's value at 0 dropped)
        name = NAMES.get(e.func, e.func.__name__)
        return Call(name, tuple(self.convert(a) for a in args))


def _chain(factors: list[D]) -> D:
    out = factors[0]
    for f in factors[1:]:
        out = mul(out, f)
    return out


def _is_negative(e: Any) -> bool:
    """Printed with a leading minus: a negative number, or a product with one."""
    if e.is_Number:
        return bool(e.is_extended_negative)  # (not nan)
    return bool(e.is_Mul and e.as_coeff_mul()[0].is_extended_negative)


def _number(e: Any) -> D:
    if e.is_Rational:
        return Num(Fraction(int(e.p), int(e.q)))
    if e in (sympy.oo, -sympy.oo):
        inf = Atom("inf", r"\infty")
        return inf if e > 0 else neg(inf)
    text = repr(float(e))  # a float (exact values have none; kept readable all the same)
    return Atom(text, text)


def _constant(e: Any) -> D:
    if e is sympy.E:
        return Call("exp", (Num(Fraction(1)),))
    if e is sympy.pi:
        return Atom("pi", r"\pi")
    special = {sympy.I: ("I", "i"), sympy.zoo: ("zoo", r"\tilde{\infty}"),
               sympy.nan: ("nan", r"\mathrm{NaN}")}
    text, latex = special.get(e, (str(e), rf"\mathrm{{{e}}}"))
    return Atom(text, latex)

