"""The elementary operations, each declared once, with everything about it.

An :class:`OpRule` holds everything about one operation: its value and partial
derivatives, how it is written (operator symbol or function name, aliases, LaTeX),
which float and SymPy functions compute it, where floating point needs help to
see that it is undefined, and where it is not differentiable.  ``value`` and
``partials`` are written against a namespace ``M``: the same line computes floats
(the sweeps), builds SymPy expressions (the cross-check, ``--exact``) and builds
the display trees that the traces print.  The namespaces themselves are derived
from this table (``expr.FLOAT``, ``expr.DISPLAY``, ``symbolic.SYMPY``), as are
the functions a formula may call (:data:`FUNCTIONS`).

The tangent ``v̇ = Σ ∂ₖ·u̇ₖ`` and the adjoint ``ūₖ += v̄·∂ₖ`` come from
``partials`` generically, so value, both modes and the printed rules cannot drift
apart.  ``tests/test_ops.py`` loops over the table: every partial against
``sympy.diff`` of the op's own value, and every op end to end.  Adding an
operation is one entry here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


@dataclass(frozen=True)
class OpRule:
    """One operation.  ``value(M, *args)`` and ``partials[k](M, *args)`` (∂value/∂arg k)
    are written against a namespace ``M``; the other fields say how it is written and
    computed outside them:

    * ``symbol``: the operator (``+``), or None for an op called by name, ``sin(a)``;
    * ``float_fn``: what ``M.<name>`` computes in floats; ``sympy_name``: SymPy's
      function of that name (looked up only when SymPy is loaded);
    * ``latex``: a call in LaTeX, a command (``\\sin``) set before the parenthesised
      arguments, or a template with ``{0}`` where the arguments go (``\\sqrt{{{0}}}``);
    * ``aliases``: other names a formula may call it by, with their LaTeX; a row shows
      the name as written (``ln``); ``exact_as``: the alias exact values print (``ln(2)``);
    * ``domain``: False at float arguments where ``float_fn`` answers although the op
      is undefined (tan at the float nearest a pole); elsewhere ``math`` raises;
    * ``nondiff``: at a point where the op is not differentiable, the note saying
      which one-sided choice the sweeps take; ``routes``: the derivative goes to the
      winning argument only (max, min); ``flow``: how the adjoint passes through, in
      the lecture notes' words; ``product_rule``: the tangent is written u̇·v + u·v̇;
    * ``vanishing``: at arguments where the formula of a partial is 0·∞ but the
      derivative exists and is 0, which partials those are (``partials`` give 0 there,
      and the rows show 0 rather than the formula).
    """

    name: str
    arity: int  # 0: two or more arguments (max, min)
    value: Callable[..., Any]
    partials: tuple[Callable[..., Any], ...]
    symbol: str | None = None
    float_fn: Callable[..., float] | None = None
    sympy_name: str | None = None
    latex: str | None = None
    aliases: dict[str, str] = field(default_factory=dict, hash=False)
    exact_as: str | None = None
    domain: Callable[..., bool] | None = None
    nondiff: Callable[[tuple[float, ...]], str | None] | None = None
    routes: bool = False
    flow: str | None = None
    product_rule: bool = False
    vanishing: Callable[[tuple[Any, ...]], tuple[int, ...]] | None = None


@dataclass(frozen=True)
class Helper:
    """A function the partials call that is not an operation itself (``sign``)."""

    name: str
    float_fn: Callable[..., float]
    sympy_name: str


@dataclass(frozen=True)
class Constant:
    """A named constant a formula may write (``pi``); every other name is a variable."""

    name: str
    value: float
    sympy_name: str
    latex: str


def _abs_kink(args: tuple[float, ...]) -> str | None:
    if args[0] == 0:
        return "abs is not differentiable at 0; using abs'(0) = 0 (the subgradient PyTorch uses)"
    return None


def _tie(kind: str) -> Callable[[tuple[float, ...]], str | None]:
    def check(args: tuple[float, ...]) -> str | None:
        best = max(args) if kind == "max" else min(args)
        if sum(1 for a in args if a == best) > 1:
            return f"{kind} has tied arguments; its derivative goes to the first of them"
        return None

    return check


def _off_pole(a: float) -> bool:
    """tan is undefined at a pole, and the float nearest pi/2 has a cosine of 6e-17, not 0:
    ``math.tan`` would print 1.6e16 there."""
    return abs(math.cos(a)) > 4 * 2.0**-52 * max(1.0, abs(a))


def _pow_vanishing(args: tuple[Any, ...]) -> tuple[int, ...]:
    """The partials of ``a^b`` that are 0 where their formula is 0·∞, at a = 0: ∂/∂b =
    a^b·ln(a) when b > 0 (0^b is 0 for every b near, and a^b·ln(a) → 0 as a → 0), and
    ∂/∂a = b·a^(b-1) when b = 0 (a^0 is 1).  For floats and SymPy's exact numbers alike
    (a symbol or a display tree is never 0 here)."""
    a, b = args
    if isinstance(a, (int, float)) and a == 0 or getattr(a, "is_zero", False) is True:
        return (1,) if b > 0 else (0,) if b == 0 else ()
    return ()


def _sign(x: float) -> float:
    return 0.0 if x == 0 else math.copysign(1.0, x)


def winner(rule: OpRule, args: tuple[float, ...]) -> int:
    """Index of the argument that max/min picks: the first one on a tie."""
    best = max(args) if rule.name == "max" else min(args)
    return args.index(best)


def _call(name: str, float_fn: Callable[..., float], latex: str,
          *partials: Callable[..., Any], arity: int = 1, sympy_name: str | None = None,
          **kw: Any) -> OpRule:
    """An op written as a call, ``name(a)``, computing ``M.name(a)``."""
    return OpRule(name, arity, lambda M, *a: getattr(M, name)(*a), partials,
                  float_fn=float_fn, sympy_name=sympy_name or name, latex=latex, **kw)


RULES: dict[str, OpRule] = {
    r.name: r
    for r in [
        OpRule("add", 2, lambda M, a, b: a + b, (lambda M, a, b: 1, lambda M, a, b: 1),
               symbol="+", flow="add distributes"),
        OpRule("sub", 2, lambda M, a, b: a - b, (lambda M, a, b: 1, lambda M, a, b: -1),
               symbol="-", flow="sub distributes"),
        OpRule("mul", 2, lambda M, a, b: a * b, (lambda M, a, b: b, lambda M, a, b: a),
               symbol="*", flow="mul switches", product_rule=True),
        OpRule("div", 2, lambda M, a, b: a / b,
               (lambda M, a, b: 1 / b, lambda M, a, b: -a / M.pow(b, 2)), symbol="/"),
        OpRule("neg", 1, lambda M, a: -a, (lambda M, a: -1,), symbol="-"),
        OpRule("pow", 2, lambda M, a, b: M.pow(a, b),
               (lambda M, a, b: 0 if 0 in _pow_vanishing((a, b)) else b * M.pow(a, b - 1),
                lambda M, a, b: 0 if 1 in _pow_vanishing((a, b)) else
                M.pow(a, b) * M.log(a)),
               symbol="^", float_fn=math.pow, sympy_name="Pow", vanishing=_pow_vanishing),
        _call("sin", math.sin, r"\sin", lambda M, a: M.cos(a)),
        _call("cos", math.cos, r"\cos", lambda M, a: -M.sin(a)),
        _call("tan", math.tan, r"\tan", lambda M, a: 1 / M.pow(M.cos(a), 2), domain=_off_pole),
        _call("asin", math.asin, r"\arcsin", lambda M, a: 1 / M.sqrt(1 - M.pow(a, 2))),
        _call("acos", math.acos, r"\arccos", lambda M, a: -1 / M.sqrt(1 - M.pow(a, 2))),
        _call("atan", math.atan, r"\arctan", lambda M, a: 1 / (1 + M.pow(a, 2))),
        _call("sinh", math.sinh, r"\sinh", lambda M, a: M.cosh(a)),
        _call("cosh", math.cosh, r"\cosh", lambda M, a: M.sinh(a)),
        _call("tanh", math.tanh, r"\tanh", lambda M, a: 1 - M.pow(M.tanh(a), 2)),
        _call("exp", math.exp, r"\exp", lambda M, a: M.exp(a)),
        _call("log", math.log, r"\log", lambda M, a: 1 / a,
              aliases={"ln": r"\ln"}, exact_as="ln"),
        _call("sqrt", math.sqrt, r"\sqrt{{{0}}}", lambda M, a: 1 / (2 * M.sqrt(a))),
        _call("abs", abs, r"\left|{0}\right|", lambda M, a: M.sign(a), sympy_name="Abs",
              nondiff=_abs_kink),
        _call("max", max, r"\max", arity=0, sympy_name="Max", flow="max routes", routes=True,
              nondiff=_tie("max")),
        _call("min", min, r"\min", arity=0, sympy_name="Min", flow="min routes", routes=True,
              nondiff=_tie("min")),
    ]
}

#: Functions the partials call that are not operations of their own.
HELPERS: dict[str, Helper] = {h.name: h for h in [Helper("sign", _sign, "sign")]}

#: Named constants.  Every other name that is not a function is a variable.
CONSTANTS: dict[str, Constant] = {c.name: c for c in [
    Constant("pi", math.pi, "pi", r"\pi"),
    Constant("E", math.e, "E", "e"),
]}

#: The functions a formula may call, by the name written: name -> (op, arity).
FUNCTIONS: dict[str, tuple[str, int]] = {
    name: (r.name, r.arity) for r in RULES.values() if r.symbol is None
    for name in (r.name, *r.aliases)
}


def called() -> Iterator[tuple[str, OpRule | Helper]]:
    """Every name the rules ask their namespace ``M`` for (``M.sin``, ``M.pow``, ``M.sign``),
    with its declaration; an alias (``ln``) too, for display trees written with it."""
    for rule in RULES.values():
        if rule.float_fn is not None:
            for name in (rule.name, *rule.aliases):
                yield name, rule
    yield from HELPERS.items()


class Namespace(SimpleNamespace):
    """The functions of :func:`called` in one semantics (floats, SymPy), as attributes, and
    ``number``/``constant`` for the trees of constants."""
