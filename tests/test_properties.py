"""Property-based tests: forward and reverse against SymPy on random formulas.

The strategy builds each formula's text and, independently, its SymPy expression,
so the oracle never goes through adtrace's parser or op table.  Every operation
appears, wrapped so that random points stay inside its domain (minitorch's trick:
``log(1 + u^2)`` rather than ``log(u)``).
"""

from __future__ import annotations

import math

import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from adtrace import trace
from adtrace.errors import DomainError

X, Y, Z = sympy.symbols("x y z", real=True)
SYMBOLS = {"x": X, "y": Y, "z": Z}

# name -> (text template, sympy builder); the templates keep every op inside its domain
UNARY = {
    "sin": ("sin({})", sympy.sin),
    "cos": ("cos({})", sympy.cos),
    "tan": ("tan(tanh({}))", lambda u: sympy.tan(sympy.tanh(u))),
    "asin": ("asin(tanh({})/2)", lambda u: sympy.asin(sympy.tanh(u) / 2)),
    "acos": ("acos(tanh({})/2)", lambda u: sympy.acos(sympy.tanh(u) / 2)),
    "atan": ("atan({})", sympy.atan),
    "sinh": ("sinh(tanh({}))", lambda u: sympy.sinh(sympy.tanh(u))),
    "cosh": ("cosh(tanh({}))", lambda u: sympy.cosh(sympy.tanh(u))),
    "tanh": ("tanh({})", sympy.tanh),
    "exp": ("exp(tanh({}))", lambda u: sympy.exp(sympy.tanh(u))),
    "log": ("log(1 + ({})^2)", lambda u: sympy.log(1 + u**2)),
    "ln": ("ln(2 + cos({}))", lambda u: sympy.log(2 + sympy.cos(u))),
    "sqrt": ("sqrt(2 + sin({}))", lambda u: sympy.sqrt(2 + sympy.sin(u))),
    "abs": ("abs({})", sympy.Abs),
    "neg": ("-({})", lambda u: -u),
    "square": ("({})^2", lambda u: u**2),
    "cube": ("({})**3", lambda u: u**3),
    "recip": ("(1 + ({})^2)^-1", lambda u: (1 + u**2) ** -1),
    "root": ("(1 + ({})^2)^(1/2)", lambda u: sympy.sqrt(1 + u**2)),
}
BINARY = {
    "add": ("({}) + ({})", lambda a, b: a + b),
    "sub": ("({}) - ({})", lambda a, b: a - b),
    "mul": ("({})*({})", lambda a, b: a * b),
    "div": ("({})/(1 + ({})^2)", lambda a, b: a / (1 + b**2)),
    "pow": ("(1 + ({})^2)^tanh({})", lambda a, b: (1 + a**2) ** sympy.tanh(b)),
    "max": ("max({}, {})", sympy.Max),
    "min": ("min({}, {})", sympy.Min),
}

leaves = st.sampled_from(sorted(SYMBOLS)).map(lambda n: (n, SYMBOLS[n])) | st.integers(
    1, 4).map(lambda k: (str(k), sympy.Integer(k)))


def extend(children):
    unary = st.tuples(st.sampled_from(sorted(UNARY)), children).map(
        lambda t: (UNARY[t[0]][0].format(t[1][0]), UNARY[t[0]][1](t[1][1])))
    binary = st.tuples(st.sampled_from(sorted(BINARY)), children, children).map(
        lambda t: (BINARY[t[0]][0].format(t[1][0], t[2][0]), BINARY[t[0]][1](t[1][1], t[2][1])))
    return unary | binary


formulas = st.recursive(leaves, extend, max_leaves=10)
coordinates = st.floats(1e-3, 2.5) | st.floats(-2.5, -1e-3)


def variables(text: str) -> list[str]:
    import re

    seen: list[str] = []
    for name in re.findall(r"\b[xyz]\b", text):
        if name not in seen:
            seen.append(name)
    return seen


def oracle(expr, names, point):
    subs = {SYMBOLS[n]: sympy.Float(point[n], 30) for n in names}
    return {n: float(sympy.diff(expr, SYMBOLS[n]).xreplace(subs).evalf(30)) for n in names}


def close(a: float, b: float, scale: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-8, abs_tol=1e-10 * scale)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas, coordinates, coordinates, coordinates)
def test_forward_and_reverse_match_sympy(f, x, y, z):
    text, expr = f
    names = variables(text)
    assume(names)
    point = {"x": x, "y": y, "z": z}
    at = ",".join(f"{n}={point[n]!r}" for n in names)
    try:
        fw = trace(text, at, mode="forward", check=False)
        rv = trace(text, at, mode="reverse", check=False)
    except DomainError:  # overflow of a deep composition: not what this test is about
        assume(False)
        return
    assume(not fw.warnings)  # kinks and ties: the one-sided choices are tested elsewhere
    expected = oracle(expr, names, point)
    scale = max([1.0] + [abs(v) for v in fw.values])
    for n in names:
        assert close(fw.derivatives["f"][n], expected[n], scale), (text, at, n)
        assert close(rv.derivatives["f"][n], expected[n], scale), (text, at, n)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas, coordinates, coordinates, coordinates,
       st.floats(-2, 2, allow_nan=False), st.floats(-2, 2, allow_nan=False))
def test_jvp_and_vjp_are_tied_by_the_adjoint_identity(f, x, y, z, s1, s2):
    """⟨ȳ, J·ẋ⟩ = ⟨Jᵀ·ȳ, ẋ⟩ with one JVP and one VJP, and the built-in check agrees."""
    text, _ = f
    names = variables(text)
    assume(names)
    point = {"x": x, "y": y, "z": z}
    at = ",".join(f"{n}={point[n]!r}" for n in names)
    direction = {n: (s1, s2, 1.0)[i] for i, n in enumerate(names)}
    seed = ",".join(f"{n}={v!r}" for n, v in direction.items())
    try:
        jvp = trace(text, at, mode="forward", seed=seed)
        vjp = trace(text, at, mode="reverse", seed="f=1.5")
    except DomainError:
        assume(False)
        return
    assume(not jvp.warnings)
    lhs = 1.5 * jvp.sweeps[0].result["f"]
    rhs = sum(vjp.sweeps[0].result[n] * direction[n] for n in names)
    scale = max([1.0] + [abs(v) for v in jvp.values]
                + [abs(v) for v in vjp.sweeps[0].result.values()])
    assert close(lhs, rhs, scale * 10), (text, at, seed)
    assert jvp.check.agree and vjp.check.agree
