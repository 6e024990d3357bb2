"""SymPy expressions printed by the rows' own printers: every op, signs, fractions,
constants, powers of e, the step function, the bounded simplification, and a property:
what is printed reads back, through adtrace's own parser, as an equal expression."""

from __future__ import annotations

import re

import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from adtrace.errors import AdtraceError
from adtrace.expr import Leaf
from adtrace.fromsympy import (
    MAX_EXPANDED_TERMS,
    MAX_SIMPLIFY_OPS,
    NAMES,
    expanded_terms,
    show,
    show_value,
    simplest,
    to_display,
)
from adtrace.notation import LatexPrinter, TextPrinter
from adtrace.ops import RULES
from adtrace.parse import parse_constant, parse_program
from adtrace.program import Const
from adtrace.symbolic import SYMPY

X, Y, Z = sympy.symbols("x y z", real=True)
X1, X3 = sympy.symbols("x1 x3", real=True)
INPUTS = ["x", "y", "z", "x1", "x3"]


def text(expr) -> str:
    return show(expr, INPUTS)[0]


def latex(expr) -> str:
    return show(expr, INPUTS)[1]


# --- every op of the table -------------------------------------------------------------------

#: op -> (its SymPy form at x, y, the text, the LaTeX)
OPS = {
    "add": (X + Y, "x + y", "x + y"),
    "sub": (X - Y, "x - y", "x - y"),
    "mul": (X * Y, "x·y", "x y"),
    "div": (X / Y, "x/y", r"\frac{x}{y}"),
    "neg": (-X, "-x", "-x"),
    "pow": (X ** Y, "x^y", "x^{y}"),
    "sin": (sympy.sin(X), "sin(x)", r"\sin(x)"),
    "cos": (sympy.cos(X), "cos(x)", r"\cos(x)"),
    "tan": (sympy.tan(X), "tan(x)", r"\tan(x)"),
    "asin": (sympy.asin(X), "asin(x)", r"\arcsin(x)"),
    "acos": (sympy.acos(X), "acos(x)", r"\arccos(x)"),
    "atan": (sympy.atan(X), "atan(x)", r"\arctan(x)"),
    "sinh": (sympy.sinh(X), "sinh(x)", r"\sinh(x)"),
    "cosh": (sympy.cosh(X), "cosh(x)", r"\cosh(x)"),
    "tanh": (sympy.tanh(X), "tanh(x)", r"\tanh(x)"),
    "exp": (sympy.exp(X), "exp(x)", r"\exp(x)"),
    "log": (sympy.log(X), "ln(x)", r"\ln(x)"),
    "sqrt": (sympy.sqrt(X), "sqrt(x)", r"\sqrt{x}"),
    "abs": (sympy.Abs(X), "abs(x)", r"\left|x\right|"),
    "max": (sympy.Max(X, Y), "max(x, y)", r"\max(x, y)"),
    "min": (sympy.Min(X, Y), "min(x, y)", r"\min(x, y)"),
}


def test_every_op_of_the_table_is_printed_as_the_rows_write_it():
    assert set(OPS) == set(RULES)
    for name, (expr, txt, tex) in OPS.items():
        assert show(expr, INPUTS) == (txt, tex), name


def test_inputs_are_the_rows_leaves():
    d = to_display(X1 * X3**2, {"x1": Leaf(0), "x3": Leaf(1)})
    names = ["x1", "x3"]
    assert TextPrinter(lambda leaf: names[leaf.node]).doprint(d) == "x1·x3^2"
    assert LatexPrinter(lambda leaf: ["x_{1}", "x_{3}"][leaf.node]).doprint(d) == \
        "x_{1} x_{3}^{2}"
    gamma = sympy.Symbol("gamma", real=True)
    assert show(gamma**2, ["gamma"]) == ("gamma^2", r"\gamma^{2}")


# --- signs, fractions, constants ---------------------------------------------------------------


def test_negative_terms_are_subtracted_after_a_positive_one():
    assert text(-sympy.exp(-X) + 1 / X) == "1/x - exp(-x)"
    assert text(1 - sympy.tanh(X) ** 2) == "1 - tanh(x)^2"
    assert text(-X - Y) == "-x - y"
    assert text(X - 2 * Y * Z) == "x - 2·y·z"
    assert latex(-X / 2) == r"-\frac{x}{2}"


def test_rationals_and_negative_powers_are_fractions():
    assert text(sympy.Rational(3, 4) * X / sympy.sqrt(Y)) == "3·x/(4·sqrt(y))"
    assert text(X / 2) == "x/2"
    assert text(1 / (2 * sympy.sqrt(X))) == "1/(2·sqrt(x))"
    assert text(X ** -2) == "1/x^2"
    assert text(X ** -Y) == "1/x^y"
    assert text(X ** sympy.Rational(3, 2)) == "x^(3/2)"
    assert show_value(sympy.Rational(-3, 4)) == ("-3/4", r"-\frac{3}{4}")
    assert show_value(2 ** sympy.Rational(1, 3)) == ("2^(1/3)", r"2^{\frac{1}{3}}")


def test_pi_and_numbers_first_in_exact_sums():
    assert show_value(sympy.pi / 4) == ("pi/4", r"\frac{\pi}{4}")
    assert text(2 * sympy.pi * X) == "2·pi·x"
    assert show_value(sympy.log(2) + 10 - sympy.sin(5)) == (
        "10 + ln(2) - sin(5)", r"10 + \ln(2) - \sin(5)")
    assert show_value(3 + sympy.cos(2))[0] == "3 + cos(2)"


def test_powers_of_e_are_always_the_exponential():
    assert show_value(sympy.E) == ("exp(1)", r"\exp(1)")
    assert show_value(sympy.exp(-1)) == ("exp(-1)", r"\exp(-1)")
    assert show_value(sympy.E ** 2) == ("exp(2)", r"\exp(2)")
    assert show_value(1 - sympy.exp(-1)) == ("1 - exp(-1)", r"1 - \exp(-1)")
    assert show_value(sympy.E + sympy.exp(-1))[0] == "exp(-1) + exp(1)"
    assert text(sympy.E ** X) == "exp(x)"
    for value in (sympy.E * sympy.exp(-X), sympy.E / 2, sympy.exp(2) - sympy.E):
        printed = show(value, INPUTS)
        assert "E" not in printed[0] and "e^" not in printed[1], printed


def test_step_and_sign():
    assert show(sympy.Heaviside(X - Y), INPUTS) == ("H(x - y)", r"\operatorname{H}(x - y)")
    d = sympy.diff(sympy.Max(X, Y) * sympy.Abs(X), X)
    assert text(d) == "abs(x)·H(x - y) + sign(x)·max(x, y)"
    assert text(sympy.diff(sympy.Max(X, Y), Y)) == "H(y - x)"
    assert show(sympy.sign(X), INPUTS) == ("sign(x)", r"\operatorname{sign}(x)")


def test_nested_powers_are_parenthesised():
    assert show((X ** Y) ** Z, INPUTS) == ("(x^y)^z", r"\left(x^{y}\right)^{z}")
    assert show(X ** (Y ** Z), INPUTS) == ("x^(y^z)", "x^{y^{z}}")
    assert show(sympy.sin(X) ** 2, INPUTS) == ("sin(x)^2", r"\sin(x)^{2}")
    assert show((X + Y) ** 2, INPUTS) == ("(x + y)^2", r"(x + y)^{2}")
    assert show(X1 * X3**2, INPUTS)[1] == "x_{1} x_{3}^{2}"


def test_no_sympy_notation_is_left():
    d = sympy.diff(1 / (1 + sympy.exp(-(X * Y + Z))), X)
    txt, tex = show(d, INPUTS)
    assert "**" not in txt and "*" not in txt and "E" not in txt and "log" not in txt
    assert r"\theta" not in tex and "texttt" not in tex


# --- simplification within a bound -------------------------------------------------------------


def _loss() -> sympy.Expr:
    w, x, b, y = sympy.symbols("w x b y", real=True)
    s = 1 / (1 + sympy.exp(-(w * x + b)))
    return -(y * sympy.log(s) + (1 - y) * sympy.log(1 - s)), (w, x, b, y)


def test_the_logistic_loss_derivative_is_simplified():
    loss, (w, x, b, y) = _loss()
    names = ["w", "x", "b", "y"]
    assert show(sympy.diff(loss, b), names)[0] == "1 - y - 1/(exp(b + w·x) + 1)"
    assert show(sympy.diff(loss, w), names)[0] == "x - x·y - x/(exp(b + w·x) + 1)"


def test_a_rewriting_is_kept_only_when_smaller():
    assert text(Y + 1 / X) == "y + 1/x"  # together would be (x·y + 1)/x
    assert text(sympy.tanh(X) * X - X) == "x·tanh(x) - x"


def test_simplification_is_bounded_by_size(monkeypatch):
    small = sum(a / (a + 1) + 1 / (a + 1) for a in (X, Y))
    assert text(small) == "2"
    names = sympy.symbols("a0:12", real=True)
    large = sum(a / (a + 1) + 1 / (a + 1) for a in names)
    assert sympy.count_ops(large) > MAX_SIMPLIFY_OPS
    printed = show(large, [str(a) for a in names])[0]
    assert printed.count("/") == 2 * len(names)  # left as SymPy gave it

    product = sympy.Mul(*[(X + k) for k in range(1, 8)]) / (Y + 1)
    assert expanded_terms(product) > MAX_EXPANDED_TERMS

    def refused(*args, **kwargs):
        raise AssertionError("ratsimp must not run past the bound")

    monkeypatch.setattr(sympy, "ratsimp", refused)
    assert "x + 7" in text(product)


def test_rewritings_that_the_trees_cannot_print_are_refused(monkeypatch):
    piecewise = sympy.Piecewise((0, sympy.Eq(X, 0)), (1, True))
    monkeypatch.setattr(sympy, "together", lambda e: piecewise)
    monkeypatch.setattr(sympy, "ratsimp", lambda e: piecewise)
    assert text(X * Y + X * Z) == "x·y + x·z"


def test_simplest_is_deterministic():
    loss, (w, *_) = _loss()
    d = sympy.diff(loss, w)
    printer = TextPrinter(lambda leaf: "?")
    first = printer.doprint(simplest(d))
    assert all(printer.doprint(simplest(d)) == first for _ in range(3))


# --- the property: what is printed reads back as an equal expression ---------------------------

LEAVES = st.one_of(
    st.sampled_from([X, Y, Z]),
    st.sampled_from([X, Y, Z, sympy.pi, sympy.E]),
    st.integers(-5, 5).map(sympy.Integer),
    st.fractions(min_value=-4, max_value=4, max_denominator=6).map(
        lambda q: sympy.Rational(q.numerator, q.denominator)),
)
UNARY = [sympy.sin, sympy.cos, sympy.tan, sympy.asin, sympy.acos, sympy.atan, sympy.sinh,
         sympy.cosh, sympy.tanh, sympy.exp, sympy.log, sympy.sqrt, sympy.Abs,
         lambda u: -u, lambda u: u**2, lambda u: u**-1, lambda u: u ** sympy.Rational(-1, 2),
         lambda u: u ** sympy.Rational(3, 2)]
BINARY = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
          lambda a, b: a**b, sympy.Max, sympy.Min]


def _apply(fn, *args):
    try:
        return fn(*args)
    except (ValueError, TypeError):  # SymPy cannot order max(asin(pi), 1): not real
        return sympy.nan


def _exprs(children):
    unary = st.tuples(st.sampled_from(UNARY), children).map(lambda t: _apply(*t))
    binary = st.tuples(st.sampled_from(BINARY), children, children).map(lambda t: _apply(*t))
    return unary | binary


EXPRS = st.recursive(LEAVES, _exprs, max_leaves=12)


def read_back(printed: str) -> sympy.Expr:
    """The text parsed by adtrace's parser, built in SymPy by the op table."""
    if not re.search(r"\b[xyz]\b", printed):
        return parse_constant(printed, "value").exact()
    p = parse_program(printed)
    symbols = {"x": X, "y": Y, "z": Z}
    exprs = [symbols[name] for name in p.inputs]
    for eqn in p.eqns:
        args = [a.exact() if isinstance(a, Const) else exprs[a] for a in eqn.args]
        exprs.append(eqn.rule.value(SYMPY, *args))
    return exprs[p.outputs[0][1]]


#: the functions adtrace's parser reads (sign and the step are printed, not written)
PARSED = set(NAMES) - {sympy.sign, sympy.Heaviside} | {sympy.exp}


def _printable(expr: sympy.Expr) -> bool:
    """Real, finite, small, with numbers the parser reads (not 2^1024 written out), and
    made of the table's functions (SymPy may evaluate a table function into another:
    asinh)."""
    functions = {node.func for node in sympy.preorder_traversal(expr)
                 if not (node.is_Atom or node.is_Add or node.is_Mul or node.is_Pow)}
    small = all(abs(q.p) < 10**15 and q.q < 10**15 for q in expr.atoms(sympy.Rational))
    return not expr.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo,
                        sympy.AccumBounds) and \
        sympy.count_ops(expr) <= 60 and functions <= PARSED and small


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRS)
def test_printed_trees_read_back_as_equal_expressions(expr):
    assume(_printable(expr))
    leaves = {"x": Leaf(0), "y": Leaf(1), "z": Leaf(2)}
    names = ["x", "y", "z"]
    d = to_display(expr, leaves)
    printed = TextPrinter(lambda leaf: names[leaf.node], times="*").doprint(d)
    try:
        back = read_back(printed)
    except AdtraceError as err:  # a constant part not real (asin(pi)) or too large: refused
        assert "undefined" in str(err) or "overflows" in str(err), (printed, err)
        assume(False)
    assert back == expr or sympy.simplify(back - expr) == 0, (printed, expr, back)
    # the printers' own text, with ·, is the same formula
    assert TextPrinter(lambda leaf: names[leaf.node]).doprint(d).replace("·", "*") == \
        printed.replace(" / ", "/")


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(EXPRS)
def test_simplified_derivatives_read_back_as_equal_expressions(expr):
    """What the check prints (simplified within the bound) is still the derivative."""
    assume(_printable(expr) and expr.has(X))
    derivative = sympy.diff(expr, X)
    assume(_printable(derivative) and derivative.has(X, Y, Z))
    printed = show(derivative, ["x", "y", "z"])[0].replace("·", "*")
    try:
        back = read_back(printed)
    except AdtraceError as err:
        assert "undefined" in str(err) or "overflows" in str(err), (printed, err)
        assume(False)
    difference = back - derivative
    assert back == derivative or sympy.expand(difference) == 0 or \
        sympy.simplify(difference) == 0 or _equal_where_real(back, derivative), \
        (printed, derivative)


POINTS = [{X: sympy.Rational(a), Y: sympy.Rational(b), Z: sympy.Rational(c)}
          for a, b, c in [("0.3", "1.7", "-0.6"), ("-1.2", "0.45", "2.2"), ("2.5", "-0.8", "0.9"),
                          ("0.7", "3.1", "1.3")]]


def _equal_where_real(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Equal to 25 digits wherever ``b`` is real and finite, at a few points, and real
    somewhere: the identities a rewriting uses hold where the logarithm is real
    (``ln(2·(y - x)) = ln(2) + ln(y - x)``), not on SymPy's complex plane."""
    compared = 0
    for point in POINTS:
        vb = sympy.N(b.xreplace(point), 30)
        if not (vb.is_real and vb.is_finite):
            continue
        va = sympy.N(a.xreplace(point), 30)
        if not (va.is_real and abs(va - vb) <= 1e-25 * max(1, abs(vb))):
            return False
        compared += 1
    return compared > 0
