"""The op table checks itself: every partial against sympy.diff of the op's own value,
every float function against its SymPy function, and every op end to end (parsed,
traced both ways, printed, checked and computed exactly), by looping over the table:
a new operation is tested by its entry alone."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import sympy

from adtrace import trace
from adtrace.expr import DISPLAY, FLOAT, Leaf
from adtrace.notation import LatexPrinter, TextPrinter
from adtrace.ops import FUNCTIONS, RULES, OpRule, called
from adtrace.symbolic import SYMPY
from adtrace.tracing import primal_display

ROOT = Path(__file__).parent.parent
SYMS = sympy.symbols("a b", real=True)
DIFFERENTIABLE = sorted(r for r in RULES if not RULES[r].routes)
#: points tried in turn: the first at which the op is defined is used
CANDIDATES = [(0.7, -1.9), (0.7, 1.9), (1.3, 0.4), (2.5, 1.1), (-0.4, 3.2)]


def arity(rule: OpRule) -> int:
    return rule.arity or 2


def point(rule: OpRule) -> tuple[float, ...]:
    for candidate in CANDIDATES:
        args = candidate[:arity(rule)]
        try:
            value = rule.value(FLOAT, *args)
            if all(math.isfinite(rule.partials[k](FLOAT, *args)) for k in range(rule.arity)):
                if math.isfinite(value) and (not rule.routes or len(set(args)) == len(args)):
                    return args
        except (ValueError, ZeroDivisionError, OverflowError):
            pass
    raise AssertionError(f"no candidate point is inside the domain of {rule.name}")


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_partials_match_sympy_diff(name: str) -> None:
    rule = RULES[name]
    args = SYMS[: rule.arity]
    value = rule.value(SYMPY, *args)
    assert len(rule.partials) == rule.arity
    for k, sym in enumerate(args):
        claimed = rule.partials[k](SYMPY, *args)
        assert sympy.simplify(sympy.diff(value, sym) - claimed) == 0, (name, k)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_float_rules_agree_with_sympy(name: str) -> None:
    rule = RULES[name]
    at = point(rule)
    subs = dict(zip(SYMS, at))
    exact_value = sympy.sympify(rule.value(SYMPY, *SYMS[: rule.arity])).subs(subs)
    assert math.isclose(rule.value(FLOAT, *at), float(exact_value), rel_tol=1e-12)
    for k in range(rule.arity):
        partial = sympy.sympify(rule.partials[k](SYMPY, *SYMS[: rule.arity]))
        exact = float(partial.subs(subs))
        assert math.isclose(rule.partials[k](FLOAT, *at), exact, rel_tol=1e-12)


@pytest.mark.parametrize("name", sorted(name for name, _ in called()))
def test_float_and_sympy_functions_agree(name: str) -> None:
    """``M.<name>`` in the two namespaces, aliases and helpers (``sign``) included."""
    decl = dict(called())[name]
    at = point(decl) if isinstance(decl, OpRule) else (-0.7,)
    exact = getattr(SYMPY, name)(*(sympy.Float(x, 30) for x in at))
    assert math.isclose(getattr(FLOAT, name)(*at), float(exact), rel_tol=1e-12)


def formula(name: str, rule: OpRule) -> str:
    """The op written as a formula would write it, over the inputs x, y."""
    names = ("x", "y")[: arity(rule)]
    if rule.symbol is None:
        return f"{name}({', '.join(names)})"
    return f"{rule.symbol}x" if rule.arity == 1 else f"x {rule.symbol} y"


@pytest.mark.parametrize("name", sorted(set(RULES) | set(FUNCTIONS)))
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_every_op_end_to_end(name: str, mode: str) -> None:
    rule = RULES[FUNCTIONS[name][0] if name in FUNCTIONS else name]
    at = point(rule)
    text = formula(name, rule)
    names = ("x", "y")[: len(at)]
    t = trace(text, ",".join(f"{n}={v!r}" for n, v in zip(names, at)), mode=mode, exact=True)
    assert [e.op for e in t.program.eqns] == [rule.name]
    assert t.check is not None and t.check.agree and t.check.entries, (text, t.check)
    expected = [sympy.diff(rule.value(SYMPY, *SYMS[: len(at)]), s).subs(dict(zip(SYMS, at)))
                for s in SYMS[: len(at)]]
    derivatives = t.derivatives["f"]
    exact = t.exact.derivatives(t)["f"]
    for n, value in zip(names, expected):
        assert math.isclose(derivatives[n], float(value), rel_tol=1e-12, abs_tol=1e-15), text
        assert exact[n] is not None, (text, t.exact.notes)
    node = t.program.n_inputs
    show = TextPrinter(lambda leaf: "xy"[leaf.node], times=" * ").doprint
    latex = LatexPrinter(lambda leaf: "xy"[leaf.node]).doprint(primal_display(t.program, node))
    assert show(primal_display(t.program, node)).replace(" ", "") == text.replace(" ", "")
    if rule.symbol is None:
        tex = rule.aliases.get(name, rule.latex)
        assert tex is not None and tex.split("{")[0] in latex, latex


def test_display_of_partials_reads_like_a_textbook() -> None:
    a, b = Leaf(0), Leaf(1)
    show = TextPrinter(lambda leaf: "ab"[leaf.node]).doprint
    assert show(RULES["mul"].partials[0](DISPLAY, a, b)) == "b"
    assert show(RULES["div"].partials[1](DISPLAY, a, b)) == "-a/b^2"
    assert show(RULES["log"].partials[0](DISPLAY, a)) == "1/a"
    assert show(RULES["tanh"].partials[0](DISPLAY, a)) == "1 - tanh(a)^2"
    assert show(RULES["acos"].partials[0](DISPLAY, a)) == "-1/sqrt(1 - a^2)"


def test_the_documented_lists_are_the_table() -> None:
    """README's list of functions and the JSON schema's op names say what the table says."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"\*\*Notation\*\*:.*?`((?:[a-z]+\s+)+[a-z]+)`", readme, re.S)
    assert listed is not None
    assert sorted(listed.group(1).split()) == sorted(FUNCTIONS)
    schema = json.loads((ROOT / "tests" / "schema_v1.json").read_text(encoding="utf-8"))
    ops = schema["properties"]["nodes"]["items"]["properties"]["op"]["enum"]
    assert sorted(ops) == sorted(RULES)


def test_the_contract_functions_are_declared() -> None:
    names = "sin cos tan asin acos atan sinh cosh tanh exp log ln sqrt abs max min".split()
    assert set(names) <= set(FUNCTIONS)
    assert {"add", "sub", "mul", "div", "neg", "pow"} <= set(RULES)
