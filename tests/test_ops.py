"""The op table checks itself: every partial against sympy.diff of the op's own value."""

from __future__ import annotations

import math

import pytest
import sympy

from adtrace.expr import DISPLAY, FLOAT, Leaf, TextPrinter
from adtrace.ops import FUNCTIONS, RULES
from adtrace.symbolic import SYMPY

SYMS = sympy.symbols("a b", real=True)
POINTS = {
    "asin": (0.3,), "acos": (-0.4,), "log": (1.7,), "sqrt": (2.3,),
    "pow": (1.3, 2.2), "div": (1.5, -0.8),
}


@pytest.mark.parametrize("name", sorted(r for r in RULES if not RULES[r].routes))
def test_partials_match_sympy_diff(name: str) -> None:
    rule = RULES[name]
    args = SYMS[: rule.arity]
    value = rule.value(SYMPY, *args)
    assert len(rule.partials) == rule.arity
    for k, sym in enumerate(args):
        claimed = rule.partials[k](SYMPY, *args)
        assert sympy.simplify(sympy.diff(value, sym) - claimed) == 0, (name, k)


@pytest.mark.parametrize("name", sorted(r for r in RULES if not RULES[r].routes))
def test_float_rules_agree_with_sympy(name: str) -> None:
    rule = RULES[name]
    point = POINTS.get(name, (0.7, -1.9)[: rule.arity])
    subs = dict(zip(SYMS, point))
    exact_value = sympy.sympify(rule.value(SYMPY, *SYMS[: rule.arity])).subs(subs)
    assert math.isclose(rule.value(FLOAT, *point), float(exact_value), rel_tol=1e-12)
    for k in range(rule.arity):
        partial = sympy.sympify(rule.partials[k](SYMPY, *SYMS[: rule.arity]))
        exact = float(partial.subs(subs))
        assert math.isclose(rule.partials[k](FLOAT, *point), exact, rel_tol=1e-12)


def test_display_of_partials_reads_like_a_textbook() -> None:
    a, b = Leaf(0), Leaf(1)
    show = TextPrinter(lambda leaf: "ab"[leaf.node]).doprint
    assert show(RULES["mul"].partials[0](DISPLAY, a, b)) == "b"
    assert show(RULES["div"].partials[1](DISPLAY, a, b)) == "-a/b^2"
    assert show(RULES["log"].partials[0](DISPLAY, a)) == "1/a"
    assert show(RULES["tanh"].partials[0](DISPLAY, a)) == "1 - tanh(a)^2"
    assert show(RULES["acos"].partials[0](DISPLAY, a)) == "-1/sqrt(1 - a^2)"


def test_every_contract_function_is_declared() -> None:
    names = "sin cos tan asin acos atan sinh cosh tanh exp log ln sqrt abs max min".split()
    assert sorted(FUNCTIONS) == sorted(names)
    ops = "add sub mul div neg pow " + " ".join(n for n in names if n != "ln")
    assert sorted(RULES) == sorted(ops.split())
