"""The textbook cases, row by row, and the rules of 'the trace follows the formula as written'."""

from __future__ import annotations

import math

import pytest

from adtrace import trace
from adtrace.api import load
from adtrace.printer import RowPrinter
from adtrace.rows import adjoint_rows, primal_rows, tangent_rows

BAYDIN = "ln(x1) + x1*x2 - sin(x2)"


def lines(t, rows):
    printer = RowPrinter(t.labels, digits=t.digits)
    return [printer.line(r) for r in rows]


def test_baydin_table_2_forward_rows():
    t = trace(BAYDIN, "x1=2,x2=5", mode="forward", labels="v", wrt="x1", digits=3)
    assert lines(t, primal_rows(t)) == [
        "v-1 = x1 = 2",
        "v0 = x2 = 5",
        "v1 = ln(v-1) = ln(2) = 0.693",
        "v2 = v-1 * v0 = 2 * 5 = 10",
        "v3 = sin(v0) = sin(5) = -0.959",
        "v4 = v1 + v2 = 0.693 + 10 = 10.693",
        "v5 = v4 - v3 = 10.693 - (-0.959) = 11.652",
        "f = v5 = 11.652",
    ]
    (sweep,) = t.sweeps
    assert lines(t, tangent_rows(t, sweep)) == [
        "v̇-1 = ẋ1 = 1",
        "v̇0 = ẋ2 = 0",
        "v̇1 = v̇-1/v-1 = 1/2 = 0.5",
        "v̇2 = v̇-1·v0 + v-1·v̇0 = 1·5 + 2·0 = 5",
        "v̇3 = v̇0·cos(v0) = 0·0.284 = 0",
        "v̇4 = v̇1 + v̇2 = 0.5 + 5 = 5.5",
        "v̇5 = v̇4 - v̇3 = 5.5 - 0 = 5.5",
        "ḟ = v̇5 = 5.5",
    ]
    assert t.derivatives == {"f": {"x1": 5.5}}


def test_baydin_table_3_reverse_rows_with_accumulation():
    t = trace(BAYDIN, "x1=2,x2=5", mode="reverse", labels="v", digits=3)
    (sweep,) = t.sweeps
    assert lines(t, adjoint_rows(t, sweep)) == [
        "v̄5 = f̄ = 1",
        "v̄4 = v̄5·1 = 1·1 = 1",
        "v̄3 = v̄5·(-1) = 1·(-1) = -1",
        "v̄1 = v̄4·1 = 1·1 = 1",
        "v̄2 = v̄4·1 = 1·1 = 1",
        "v̄0 = v̄3·cos(v0) = (-1)·0.284 = -0.284",
        "v̄-1 = v̄2·v0 = 1·5 = 5",
        "v̄0 = v̄0 + v̄2·v-1 = -0.284 + 1·2 = 1.716",
        "v̄-1 = v̄-1 + v̄1/v-1 = 5 + 1/2 = 5.5",
        "x̄1 = v̄-1 = 5.5",
        "x̄2 = v̄0 = 1.716",
    ]
    assert [s.accumulates for s in sweep.steps].count(True) == 2
    assert t.derivatives["f"]["x1"] == 5.5
    assert math.isclose(t.derivatives["f"]["x2"], 2 - math.cos(5), rel_tol=1e-15)


def test_wikipedia_example_reverse_accumulates_into_x1():
    t = trace("x1*x2 + sin(x1)", "x1=2,x2=3", mode="reverse")
    text = lines(t, adjoint_rows(t, t.sweeps[0]))
    assert "x̄1 = w̄2·cos(x1) = 1·(-0.4161) = -0.4161" in text
    assert "x̄1 = x̄1 + w̄1·x2 = -0.4161 + 1·3 = 2.5839" in text
    assert t.derivatives == {"f": {"x1": 2.5838531634528574, "x2": 2.0}}
    assert t.check is not None and t.check.agree


def test_wikipedia_example_forward_tangent_row():
    t = trace("x1*x2 + sin(x1)", "x1=2,x2=3", mode="forward", wrt="x1")
    assert "ẇ1 = ẋ1·x2 + x1·ẋ2 = 1·3 + 2·0 = 3" in lines(t, tangent_rows(t, t.sweeps[0]))
    assert "w1 = x1 * x2 = 2 * 3 = 6" in lines(t, primal_rows(t))


def test_exp_sin_sin():
    t = trace("exp(sin(sin(x)))", "x=2", mode="forward")
    assert t.derivatives["f"]["x"] == pytest.approx(-0.5627520386627, abs=1e-13)


def ops_of(formula, **kw):
    program, labels, _ = load(formula, **kw)
    return [(labels.ids[program.n_inputs + k], e.op) for k, e in enumerate(program.eqns)]


def test_level_order_is_baydins_and_written_order_is_evaluation_order():
    assert [op for _, op in ops_of(BAYDIN)] == ["log", "mul", "sin", "add", "sub"]
    assert [op for _, op in ops_of(BAYDIN, order="written")] == ["log", "mul", "add", "sin",
                                                                 "sub"]


def test_textbook_operations_are_kept_as_written():
    assert ops_of("a - b") == [("w1", "sub")]
    assert ops_of("a / b") == [("w1", "div")]
    assert ops_of("-a") == [("w1", "neg")]
    assert [op for _, op in ops_of("x1 + x2 + x3")] == ["add", "add"]
    program, _, _ = load("x1 + x2 + x3")
    assert program.eqns[0].args == (0, 1)  # (x1 + x2) first: left to right
    assert [op for _, op in ops_of("-x**2")] == ["pow", "neg"]
    assert [op for _, op in ops_of("x^2")] == ["pow"]  # ^ is power, never XOR


def test_power_is_right_associative_and_constants_fold():
    program, _, _ = load("x^2^3")
    (eqn,) = program.eqns
    assert eqn.op == "pow" and eqn.args[1].text == "2^3" and eqn.args[1].value == 8
    program, _, _ = load("2*pi*x + x^-1")
    assert [e.op for e in program.eqns] == ["mul", "pow", "add"]
    assert program.eqns[0].args[0].text == "2*pi"
    assert program.eqns[1].args[1].text == "-1"


def test_repeated_subexpression_is_one_node():
    assert [op for _, op in ops_of("sin(x)*sin(x) + sin(x)")] == ["sin", "mul", "add"]
    program, _, _ = load("a = sin(x); b = sin(x) + a")
    assert [e.op for e in program.eqns] == ["sin", "add"]


def test_sympy_names_are_plain_variables():
    program, _, _ = load("gamma*S + N - beta", at="gamma=1,S=2,N=3,beta=4")
    assert program.inputs == ["gamma", "S", "N", "beta"]


def test_inputs_follow_at_order_or_first_appearance():
    assert load("x2*x1")[0].inputs == ["x2", "x1"]
    assert load("x2*x1", at="x1=1,x2=2")[0].inputs == ["x1", "x2"]


def test_v_and_h_labels():
    program, labels, _ = load(BAYDIN, at="x1=2,x2=5", labels="v")
    assert labels.ids == ["v-1", "v0", "v1", "v2", "v3", "v4", "v5"]
    program, labels, _ = load(BAYDIN, at="x1=2,x2=5", labels="h")
    assert labels.ids == ["w0_1", "w0_2", "w1_1", "w1_2", "w1_3", "w2_1", "w3_1"]
    assert labels.text[3] == "w⁽¹⁾₂"


def test_labels_never_collide_with_user_names():
    _, labels, _ = load("w1*w2 + sin(w1)")
    assert labels.ids == ["w1", "w2", "u1", "u2", "u3"]
    _, labels, _ = load("v0*v1", labels="v")
    assert labels.ids == ["w-1", "w0", "w1"]


def test_program_names_label_their_nodes():
    _, labels, _ = load("a = x1*x2; b = sin(x1); y = a + b")
    assert labels.ids == ["x1", "x2", "a", "b", "y"]


def test_forward_and_reverse_agree_on_a_jacobian():
    f = "y1 = x1*x2 + exp(x3); y2 = sin(x1)/x3 - x2^2"
    fw = trace(f, "x1=0.5,x2=-1.5,x3=2", mode="forward")
    rv = trace(f, "x1=0.5,x2=-1.5,x3=2", mode="reverse")
    for out, row in fw.derivatives.items():
        for inp, value in row.items():
            assert value == pytest.approx(rv.derivatives[out][inp], rel=1e-14)
    assert fw.check.agree and rv.check.agree


def test_seeds_give_jvp_and_vjp():
    fw = trace("x1*x2 + sin(x1)", "x1=2,x2=3", mode="forward", seed="x1=1,x2=0.5")
    assert fw.sweeps[0].result["f"] == pytest.approx(3 + math.cos(2) + 0.5 * 2)
    assert fw.derivatives == {"f": {}} and fw.check.agree
    rv = trace("y1 = x*x; y2 = 3*x", "x=2", mode="reverse", seed="y1=2,y2=1")
    assert rv.sweeps[0].result["x"] == pytest.approx(2 * 4 + 3)
    assert rv.check.agree


def test_nondifferentiable_points_warn_and_take_the_stated_choice():
    t = trace("abs(x) + max(x, y)", "x=0,y=0", mode="reverse")
    assert len(t.warnings) == 2
    assert "abs'(0) = 0" in t.warnings[0] and "first" in t.warnings[1]
    assert t.derivatives["f"] == {"x": 1.0, "y": 0.0}  # abs gives 0, max routes to x
    assert t.check.agree  # differences at the kink are noted, not failures
