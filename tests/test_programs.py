"""Straight-line programs, several outputs, Jacobians, large traces and the samples.

The property test writes random multi-output programs that reuse intermediates
and builds, independently, their SymPy expressions: the oracle never goes
through adtrace's parser or op table.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path

import pytest
import sympy
from helpers import gen_program
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from adtrace import trace
from adtrace.compare import compare
from adtrace.errors import DomainError
from adtrace.jacobian import jacobian_view

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "samples"
LIGHTHOUSE = f"@{SAMPLES / 'lighthouse.txt'}"
LIGHTHOUSE_AT = "nu=2,gamma=1.5,omega=0.4,t=2.1"
SPEELPENNING = f"@{SAMPLES / 'speelpenning.txt'}"
SPEELPENNING_AT = ",".join(f"x{i}={i}" for i in range(1, 11))


def close(a: float, b: float, scale: float = 1.0) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12 * scale)


# --- the lighthouse (Griewank & Walther, Sec. 2.1) -------------------------------------------


def lighthouse_jacobian(nu: float, gamma: float, omega: float, t: float) -> dict:
    """By hand: with T = tan(ωt), s = 1 + T², D = γ - T, y1 = νT/D and y2 = γ·y1,
    ∂y1/∂ω = νts(1/D + T/D²) = νtsγ/D² and ∂y1/∂t = νωsγ/D²."""
    T = math.tan(omega * t)
    s, D = 1 + T * T, gamma - T
    y1 = {"nu": T / D, "gamma": -nu * T / D**2, "omega": nu * t * s * gamma / D**2,
          "t": nu * omega * s * gamma / D**2}
    y2 = {k: gamma * v for k, v in y1.items()}
    y2["gamma"] += nu * T / D
    return {"y1": y1, "y2": y2}


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_lighthouse_jacobian_agrees_with_sympy_and_by_hand(mode):
    t = trace(LIGHTHOUSE, LIGHTHOUSE_AT, mode=mode, out="y1,y2")
    assert t.program.output_names() == ["y1", "y2"]
    assert len(t.sweeps) == (4 if mode == "forward" else 2)
    assert t.check is not None and t.check.agree and len(t.check.entries) == 8
    expected = lighthouse_jacobian(2, 1.5, 0.4, 2.1)
    for o in ("y1", "y2"):
        for i in ("nu", "gamma", "omega", "t"):
            assert close(t.derivatives[o][i], expected[o][i]), (o, i)
    view = jacobian_view(t)
    assert view.complete and view.shape == (2, 4)
    kind = "column" if mode == "forward" else "row"
    assert [p.kind for p in view.parts] == [kind] * len(t.sweeps)


def test_lighthouse_names_its_nodes_and_keeps_y1_as_an_output():
    t = trace(LIGHTHOUSE, LIGHTHOUSE_AT, mode="reverse", out="y1,y2", check=False)
    ids = t.labels.ids
    y1, y2 = (node for _, node in t.program.outputs)
    assert (ids[y1], ids[y2]) == ("y1", "y2")
    # the repeated tan(omega*t) is one node: omega*t, tan, nu*tan, gamma - tan, /, gamma*y1
    assert [e.op for e in t.program.eqns] == ["mul", "tan", "mul", "sub", "div", "mul"]
    # without --out, y1 is used later and so is not an output
    assert trace(LIGHTHOUSE, LIGHTHOUSE_AT, check=False).program.output_names() == ["y2"]


def test_labels_v_number_every_node_and_json_keeps_the_names():
    t = trace(LIGHTHOUSE, LIGHTHOUSE_AT, mode="forward", out="y1,y2", labels="v", check=False)
    assert t.labels.ids == ["v-3", "v-2", "v-1", "v0", "v1", "v2", "v3", "v4", "v5", "v6"]
    from adtrace.render.json import to_dict

    doc = to_dict(t)
    assert [(n["id"], n.get("name")) for n in doc["nodes"]][-2:] == [("v5", "y1"), ("v6", "y2")]
    assert [o["id"] for o in doc["outputs"]] == ["v5", "v6"]


def test_depth_is_counted_through_earlier_statements():
    t = trace("a = sin(x); b = a*y + cos(x)", "x=1,y=2", labels="h", check=False)
    # b's statement: cos(x) has depth 1, a*y depth 2 (a has depth 1), the sum depth 3
    assert [t.labels.ids[t.program.n_inputs + k] for k in range(4)] == \
        ["w1_1", "w1_2", "w2_1", "w3_1"]
    assert [e.op for e in t.program.eqns] == ["sin", "cos", "mul", "add"]


# --- Speelpenning's product ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_speelpenning_gradient_agrees_with_sympy_and_by_hand(mode):
    t = trace(SPEELPENNING, SPEELPENNING_AT, mode=mode)
    assert t.check is not None and t.check.agree
    assert len(t.sweeps) == (10 if mode == "forward" else 1)
    for i in range(1, 11):  # ∂(x1···x10)/∂xi = 10!/i at xi = i
        assert t.derivatives["f"][f"x{i}"] == math.factorial(10) // i


def test_compare_speelpenning_10_forward_sweeps_against_1_reverse_sweep():
    c = compare(SPEELPENNING, SPEELPENNING_AT)
    assert (c.forward.n_sweeps, c.reverse.n_sweeps) == (10, 1)
    assert (c.forward.operations, c.reverse.operations) == (10 * (9 + 18), 9 + 18)
    assert (c.forward.stored, c.reverse.stored) == (3, 19)
    assert c.cheaper == "reverse" and "n ≫ m" in c.why


# --- random programs: forward and reverse Jacobians against SymPy ----------------------------

# (template, SymPy builder): each keeps its arguments inside the op's domain
UNARY = [("sin({})", sympy.sin), ("cos({})", sympy.cos), ("tanh({})", sympy.tanh),
         ("exp(tanh({}))", lambda a: sympy.exp(sympy.tanh(a))),
         ("log(1 + {}^2)", lambda a: sympy.log(1 + a**2)),
         ("sqrt(2 + sin({}))", lambda a: sympy.sqrt(2 + sympy.sin(a))), ("-{}", lambda a: -a)]
BINARY = [("{} + {}", lambda a, b: a + b), ("{} - {}", lambda a, b: a - b),
          ("{}*{}", lambda a, b: a * b), ("{}/(1 + {}^2)", lambda a, b: a / (1 + b**2)),
          ("atan({} - 2*{})", lambda a, b: sympy.atan(a - 2 * b))]
INPUTS = ["x1", "x2", "x3"]


@st.composite
def programs(draw):
    """Statements t1 = ..., t2 = ... over the inputs and earlier names (reused at random);
    two or three of the names are the outputs, some of them used later as well."""
    symbols = {n: sympy.Symbol(n, real=True) for n in INPUTS}
    names, exprs, lines = list(INPUTS), dict(symbols), []
    for k in range(1, draw(st.integers(2, 7)) + 1):
        pick = st.sampled_from(names)
        if draw(st.booleans()):
            text, f = draw(st.sampled_from(UNARY))
            a = draw(pick)
            rhs, expr = text.format(a), f(exprs[a])
        else:
            text, f = draw(st.sampled_from(BINARY))
            a, b = draw(pick), draw(pick)
            rhs, expr = text.format(a, b), f(exprs[a], exprs[b])
        name = f"t{k}"
        lines.append(f"{name} = {rhs}")
        names.append(name)
        exprs[name] = expr
    assigned = names[len(INPUTS):]
    outputs = draw(st.lists(st.sampled_from(assigned), min_size=2, max_size=3, unique=True))
    used = [n for n in INPUTS if any(re.search(rf"\b{n}\b", line) for line in lines)]
    return "\n".join(lines), outputs, used, {o: exprs[o] for o in outputs}, symbols


coordinate = st.floats(-2, 2, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), coordinate, coordinate, coordinate, st.floats(-2, 2), st.floats(-2, 2))
def test_random_programs_jacobians_match_sympy(prog, x1, x2, x3, s1, s2):
    text, outputs, used, exprs, symbols = prog
    assume(used)
    point = dict(zip(INPUTS, (x1, x2, x3)))
    at = ",".join(f"{n}={point[n]!r}" for n in used)
    out = ",".join(outputs)
    try:
        fw = trace(text, at, mode="forward", out=out, check=False)
        rv = trace(text, at, mode="reverse", out=out, check=False)
    except DomainError:
        assume(False)
        return
    subs = {symbols[n]: sympy.Float(point[n], 30) for n in used}
    scale = max([1.0] + [abs(v) for v in fw.values])
    jac = {}
    for o in outputs:
        for i in used:
            expected = float(sympy.diff(exprs[o], symbols[i]).xreplace(subs).evalf(30))
            jac[o, i] = expected
            assert math.isclose(fw.derivatives[o][i], expected, rel_tol=1e-8,
                                abs_tol=1e-10 * scale), (text, at, o, i)
            assert math.isclose(rv.derivatives[o][i], expected, rel_tol=1e-8,
                                abs_tol=1e-10 * scale), (text, at, o, i)
    # one JVP and one VJP are tied by ⟨ȳ, J·ẋ⟩ = ⟨Jᵀ·ȳ, ẋ⟩
    xdot = {i: (s1, s2, 0.5)[k] for k, i in enumerate(used)}
    ybar = {o: (1.5, -0.75, 2.0)[k] for k, o in enumerate(outputs)}
    jvp = trace(text, at, mode="forward", out=out, check=False,
                seed=",".join(f"{i}={v!r}" for i, v in xdot.items()))
    vjp = trace(text, at, mode="reverse", out=out, check=False,
                seed=",".join(f"{o}={v!r}" for o, v in ybar.items()))
    lhs = sum(ybar[o] * jvp.sweeps[0].result[o] for o in outputs)
    rhs = sum(vjp.sweeps[0].result[i] * xdot[i] for i in used)
    size = max([1.0] + [abs(v) for v in jac.values()])
    assert math.isclose(lhs, rhs, rel_tol=1e-8, abs_tol=1e-9 * size * scale), (text, at)


def test_the_check_covers_every_entry_of_a_multi_output_jacobian():
    for mode, n_entries in (("forward", 8), ("reverse", 8)):
        t = trace(LIGHTHOUSE, LIGHTHOUSE_AT, mode=mode, out="y1,y2")
        pairs = {(e.output, e.input) for e in t.check.entries}
        assert len(pairs) == n_entries and t.check.agree


# --- long programs ------------------------------------------------------------------------------


def chain(n: int) -> str:
    return "t1 = sin(x)\n" + "\n".join(f"t{k} = sin(t{k - 1})" for k in range(2, n + 1))


def test_a_5000_step_chain_traces_without_recursion():
    text = chain(5000)
    rv = trace(text, "x=1", mode="reverse")
    fw = trace(text, "x=1", mode="forward", check=False)
    assert len(rv.program.eqns) == 5000 and len(rv.sweeps[0].steps) == 5000
    assert rv.check is not None and rv.check.skipped is None and rv.check.agree
    assert [e.agree for e in rv.check.entries] == [True]
    expected, v = 1.0, 1.0
    for _ in range(5000):
        expected *= math.cos(v)
        v = math.sin(v)
    assert math.isclose(rv.derivatives["t5000"]["x"], expected, rel_tol=1e-9)
    assert math.isclose(fw.derivatives["t5000"]["x"], expected, rel_tol=1e-9)


def test_a_5000_step_chain_from_a_file_prints_and_elides(run, tmp_path):
    path = tmp_path / "chain.txt"
    path.write_text("# a chain of sines\n" + chain(5000) + "\n", encoding="utf-8")
    result = run("reverse", f"@{path}", "--at", "x=1")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "… (5,000 statements)" in out.splitlines()[0] + out.splitlines()[1] + \
        out.splitlines()[2]
    assert "4,841 rows elided (rows 121–4,961 of 5,001; --format json lists every row)" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    doc = json.loads(run("reverse", f"@{path}", "--at", "x=1", "--format", "json",
                         "--no-check").stdout)
    assert len(doc["nodes"]) == 5000 and len(doc["sweeps"][0]["steps"]) == 5000


def test_the_generator_makes_exactly_the_operations_asked_for():
    gen = gen_program()
    t = trace(gen.generate(2_000), gen.point(), mode="reverse", check=False)
    assert len(t.program.eqns) == 2_000 and len(t.program.outputs) == 1
    assert all(abs(v) <= 2 for v in t.values)  # statements in [-1, 1], their parts in [-2, 2]


# --- the row printer's templates print what the rows' trees print ----------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), coordinate, coordinate, coordinate, st.sampled_from(["w", "v", "h"]),
       st.sampled_from([0, 2, 4]), st.sampled_from(["forward", "reverse"]),
       st.sampled_from([None, 0.0, -0.0, -2.5, 1e-9]))
def test_templates_print_exactly_what_each_rows_tree_prints(prog, x1, x2, x3, labels, digits,
                                                             mode, weight):
    """RowPrinter fills one template per shape of row; on random programs (zeros of
    either sign among the weights) every row reads as its own tree printed alone."""
    from adtrace.printer import RowPrinter
    from adtrace.rows import primal_rows, sweep_rows

    text, outputs, used, _, _ = prog
    assume(used)
    at = ",".join(f"{n}={v!r}" for n, v in zip(INPUTS, (x1 * 1e-5, x2, x3 * 1e6)) if n in used)
    seed = None
    if weight is not None:  # a weight of zero (or -0.0) on some outputs or inputs
        names = used if mode == "forward" else outputs
        seed = ",".join(f"{n}={weight if k else 1.0!r}" for k, n in enumerate(names))
    try:
        t = trace(text, at, mode=mode, out=",".join(outputs), labels=labels, digits=digits,
                  seed=seed, check=False)
    except DomainError:
        assume(False)
        return
    rows = primal_rows(t) + [r for s in t.sweeps for r in sweep_rows(t, s)]
    for latex in (False, True):
        printer = RowPrinter(t.labels, digits=digits, latex=latex)
        for row in rows:
            assert printer.cells(row) == printer.cells_of_trees(row)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), coordinate, coordinate, st.sampled_from(["forward", "reverse"]))
def test_json_writes_what_json_dumps_writes_of_the_same_document(prog, x1, x2, mode):
    from adtrace.render.json import render, to_dict

    text, outputs, used, _, _ = prog
    assume(used)
    at = ",".join(f"{n}={v!r}" for n, v in zip(INPUTS, (x1, x2, x1 - x2)) if n in used)
    try:
        t = trace(text, at, mode=mode, out=",".join(outputs), check=False)
    except DomainError:
        assume(False)
        return
    assert render(t) == json.dumps(to_dict(t), indent=2, ensure_ascii=False) + "\n"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_jsontext_writes_what_json_dumps_writes(value):
    from adtrace.render.jsontext import dumps

    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


# --- tables and goldens -------------------------------------------------------------------------


def test_several_outputs_print_the_jacobian_and_which_sweep_made_which_part(run):
    fw = run("forward", "y1 = x1*x2; y2 = sin(x1)", "--at", "x1=2,x2=3").stdout
    assert "Jacobian ∂(y1, y2)/∂(x1, x2)" in fw
    assert "column ∂/∂x1 from tangent sweep 1" in fw and "column ∂/∂x2 from tangent sweep 2" in fw
    rv = run("reverse", "y1 = x1*x2; y2 = sin(x1)", "--at", "x1=2,x2=3").stdout
    assert "row ∂y1/∂· from adjoint sweep 1" in rv and "row ∂y2/∂· from adjoint sweep 2" in rv
    part = run("forward", "y1 = x1*x2; y2 = sin(x1)", "--at", "x1=2,x2=3", "--wrt", "x2").stdout
    assert "· not computed" in part


def test_seeds_print_a_jvp_or_a_vjp(run):
    fw = run("forward", "y1 = x1*x2; y2 = sin(x1)", "--at", "x1=2,x2=3",
             "--seed", "x1=1,x2=0.5").stdout
    assert "Jacobian-vector product J·ẋ from tangent sweep 1 (ẋ1 = 1, ẋ2 = 0.5)" in fw
    rv = run("reverse", "y1 = x1*x2; y2 = sin(x1)", "--at", "x1=2,x2=3",
             "--seed", "y1=1,y2=2").stdout
    assert "Vector-Jacobian product ȳᵀ·J from adjoint sweep 1 (ȳ1 = 1, ȳ2 = 2)" in rv
    assert "x̄1 = 2.1677" in rv


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_lighthouse_tables(run, golden, mode):
    result = run(mode, LIGHTHOUSE, "--at", LIGHTHOUSE_AT, "--out", "y1,y2")
    assert result.exit_code == 0, result.stderr
    golden(f"programs/lighthouse_{mode}.txt", result.stdout)


@pytest.mark.parametrize("fmt,ext", [("table", "txt"), ("json", "json")])
def test_compare_goldens(run, golden, fmt, ext):
    result = run("compare", LIGHTHOUSE, "--at", LIGHTHOUSE_AT, "--out", "y1,y2",
                 "--format", fmt)
    assert result.exit_code == 0, result.stderr
    golden(f"programs/lighthouse_compare.{ext}", result.stdout)


# --- the samples run from the commands in docs/programs.md ----------------------------------


def doc_commands() -> list[str]:
    text = (ROOT / "docs" / "programs.md").read_text(encoding="utf-8")
    return [line.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.S)
            for line in block.splitlines() if line.strip().startswith("adtrace ")]


def test_every_sample_has_one_comment_line_and_a_command_in_the_docs():
    commands = " ".join(doc_commands())
    samples = sorted(SAMPLES.glob("*.txt"))
    assert len(samples) >= 7
    for path in samples:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# ") and not any(ln.startswith("#") for ln in lines[1:])
        assert f"@samples/{path.name}" in commands, path.name


@pytest.mark.parametrize("command", [c for c in doc_commands() if "@samples/" in c])
def test_the_docs_sample_commands_run(run, command, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    result = run(*args)
    assert result.exit_code == 0, (command, result.stderr)
