"""The cross-check: its verdict (the chain rule in mpmath, ``adtrace.chain``) catches a
wrong partial at any scale, passes exact cancellations, matches SymPy, checks programs of
any size, and prints SymPy's derivatives only while they are small."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import mpmath
import pytest
import sympy
from helpers import gen_program
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_properties import coordinates, formulas, variables

from adtrace import chain, check, program, trace
from adtrace.errors import DomainError
from adtrace.ops import RULES

# --- a wrong partial is caught, whatever the size of the derivatives ------------------------

# every operation whose partials the sweeps use (max and min route, without partials)
BODY = ("x*y + sin(x) - cos(y)/x + exp(x)*tan(y) - sqrt(x)^3 + log(y)*atan(x) "
        "+ asin(x/3)*acos(y/4) + sinh(x)/cosh(y) + tanh(x)^y + abs(x - y) + (-x)*y^2")
SCALED = {"tiny": f"1e-20*({BODY})", "huge": f"1e20*({BODY})"}
FAULTS = {"flipped sign": lambda p: -p, "factor 1 + 1e-7": lambda p: p * (1 + 1e-7)}
AT = "x=0.7,y=1.3"


def _faulty(op: str, k: int, fault) -> dict:
    """A copy of the op table with partial ``k`` of ``op`` wrong."""
    rule = RULES[op]
    partials = list(rule.partials)
    good = partials[k]
    partials[k] = lambda M, *args: fault(good(M, *args))
    return {**RULES, op: replace(rule, partials=tuple(partials))}


def _faults() -> list[tuple[str, int]]:
    """(op, argument) of every partial the scaled formulas use."""
    t = trace(SCALED["tiny"], AT, check=False)
    return sorted({(e.op, k) for e in t.program.eqns for k, a in enumerate(e.args)
                   if isinstance(a, int)})


@pytest.mark.parametrize("scale", sorted(SCALED))
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_a_wrong_partial_fails_the_check(scale: str, mode: str, monkeypatch) -> None:
    monkeypatch.setattr(check, "MAX_SHOWN", 0)  # the verdict only: nothing to print
    text = SCALED[scale]
    clean = trace(text, AT, mode=mode)
    assert clean.check.agree and all(e.agree is True for e in clean.check.entries)
    sizes = [abs(v) for d in clean.derivatives.values() for v in d.values()]
    assert all(v <= 1e-12 for v in sizes) if scale == "tiny" else all(v >= 1e12 for v in sizes)
    faults = _faults()
    assert {op for op, _ in faults} == set(RULES) - {"max", "min"}
    for op, k in faults:
        for name, fault in FAULTS.items():
            monkeypatch.setattr(program, "RULES", _faulty(op, k, fault))
            t = trace(text, AT, mode=mode)
            monkeypatch.setattr(program, "RULES", RULES)
            assert t.derivatives != clean.derivatives, (op, k, name)  # the fault shows
            assert not t.check.agree, (op, k, name, scale, mode)
            assert any(e.agree is False for e in t.check.entries)


def test_a_wrong_partial_exits_1_naming_both_values(run, monkeypatch) -> None:
    monkeypatch.setattr(program, "RULES", _faulty("sin", 0, FAULTS["flipped sign"]))
    result = run("forward", "sin(x)", "--at", "x=1")
    assert result.exit_code == 1
    assert result.stderr == ("Error: the symbolic check disagrees for ∂f/∂x: "
                             "AD -0.5403023058681398, chain rule 0.5403023058681398\n")


def test_a_fault_on_a_long_path_is_caught(monkeypatch) -> None:
    """The tolerance grows with the length of the paths, slowly: a factor 1 + 1e-7 in one
    partial of a 5,000-step chain still fails."""
    monkeypatch.setattr(check, "MAX_SHOWN", 0)
    text = "t1 = sin(x)\n" + "\n".join(f"t{k} = sin(t{k - 1})" for k in range(2, 5001))
    assert trace(text, "x=1", mode="reverse").check.agree
    monkeypatch.setattr(program, "RULES", _faulty("sin", 0, FAULTS["factor 1 + 1e-7"]))
    assert not trace(text, "x=1", mode="reverse").check.agree


# --- exact cancellations pass -------------------------------------------------------------


@pytest.mark.parametrize("formula, at", [
    ("sin(x)^2 + cos(x)^2", "x=0.7"),
    ("sin(x)^2 + cos(x)^2", "x=12345.678"),
    ("1e-30*(sin(x)^2 + cos(x)^2)", "x=2"),
    ("x*y - y*x", "x=3,y=-2"),
    ("1e30*(x*y - y*x)", "x=0.3,y=7"),
    ("x - x", "x=5"),
    ("(x + y)^2 - x^2 - 2*x*y - y^2", "x=1.5,y=-0.25"),
    ("exp(log(x)) - x", "x=3.7"),
    ("tan(x) - sin(x)/cos(x)", "x=1.2"),
    ("sqrt(x^2) - abs(x)", "x=-2"),
    ("a = sin(x)*y; b = y*sin(x); f = a - b", "x=0.4,y=2.5"),
    ("cosh(x)^2 - sinh(x)^2", "x=3"),
])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_exact_cancellations_pass(formula: str, at: str, mode: str) -> None:
    t = trace(formula, at, mode=mode)
    assert t.check.agree, t.check
    for e in t.check.entries:
        assert e.agree is True and e.note is None, e
        assert abs(e.value) <= 1e-30 * max(1.0, abs(e.ad)) or abs(e.value - e.ad) < 1e-12


# --- the chain rule against SymPy ----------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas, coordinates, coordinates, coordinates, st.sampled_from(["forward", "reverse"]))
def test_the_chain_rule_matches_sympy(f, x, y, z, mode) -> None:
    """At 30 digits, the chain rule over the DAG is SymPy's diff of the whole formula, to
    within 1e-12 of what the check allows floating point."""
    text, expr = f
    names = variables(text)
    assume(names)
    point = {"x": x, "y": y, "z": z}
    at = ",".join(f"{n}={point[n]!r}" for n in names)
    try:
        t = trace(text, at, mode=mode, check=False)
    except DomainError:
        assume(False)
        return
    assume(not t.warnings)
    exact = {sympy.Symbol(n, real=True): sympy.Rational(repr(point[n])) for n in names}
    with chain.precision():
        results = chain.sweep_results(t, chain.point_walk(t))
    for sweep, result in zip(t.sweeps, results):
        for name, d in result.items():
            o, i = sweep.kind.entry(sweep.unit, name)
            expected = sympy.diff(expr, sympy.Symbol(i, real=True)).xreplace(exact).evalf(40)
            assume(expected.is_finite)
            allowed = 1e-12 * chain.SAFETY * chain.U * d.bound + 1e-25 * abs(float(expected))
            with mpmath.workdps(40):
                value = mpmath.mpf(sympy.Float(expected, 40)._mpf_)
                assert abs(float(d.value - value)) <= allowed, (text, at)
    assert check.cross_check(t).agree, (text, at)  # at the point, or where the sweeps ran


# --- programs of any size are checked ------------------------------------------------------


def test_a_sum_of_999_inputs_is_checked_in_reverse_mode() -> None:
    names = [f"x{i}" for i in range(1, 1000)]
    t = trace(" + ".join(names), ",".join(f"{n}=1" for n in names), mode="reverse")
    c = t.check
    assert c.skipped is None and len(c.entries) == 999
    assert all(e.agree is True and e.value == 1 for e in c.entries)
    assert {e.symbolic for e in c.entries} == {check.NOT_SHOWN}


def test_the_doubling_program_is_checked() -> None:
    """``x = x + x`` forty times: a tree of 2^41 nodes, a derivative of 2^40."""
    text = "t1 = x + x\n" + "\n".join(f"t{k} = t{k - 1} + t{k - 1}" for k in range(2, 41))
    for mode in ("forward", "reverse"):
        t = trace(text, "x=1", mode=mode)
        (e,) = t.check.entries
        assert e.agree is True and e.value == e.ad == 2.0**40
        assert e.symbolic == check.NOT_SHOWN


def test_exact_squaring_is_checked() -> None:
    """Squared 30 times at x = 1/10: exactly 10^-(2^30), 0 in floating point."""
    squares = "; ".join(f"y{k + 1} = y{k}*y{k}" for k in range(1, 30))
    t = trace(f"y1 = x + 0; {squares}", "x=1/10", mode="forward", exact=True)
    (e,) = t.check.entries
    assert t.check.skipped is None and e.agree is True and e.ad == 0.0


def test_a_20000_operation_program_is_checked() -> None:
    gen = gen_program()
    t = trace(gen.generate(20_000), gen.point(), mode="reverse")
    assert len(t.program.eqns) == 20_000
    assert t.check.skipped is None and len(t.check.entries) == 10
    assert t.check.agree and all(e.agree is True for e in t.check.entries)
    assert all(0 < abs(e.ad) < 1e-30 for e in t.check.entries)  # tiny, and still compared


# --- special points -----------------------------------------------------------------------


def test_an_ill_conditioned_point_agrees_where_the_sweeps_ran() -> None:
    """(3x - 0.9)^2 at x = 0.3: exactly 0, but 3*0.3 - 0.9 is -1.1e-16 in floating point."""
    (e,) = trace("(3*x - 0.9)^2", "x=0.3").check.entries
    assert e.agree is True and e.note == check.ILL and e.value == e.ad != 0


def test_ill_conditioning_beyond_the_exact_walk_is_noted_when_slight() -> None:
    """Past the exact walk's reach (70 nested sines), a difference of 4e-9 between the
    point and the rounded values is ill-conditioning; one of 100% might be a singularity
    (tests/test_hostile.py: the walk gives up, the disagreement stands)."""
    sines = "; ".join(["t1 = sin(x)"] + [f"t{k} = sin(t{k - 1})" for k in range(2, 71)])
    t = trace(sines + "; f = t70 + 1e6*(3*x - 0.9)^2", "x=0.3", out="f")
    assert check._walk_exactly(t) == (False, None)
    (e,) = t.check.entries
    assert e.agree is True and e.note == check.ILL


def test_near_a_pole_the_check_notes_ill_conditioning() -> None:
    (e,) = trace("tan(x)", "x=1.5707963").check.entries
    assert e.agree is True and e.note == check.ILL


def test_a_wrong_primal_value_is_not_excused_as_ill_conditioning(monkeypatch) -> None:
    """The second try, at the sweeps' own values, first checks those values node by node."""
    t = trace("exp(x)*x", "x=2", check=False)
    t.values[1] *= 1 + 1e-6  # exp(2), a little wrong
    assert not chain.primal_holds(t)


def test_printing_is_bounded_by_size_not_time() -> None:
    small = trace("ln(x1) + x1*x2 - sin(x2)", "x1=2,x2=5", mode="reverse").check
    assert [e.symbolic for e in small.entries] == ["x2 + 1/x1", "x1 - cos(x2)"]
    assert check.MAX_SHOWN >= 2_000
    t = trace("x1*x2 + sin(x1)", "x1=2,x2=3", check=False)
    assert check.tree_sizes(t) == [1, 1, 3, 2, 6]


# --- x^y where x = 0 ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_x_to_the_y_at_zero_has_derivatives_0(mode: str, run) -> None:
    for extra in ([], ["--wrt", "x"]) if mode == "forward" else ([],):
        result = run(mode, "x^y", "--at", "x=0,y=2", *extra, "--format", "json")
        assert result.exit_code == 0, result.stderr
        doc = json.loads(result.stdout)
        assert set(doc["derivatives"]["f"].values()) == {0}
        assert doc["check"]["agree"] is True
        assert all(e["agree"] is True for e in doc["check"]["entries"])


def test_x_to_the_y_at_zero_prints_the_vanishing_partial(run) -> None:
    out = run("reverse", "x^y", "--at", "x=0,y=2").stdout
    assert "ȳ  = w̄1·0           = 1·0           = 0" in out
    out = run("forward", "x^y", "--at", "x=0,y=2", "--wrt", "y").stdout
    assert "ẇ1 = ẋ·y·x^(y - 1) + ẏ·0 = 0·2·0^(2 - 1) + 1·0 = 0" in out


@pytest.mark.parametrize("at, which", [
    ("x=0,y=0", "y"),  # 0^y jumps at y = 0
    ("x=0,y=0.5", "x"),  # sqrt's slope at 0
    ("x=-2,y=2", "y"),  # (-2)^y is not real for y near 2
])
def test_x_to_the_y_refuses_only_where_a_derivative_does_not_exist(run, at, which) -> None:
    for extra in ([], ["--wrt", "x"]):
        result = run("forward", "x^y", "--at", at, *extra)
        assert result.exit_code == 3
        assert result.stderr == (f"Error: w1 = x^y has no finite derivative with respect to "
                                 f"{which} at {at.replace(',', ', ').replace('=', ' = ')}\n")


@pytest.mark.parametrize("a, b", [(0, 2), (0, 1), (0, 3.5), (0, 0), (2, 3), (0.5, -1.5)])
def test_pow_partials_agree_in_floats_and_in_sympy(a, b) -> None:
    from adtrace.expr import FLOAT
    from adtrace.symbolic import SYMPY

    rule = RULES["pow"]
    exact = (sympy.Rational(repr(a)), sympy.Rational(repr(b)))
    for k, partial in enumerate(rule.partials):
        symbolic = sympy.sympify(partial(SYMPY, *exact))
        try:
            value = float(partial(FLOAT, float(a), float(b)))
        except ValueError:  # 0^0·ln(0): no derivative with respect to b there
            assert (a, b, k) == (0, 0, 1) and not symbolic.is_finite
            continue
        assert math.isclose(value, float(symbolic), rel_tol=1e-15)


def test_the_exact_walk_accepts_x_to_the_y_at_zero() -> None:
    t = trace("x^y + 0^y", "x=0,y=2", check=False)
    assert check._walk_exactly(t) == (True, None)
    with chain.precision():
        walk = chain.point_walk(t)
    assert [p[0] for p in walk.partials[0]] == [0, 0]  # as limits: 0·2/0 and 0·ln(0)
