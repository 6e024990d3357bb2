"""Every node's adjoint is shown: a max/min routes its adjoint to the winner, and each
losing argument gets a step of its own (0), so a student sees why ∂f/∂x2 = 0."""

from __future__ import annotations

import json

import pytest

from adtrace import trace

FORMULA = "tanh(x1*max(cos(x3), x1 - x3, x2)*ln(0.75))"
POINT = "x1=0.5,x2=0.1,x3=0.2"


def _doc(run, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_node_and_input_has_its_final_adjoint(run):
    doc = _doc(run, "reverse", FORMULA, "--at", POINT)
    sweep = doc["sweeps"][0]
    ids = [i["id"] for i in doc["inputs"]] + [n["id"] for n in doc["nodes"]]
    assert sorted(sweep["values"]) == sorted(ids)
    assert sweep["values"]["x2"] == 0 and sweep["result"]["x2"] == 0
    assert sweep["values"]["w2"] == 0  # the loser x1 - x3, which feeds a subtree


def test_the_losers_get_a_routing_step_and_the_winner_is_named(run):
    doc = _doc(run, "reverse", FORMULA, "--at", POINT)
    steps = doc["sweeps"][0]["steps"]
    winner = next(s for s in steps if s["id"] == "w1")
    assert winner["text"] == "w̄1 = w̄3·1 = (-0.141)·1 = -0.141"
    assert winner["flow"] == "max routes to w1"
    loser = next(s for s in steps if s["id"] == "w2")
    assert loser["text"].startswith("w̄2 = w̄3·0") and loser["value"] == 0
    assert loser["flow"] == "max routes to w1"
    x2 = next(s for s in steps if s["id"] == "x2")
    assert x2["text"].startswith("x̄2 = w̄3·0") and x2["flow"] == "max routes to w1"
    # the loser's subtree is swept with its adjoint 0: x1 - x3 passes 0 on to x3
    assert any(s["id"] == "x3" and s["text"].startswith("x̄3 = w̄2·(-1)") for s in steps)


def test_min_routes_to_its_winner_too(run):
    doc = _doc(run, "reverse", "min(x, y*y, 3)", "--at", "x=2,y=1")
    steps = doc["sweeps"][0]["steps"]
    assert [s["flow"] for s in steps if s.get("flow", "").startswith("min")] == \
        ["min routes to w1", "min routes to w1"]
    assert doc["sweeps"][0]["values"]["x"] == 0
    assert doc["derivatives"]["f"] == {"x": 0.0, "y": 2.0}


def test_a_constant_winner_is_named_by_its_text(run):
    doc = _doc(run, "reverse", "max(x, 5)", "--at", "x=2")
    (step,) = doc["sweeps"][0]["steps"]
    assert step["text"] == "x̄ = w̄1·0 = 1·0 = 0" and step["flow"] == "max routes to 5"


def test_an_output_that_does_not_depend_on_an_input_leaves_it_0(run):
    doc = _doc(run, "reverse", "y1 = x1*x2; y2 = sin(x1)", "--at", "x1=2,x2=3")
    second = doc["sweeps"][1]  # y2 = sin(x1): x2 and y1 are never reached
    assert second["values"]["x2"] == 0 and second["values"]["y1"] == 0
    assert second["result"] == {"x1": pytest.approx(-0.4161468365471424), "x2": 0}
    assert all(s["id"] != "x2" for s in second["steps"])  # no rows where nothing flows


def test_routing_steps_are_not_counted_as_arithmetic():
    from adtrace.compare import compare

    c = compare("max(x, y, z)", "x=1,y=3,z=2")
    assert [s.multiply_adds for s in c.reverse.sweeps] == [1]


def test_sympy_agrees_and_both_modes_agree_through_the_routing():
    rev = trace(FORMULA, POINT, mode="reverse")
    fwd = trace(FORMULA, POINT, mode="forward")
    assert rev.check is not None and rev.check.agree
    assert rev.derivatives["f"] == pytest.approx(fwd.derivatives["f"])
