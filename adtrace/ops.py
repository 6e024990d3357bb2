"""The elementary operations, each declared once.

An :class:`OpRule` holds everything about one operation.  ``value`` and
``partials`` are written against a namespace ``M`` (see ``expr.py``): the same
line computes floats (forward and reverse sweeps), builds SymPy expressions (the
cross-check) and builds the display trees that the traces print.  The tangent
``v̇ = Σ ∂ₖ·u̇ₖ`` and the adjoint ``ūₖ += v̄·∂ₖ`` are derived from ``partials``
generically, so value, both modes and the printed rules cannot drift apart.
``tests/test_ops.py`` checks every ``partials`` entry against ``sympy.diff`` of
the op's own ``value``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}


@dataclass(frozen=True)
class OpRule:
    name: str
    arity: int  # 0: two or more arguments (max, min)
    value: Callable[..., Any]  # value(M, *args)
    partials: tuple[Callable[..., Any], ...]  # ∂value/∂arg k is partials[k](M, *args)
    flow: str | None = None  # how the adjoint passes through, in the lecture notes' words
    product_rule: bool = False  # tangent written u̇·v + u·v̇ (each dot where its factor stands)
    routes: bool = False  # max/min: the derivative goes to the winning argument only
    nondiff: Callable[[tuple[float, ...]], str | None] | None = None

    @property
    def infix(self) -> str | None:
        return INFIX.get(self.name)


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


def winner(rule: OpRule, args: tuple[float, ...]) -> int:
    """Index of the argument that max/min picks: the first one on a tie."""
    best = max(args) if rule.name == "max" else min(args)
    return args.index(best)


def _unary(name: str, partial: Callable[[Any, Any], Any], **kw: Any) -> OpRule:
    return OpRule(name, 1, lambda M, a: getattr(M, name)(a), (partial,), **kw)


RULES: dict[str, OpRule] = {
    r.name: r
    for r in [
        OpRule("add", 2, lambda M, a, b: a + b, (lambda M, a, b: 1, lambda M, a, b: 1),
               flow="add distributes"),
        OpRule("sub", 2, lambda M, a, b: a - b, (lambda M, a, b: 1, lambda M, a, b: -1),
               flow="sub distributes"),
        OpRule("mul", 2, lambda M, a, b: a * b, (lambda M, a, b: b, lambda M, a, b: a),
               flow="mul switches", product_rule=True),
        OpRule("div", 2, lambda M, a, b: a / b,
               (lambda M, a, b: 1 / b, lambda M, a, b: -a / M.pow(b, 2))),
        OpRule("neg", 1, lambda M, a: -a, (lambda M, a: -1,)),
        OpRule("pow", 2, lambda M, a, b: M.pow(a, b),
               (lambda M, a, b: b * M.pow(a, b - 1), lambda M, a, b: M.pow(a, b) * M.log(a))),
        _unary("sin", lambda M, a: M.cos(a)),
        _unary("cos", lambda M, a: -M.sin(a)),
        _unary("tan", lambda M, a: 1 / M.pow(M.cos(a), 2)),
        _unary("asin", lambda M, a: 1 / M.sqrt(1 - M.pow(a, 2))),
        _unary("acos", lambda M, a: -1 / M.sqrt(1 - M.pow(a, 2))),
        _unary("atan", lambda M, a: 1 / (1 + M.pow(a, 2))),
        _unary("sinh", lambda M, a: M.cosh(a)),
        _unary("cosh", lambda M, a: M.sinh(a)),
        _unary("tanh", lambda M, a: 1 - M.pow(M.tanh(a), 2)),
        _unary("exp", lambda M, a: M.exp(a)),
        _unary("log", lambda M, a: 1 / a),
        _unary("sqrt", lambda M, a: 1 / (2 * M.sqrt(a))),
        _unary("abs", lambda M, a: M.sign(a), nondiff=_abs_kink),
        OpRule("max", 0, lambda M, *a: M.max(*a), (), flow="max routes", routes=True,
               nondiff=_tie("max")),
        OpRule("min", 0, lambda M, *a: M.min(*a), (), flow="min routes", routes=True,
               nondiff=_tie("min")),
    ]
}

#: The functions a formula may call, by the name written: name -> (op, arity).
FUNCTIONS: dict[str, tuple[str, int]] = {
    name: (name, RULES[name].arity)
    for name in ("sin cos tan asin acos atan sinh cosh tanh exp log sqrt abs max min").split()
}
FUNCTIONS["ln"] = ("log", 1)

#: Named constants.  Every other name that is not a function is a variable.
CONSTANTS = ("pi", "E")
