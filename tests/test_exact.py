"""--exact: exact values from the program (never from text), bounded, in every format."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import sympy

from adtrace import trace
from adtrace.exact import MAX_EXACT_CHARS, exact_values
from adtrace.parse import parse_constant

SCHEMA = json.loads((Path(__file__).parent / "schema_v1.json").read_text())
BAYDIN = "ln(x1) + x1*x2 - sin(x2)"


def texts(values) -> list[str | None]:
    return [v.text if v is not None else None for v in values]


def value_of(text: str) -> float:
    """An exact form read back by adtrace's own parser (``·`` written as ``*``), in SymPy."""
    return float(sympy.N(parse_constant(text.replace("·", "*"), "exact").exact(), 30))


def test_baydin_forward_exact():
    t = trace(BAYDIN, "x1=2,x2=5", mode="forward", wrt="x1", labels="v", exact=True)
    assert texts(t.exact.primal) == ["2", "5", "ln(2)", "10", "sin(5)", "10 + ln(2)",
                                     "10 + ln(2) - sin(5)"]
    assert texts(t.exact.sweeps[0].steps) == ["1/2", "5", "0", "11/2", "11/2"]
    assert t.exact.derivatives(t)["f"]["x1"].text == "11/2"
    assert t.exact.primal[2].latex == r"\ln(2)"


def test_baydin_reverse_exact_with_accumulation():
    t = trace(BAYDIN, "x1=2,x2=5", mode="reverse", labels="v", exact=True)
    steps = texts(t.exact.sweeps[0].steps)
    assert steps == ["1", "-1", "1", "1", "-cos(5)", "5", "2 - cos(5)", "11/2"]
    d = t.exact.derivatives(t)["f"]
    assert (d["x1"].text, d["x2"].text) == ("11/2", "2 - cos(5)")
    assert d["x2"].latex == r"2 - \cos(5)"


def test_wikipedia_exact():
    t = trace("x1*x2 + sin(x1)", "x1=2,x2=3", mode="forward", exact=True)
    d = t.exact.derivatives(t)["f"]
    assert (d["x1"].text, d["x2"].text) == ("3 + cos(2)", "2")


def test_exact_inputs_stay_exact():
    t = trace("sin(t)*cos(t) + x^2", "t=pi/4,x=1/2", mode="reverse", exact=True)
    assert texts(t.exact.primal[:2]) == ["pi/4", "1/2"]
    assert t.exact.primal[2].text == "sqrt(2)/2"
    d = t.exact.derivatives(t)["f"]
    assert (d["t"].text, d["x"].text) == ("0", "1")
    t = trace("x*y", "x=0.1,y=3", mode="forward", exact=True)
    assert t.exact.primal[0].text == "1/10"


def test_seeds_are_read_as_simple_fractions():
    t = trace("x1*x2", "x1=2,x2=3", mode="forward", seed="x1=1,x2=1/3", exact=True)
    assert t.exact.sweeps[0].seed["x2"].text == "1/3"
    assert t.exact.sweeps[0].result["f"].text == "11/3"


def test_simplify_is_applied():
    t = trace("sin(x)^2 + cos(x)^2", "x=1", mode="forward", exact=True)
    assert t.exact.primal[-1].text == "1"


@pytest.mark.parametrize("formula,at", [
    ("exp(sin(sin(x)))", "x=2"),
    ("y1 = nu*tan(omega*t)/(gamma - tan(omega*t)); y2 = gamma*y1",
     "nu=2,gamma=3/2,omega=2/5,t=21/10"),
    ("sqrt(x^2 + y^2) + atan(y/x) - x^y", "x=3,y=4"),
    ("max(x, y)*abs(x - y) + tanh(x)/cosh(y) - asin(x/5)", "x=1,y=2"),
    ("(a - b)/(a + b) - 2^a*log(b)", "a=1/2,b=pi"),
])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_exact_values_agree_with_the_floats(formula, at, mode):
    t = trace(formula, at, mode=mode, exact=True, check=False)

    def close(exact, value):
        assert exact is not None
        x = value_of(exact.text)
        assert math.isclose(x, value, rel_tol=1e-9, abs_tol=1e-12), (exact.text, value)

    for node, v in enumerate(t.values):
        close(t.exact.primal[node], v)
    for sweep, ex in zip(t.sweeps, t.exact.sweeps):
        for step, e in zip(sweep.steps, ex.steps):
            close(e, step.value)
        for name, value in sweep.result.items():
            close(ex.result[name], value)


def test_too_large_values_fall_back_to_decimals_with_a_note():
    chain = "; ".join(f"y{k + 1} = y{k}*y{k}" for k in range(1, 10))
    t = trace(f"y1 = x + 0; {chain}", "x=11/10", mode="forward", exact=True, check=False)
    assert t.exact.primal[-1] is None
    assert t.exact.notes and "decimals shown" in t.exact.notes[0]
    assert all(e is None or len(e.text) <= MAX_EXACT_CHARS for e in t.exact.primal)


def test_long_values_are_not_shown(run):
    formula = " + ".join(f"sin({k}*x)" for k in range(1, 30))
    result = run("forward", formula, "--at", "x=1", "--exact", "--format", "json", "--no-check")
    doc = json.loads(result.stdout)
    assert doc["outputs"][0]["exact"] is None
    assert any("longer than 200" in n for n in doc["exact_notes"])


def test_exact_values_never_parse_text(monkeypatch):
    import adtrace.api
    import adtrace.parse

    t = trace(BAYDIN, "x1=2,x2=5", mode="reverse", exact=False)

    def boom(*a, **k):
        raise AssertionError("exact values must come from the program, not from text")

    monkeypatch.setattr(adtrace.parse, "parse_program", boom)
    monkeypatch.setattr(adtrace.api, "parse_program", boom)
    monkeypatch.setattr(sympy, "parse_expr", boom)
    ex = exact_values(t)
    assert ex.derivatives(t)["f"]["x1"].text == "11/2"


# --- formats ------------------------------------------------------------------------------------


def test_json_exact_fields_are_additive(run):
    import jsonschema

    plain = json.loads(run("reverse", BAYDIN, "--at", "x1=2,x2=5", "--format", "json").stdout)
    doc = json.loads(run("reverse", BAYDIN, "--at", "x1=2,x2=5", "--format", "json",
                         "--exact").stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["schema"] == 1
    assert doc["exact_derivatives"] == {"f": {"x1": "11/2", "x2": "2 - cos(5)"}}
    assert doc["sweeps"][0]["exact_result"] == {"x1": "11/2", "x2": "2 - cos(5)"}
    assert [n["exact"] for n in doc["nodes"]][:2] == ["ln(2)", "10"]

    def strip(d):
        if isinstance(d, dict):
            return {k: strip(v) for k, v in d.items() if not k.startswith("exact")}
        if isinstance(d, list):
            return [strip(v) for v in d]
        return d

    assert strip(doc) == plain


def test_table_shows_exact_values(run):
    out = run("reverse", BAYDIN, "--at", "x1=2,x2=5", "--labels", "v", "--exact").stdout
    assert "= 0.6931  = ln(2)" in out
    assert "∂f/∂x2 = 1.7163 = 2 - cos(5)" in out
    assert "= 10 = 10" not in out


def test_exact_is_bounded_by_size_not_time(run):
    first = run("forward", "exp(x)*sin(x)^3/(1 + x^2)", "--at", "x=1/3", "--exact",
                "--format", "csv").stdout
    assert first == run("forward", "exp(x)*sin(x)^3/(1 + x^2)", "--at", "x=1/3", "--exact",
                        "--format", "csv").stdout


def test_exact_sweeps_take_the_float_sweeps_steps():
    """The exact values come from the same sweeps: one exact value per step, same order."""
    for mode in ("forward", "reverse"):
        t = trace("max(x*y, y) + x*sin(x) - min(y, 3)", "x=2,y=1/2", mode=mode, exact=True)
        for sweep, ex in zip(t.sweeps, t.exact.sweeps):
            assert len(ex.steps) == len(sweep.steps)
            for step, e in zip(sweep.steps, ex.steps):
                assert math.isclose(value_of(e.text), step.value, rel_tol=1e-12)


def test_a_losing_argument_without_exact_tangent_does_not_hide_the_winners():
    t = trace("max(x*x, y)", "x=1,y=2", mode="forward", seed="x=1e300,y=1", exact=True,
              check=False)
    ex = t.exact.sweeps[0]
    assert ex.steps[0] is None and ex.steps[1].text == "1"
    assert "no exact form for ẇ1" in t.exact.notes[0]


def test_exact_values_do_not_import_the_check():
    import subprocess
    import sys

    code = "import sys, adtrace.exact; assert 'adtrace.check' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
