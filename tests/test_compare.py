"""``adtrace compare``: sweeps, operations, stored values, and which mode is cheaper."""

from __future__ import annotations

import json

import pytest
from helpers import gen_program

from adtrace.api import load
from adtrace.compare import DEFINITIONS, compare, live_values

LIGHTHOUSE = "y1 = nu*tan(omega*t)/(gamma - tan(omega*t)); y2 = gamma*y1"
LIGHTHOUSE_AT = "nu=2,gamma=1.5,omega=0.4,t=2.1"


def test_json_has_exactly_the_contract_keys(run):
    result = run("compare", LIGHTHOUSE, "--at", LIGHTHOUSE_AT, "--out", "y1,y2",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc) == ["schema", "mode", "inputs", "outputs", "forward", "reverse",
                         "cheaper", "why"]
    assert doc["schema"] == 1 and doc["mode"] == "compare"
    assert [i["name"] for i in doc["inputs"]] == ["nu", "gamma", "omega", "t"]
    assert [o["name"] for o in doc["outputs"]] == ["y1", "y2"]
    for mode in ("forward", "reverse"):
        assert list(doc[mode]) == ["sweeps", "operations", "stored"]
        assert all(isinstance(v, int) for v in doc[mode].values())
    assert doc["cheaper"] in ("forward", "reverse", "either")
    assert doc["why"].endswith(".") and doc["why"].count(". ") == 0  # one sentence


def test_lighthouse_counts():
    c = compare(LIGHTHOUSE, LIGHTHOUSE_AT, out="y1,y2")
    # 6 rows: omega*t, tan, nu*tan, gamma - tan, /, gamma*y1; 11 tangent terms per sweep
    assert c.primal_rows == 6
    assert [s.operations for s in c.forward.sweeps] == [6 + 11] * 4
    # adjoint sweep 1 (y1) reaches the first five rows: 9 contributions; sweep 2 all: 11
    assert [(s.primal, s.multiply_adds) for s in c.reverse.sweeps] == [(6, 9), (0, 11)]
    assert (c.forward.operations, c.reverse.operations) == (68, 26)
    assert (c.forward.stored, c.reverse.stored) == (4, 10)
    assert c.cheaper == "reverse"
    assert c.jacobian.shape == (2, 4) and c.max_difference < 1e-12


def test_one_input_several_outputs_favours_forward_mode():
    c = compare("u = exp(-t/4); x = u*cos(3*t); y = u*sin(3*t); z = t/2", "t=1.5")
    assert (c.forward.n_sweeps, c.reverse.n_sweeps) == (1, 3)
    assert c.forward.operations < c.reverse.operations
    assert c.cheaper == "forward" and "m > n" in c.why


def test_ties_are_decided_by_sweeps_then_storage_then_called_either():
    c = compare("exp(sin(sin(x)))", "x=2")
    assert c.forward.operations == c.reverse.operations == 6
    assert (c.forward.stored, c.reverse.stored) == (2, 4)
    assert c.cheaper == "forward" and "keeps less" in c.why
    c = compare("sin(x)", "x=1")
    assert c.cheaper == "either"
    c = compare("y1 = sin(t); y2 = cos(t)", "t=2")  # disjoint outputs: 2 sweeps, no more work
    assert (c.forward.operations, c.reverse.operations) == (4, 4)
    assert c.cheaper == "forward" and "1 tangent sweep against 2 adjoint sweeps" in c.why


def test_one_input_four_outputs_is_forward_mode_the_textbooks_lesson():
    c = compare("y1 = sin(x); y2 = cos(x); y3 = exp(x); y4 = x*x", "x=1")
    assert c.forward.operations == c.reverse.operations
    assert (c.forward.n_sweeps, c.reverse.n_sweeps) == (1, 4)
    assert c.cheaper == "forward" and "fewer passes over the graph" in c.why


@pytest.mark.parametrize("text,expected", [
    ("x1*x2*x3*x4", 3),  # w1 = x1*x2 (x1, x2, w1), then (w1, x3, w2), ...
    ("a = x*y; b = a + x; c = b*a", 3),  # x dies at b, a lives until c
    ("y1 = sin(x); y2 = cos(x); y3 = exp(x)", 4),  # outputs stay alive to the end
    ("sin(x) + cos(x) + exp(x) + x", 5),  # level order: sin, cos, exp, then the sums; x to the end
])
def test_liveness(text, expected):
    program, _, _ = load(text)
    assert live_values(program) == expected


def test_max_and_min_count_one_term_for_the_winner():
    c = compare("max(x, y, z)", "x=1,y=3,z=2")
    assert [s.multiply_adds for s in c.forward.sweeps] == [1, 1, 1]
    assert [s.multiply_adds for s in c.reverse.sweeps] == [1]


def test_table_names_the_counts_and_defines_them(run):
    result = run("compare", "x1*x2*x3*x4*x5*x6*x7*x8*x9*x10",
                 "--at", ",".join(f"x{i}={i}" for i in range(1, 11)))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "sweeps         10 (one per input)      1 (one per output)" in out
    assert "Cheaper here: reverse mode." in out
    assert "tangent sweep 10, seed x10  9 + 18 = 27" in out
    for key in DEFINITIONS:
        assert f"{key}: " in out


def test_bad_input_is_status_2(run):
    assert run("compare", "x*y").exit_code == 2
    assert run("compare", "x*y", "--at", "x=1").exit_code == 2
    assert run("compare", "y = x*2; z = y", "--at", "x=1", "--out", "w").exit_code == 2


def test_undefined_point_is_status_3(run):
    result = run("compare", "log(x)", "--at", "x=-1")
    assert result.exit_code == 3 and result.stderr.startswith("Error: ")


def test_compare_counts_forward_sweeps_it_does_not_keep(run, tmp_path):
    """30 forward sweeps of 7,000 operations are more rows than a trace prints (200,000),
    but compare only counts them: it runs; past 1,000,000 it refuses."""
    gen = gen_program()
    path = tmp_path / "p.txt"
    path.write_text(gen.generate(7000, n_inputs=30), encoding="utf-8")
    result = run("compare", f"@{path}", "--at", gen.point(30), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["forward"]["sweeps"] == 30
    path.write_text(gen.generate(7000, n_inputs=150), encoding="utf-8")
    result = run("compare", f"@{path}", "--at", gen.point(150), "--format", "json")
    assert result.exit_code == 2
    assert "more than the limit of 1,000,000" in result.stderr


def test_digits_set_the_decimals_of_compare(run):
    out = run("compare", "x1*x2 + sin(x1)", "--at", "x1=2,x2=3", "--digits", "2").stdout
    assert "2.58" in out and "2.5839" not in out
    md = run("compare", "x1*x2 + sin(x1)", "--at", "x1=2,x2=3", "--digits", "6",
             "--format", "markdown").stdout
    assert "2.583853" in md
