"""``adtrace graph``: the graph model, its formats, and the command line."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import have_tikz, pdflatex

from adtrace.api import trace
from adtrace.graph import TEXT_MAX_NODES, graph, render_graph, trace_graph
from adtrace.render import GRAPH, names
from adtrace.render.mermaid import escape

GRAPH_RENDERERS = names(GRAPH)

WIKI = "x1*x2 + sin(x1)"
BAYDIN = "ln(x1) + x1*x2 - sin(x2)"
LIGHTHOUSE = "y1 = nu*tan(omega*t)/(gamma - nu*tan(omega*t)); y2 = gamma*y1"
LH_AT = "nu=2,gamma=3,omega=0.5,t=1"

#: name -> the command's arguments after FORMULA
EXAMPLES = {
    "wikipedia": (WIKI, "--at", "x1=2,x2=3", "--mode", "forward"),
    "baydin": (BAYDIN, "--at", "x1=2,x2=5", "--labels", "v", "--mode", "reverse"),
    "lighthouse": (LIGHTHOUSE, "--out", "y1,y2", "--at", LH_AT, "--mode", "reverse",
                   "--seed", "y1=1,y2=1"),
}
EXTENSION = {"text": "txt", "dot": "dot", "mermaid": "mmd"}

HAVE_DOT = shutil.which("dot") is not None


def cli_graph(run, *args: str):
    result = run("graph", *args)
    assert result.exit_code == 0, result.stderr
    return result


# --- golden files ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(EXTENSION))
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_golden(run, golden, example, fmt):
    result = cli_graph(run, *EXAMPLES[example], "--format", fmt)
    assert result.stderr == ""
    golden(f"graph_{example}.{EXTENSION[fmt]}", result.stdout)


def test_golden_symbolic_only(run, golden):
    """Without --at: operations and symbolic partials only."""
    result = cli_graph(run, LIGHTHOUSE, "--out", "y1,y2")
    golden("graph_lighthouse_symbolic.txt", result.stdout)


# --- what the graph shows -------------------------------------------------------------------


def test_edges_carry_symbolic_and_numeric_partials():
    g = graph(WIKI, "x1=2,x2=3")
    texts = [g.edge_text(e) for e in g.edges]
    assert "∂w1/∂x1 = x2 = 3" in texts
    assert "∂w3/∂w1 = 1" in texts
    assert "∂w2/∂x1 = cos(x1) = -0.4161" in texts
    symbolic = graph(WIKI)
    assert "∂w1/∂x1 = x2" in [symbolic.edge_text(e) for e in symbolic.edges]
    assert all(n.value is None for n in symbolic.nodes)


def test_roles_and_fan_out():
    g = graph(LIGHTHOUSE, LH_AT, out="y1,y2")
    roles = {n.label: n.role for n in g.nodes}
    assert roles["nu"] == roles["t"] == "input"
    assert roles["w3"] == "intermediate"
    assert roles["y1"] == roles["y2"] == "output"
    w3 = next(n for n in g.nodes if n.label == "w3")  # nu*tan(omega*t), written twice
    assert w3.shared and len(w3.users) == 2
    y1 = next(n for n in g.nodes if n.label == "y1")
    assert y1.use_text == "output, also used 1×"


@pytest.mark.parametrize("formula, at, out", [
    (WIKI, "x1=2,x2=3", None), (BAYDIN, "x1=2,x2=5", None), (LIGHTHOUSE, LH_AT, "y1,y2"),
    ("x*x*x + max(x, y, 2) - exp(-y)/x", "x=1.5,y=0.25", None),
])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_sweep_terms_sum_to_the_sweeps_values(formula, at, out, mode):
    """A node's tangent or adjoint is the sum of what flows along its edges."""
    seed = "y1=1,y2=2" if out and mode == "reverse" else None
    g = graph(formula, at, mode=mode, out=out, seed=seed)
    t = trace(formula, at, mode=mode, out=out, seed=seed, check=False)
    for n in g.nodes:
        expected = t.sweeps[0].values[n.node] or 0.0
        assert n.derivative == expected
        if n.terms:
            assert math.isclose(sum(n.terms), expected, rel_tol=1e-12, abs_tol=1e-12)


def test_forward_sweep_choice():
    assert graph(WIKI, "x1=2,x2=3", mode="forward").seed == {"x1": 1.0, "x2": 0.0}
    assert graph(WIKI, "x1=2,x2=3", mode="forward", wrt="x2").seed == {"x1": 0.0, "x2": 1.0}
    g = graph(WIKI, "x1=2,x2=3", mode="forward", seed="x1=1,x2=0.5")
    assert g.seed == {"x1": 1.0, "x2": 0.5}
    assert g.sweep_text() == "forward mode: tangents for ẋ1 = 1, ẋ2 = 0.5"


def test_reverse_defaults_to_the_first_output():
    g = graph(LIGHTHOUSE, LH_AT, mode="reverse", out="y1,y2")
    assert g.seed == {"y1": 1.0, "y2": 0.0}


def test_max_routes_to_the_winner():
    g = graph("max(x, y)", "x=1,y=3")
    assert [g.edge_text(e) for e in g.edges] == ["∂w1/∂x = 0", "∂w1/∂y = 1"]
    assert "1 if x is the max" in graph("max(x, y)").edge_text(graph("max(x, y)").edges[0])


def test_text_view_marks_shared_nodes_instead_of_repeating_them(run):
    out = cli_graph(run, WIKI, "--at", "x1=2,x2=3").stdout
    assert len(re.findall(r"^[│ ]*x1 = 2 ", out, re.M)) == 1
    assert "x1 (see above)" in out
    assert "[input; used 2×]" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_text_view_colour_changes_only_the_colour():
    g = graph(LIGHTHOUSE, LH_AT, mode="reverse", out="y1,y2")
    coloured = render_graph(g, "text", color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render_graph(g, "text")


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_text_view_fits_80_columns(run, example):
    out = cli_graph(run, *EXAMPLES[example]).stdout
    assert max(len(line) for line in out.splitlines()) <= 80


def test_deep_graph_is_listed_by_depth(run):
    formula = "x"
    for _ in range(20):
        formula = f"sin({formula})"
    out = cli_graph(run, formula, "--at", "x=1").stdout
    assert "listed by depth" in out
    assert "depth 20" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_large_graph_text_is_summarised_dot_and_mermaid_complete(run):
    formula = " + ".join(f"x{i}*x{i + 1}" for i in range(40))  # 41 inputs, 79 operations
    n_nodes, n_edges = 41 + 79, 2 * 79
    assert n_nodes > TEXT_MAX_NODES
    text = cli_graph(run, formula).stdout
    assert "Summarised" in text and "--format dot" in text
    assert "operations: mul 40, add 39" in text
    assert "f = w79 = w78 + w40" in text
    dot = cli_graph(run, formula, "--format", "dot").stdout
    assert len(re.findall(r"^\s+n\d+ \[id=", dot, re.M)) == n_nodes
    assert len(re.findall(r"^\s+n\d+ -> n\d+ ", dot, re.M)) == n_edges
    mermaid = cli_graph(run, formula, "--format", "mermaid").stdout
    assert len(re.findall(r"^\s+n\d+ -->", mermaid, re.M)) == n_edges


# --- DOT ----------------------------------------------------------------------------------


def test_dot_is_layered_by_depth_left_to_right():
    dot = render_graph(graph(BAYDIN, "x1=2,x2=5", labels="v"), "dot")
    assert "rankdir=LR" in dot
    ranks = re.findall(r"subgraph depth(\d+) \{\n    rank=same;\n((?:    n\d+ .*\n)+)", dot)
    members = {int(d): re.findall(r"^    (n\d+) ", body, re.M) for d, body in ranks}
    assert members == {0: ["n0", "n1"], 1: ["n2", "n3", "n4"], 2: ["n5"], 3: ["n6"]}


def test_dot_is_deterministic():
    g = lambda: graph(LIGHTHOUSE, LH_AT, mode="reverse", out="y1,y2")  # noqa: E731
    assert render_graph(g(), "dot") == render_graph(g(), "dot")


def dot_cases():
    for name, args in EXAMPLES.items():
        formula, rest = args[0], list(args[1:])
        yield name, formula, rest
        if "--mode" in rest:  # the same without the sweep
            i = rest.index("--mode")
            primal = rest[:i] + rest[i + 2:]
            if "--seed" in primal:
                j = primal.index("--seed")
                primal = primal[:j] + primal[j + 2:]
            yield name + "-primal", formula, primal
    yield "symbolic", LIGHTHOUSE, ["--out", "y1,y2", "--labels", "h"]
    yield "constants", "2*pi*x^-1 + abs(-x) + 1/3", ["--at", "x=pi/4", "--mode", "forward"]


@pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name, formula, args", list(dot_cases()))
def test_graphviz_accepts_every_dot_output(run, tmp_path, name, formula, args):
    dot = cli_graph(run, formula, *args, "--format", "dot").stdout
    proc = subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"<svg" in proc.stdout
    assert proc.stderr == b"", proc.stderr.decode()  # no warnings either


# --- Mermaid ------------------------------------------------------------------------------


def test_mermaid_escapes_labels():
    assert escape('a "b" #1 <i> & c') == "a #quot;b#quot; #35;1 #lt;i#gt; #amp; c"
    assert escape("x̄1 = (2)") == "x̄1 = (2)"


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_mermaid_lines_are_well_formed(run, example):
    lines = cli_graph(run, *EXAMPLES[example], "--format", "mermaid").stdout.splitlines()
    assert lines[0] == "flowchart LR"
    node = re.compile(r'^  n\d+(\(\["[^"]*"\]\)|\["[^"]*"\]|\[\["[^"]*"\]\])$')
    edge = re.compile(r'^  n\d+ -->\|"[^"]*"\| n\d+$')
    other = re.compile(r"^  (%% .*|classDef \w+ [\w:#,.-]+|class [n\d,]+ \w+|linkStyle [\d,]+ .*)$")
    for line in lines[1:]:
        assert node.match(line) or edge.match(line) or other.match(line), line


# --- TikZ ---------------------------------------------------------------------------------


def test_trace_graph_for_answer_keys():
    t = trace(WIKI, "x1=2,x2=3", mode="reverse", check=False)
    mermaid = trace_graph(t, "mermaid")
    assert isinstance(mermaid, str) and mermaid.startswith("flowchart LR\n")
    assert "x̄1 = -0.4161 + 3 = 2.5839" in mermaid
    tikz = trace_graph(t, "tikz")
    assert tikz.count(r"\begin{tikzpicture}") == 1 and "documentclass" not in tikz
    assert r"\partial w_{1} / \partial x_{1} = x_{2} = 3" in tikz
    primal_only = trace_graph(t, "dot", sweep=None)
    assert "x̄1" not in primal_only and "= 2.5839" not in primal_only


@pytest.mark.skipif(not have_tikz(), reason="pdflatex with TikZ (pgf) is not installed")
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_tikz_compiles(run, tmp_path, example):
    cli_graph(run, *EXAMPLES[example], "--format", "tikz", "-o", str(tmp_path / "g.tex"))
    text = (tmp_path / "g.tex").read_text()
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{tikz}\n"
        "\\begin{document}\n"
        f"\\resizebox{{\\linewidth}}{{!}}{{%\n{text}}}\n\\end{{document}}\n")
    assert pdflatex(tmp_path, "doc", overfull=True) > 1000


def test_tikz_refuses_pictures_too_large_for_tex(run):
    big = " + ".join(f"x{i}*x{i + 1}" for i in range(200))
    result = run("graph", big, "--format", "tikz")
    assert result.exit_code == 2 and "too many for a TikZ picture" in result.stderr
    deep = "x"
    for _ in range(80):
        deep = f"sin({deep})"
    result = run("graph", deep, "--format", "tikz")
    assert result.exit_code == 2 and "too wide for a TikZ picture" in result.stderr


def test_tikz_standalone_document():
    g = graph(WIKI, "x1=2,x2=3", mode="reverse")
    doc = render_graph(g, "tikz", standalone=True)
    assert doc.startswith("\\documentclass{article}\n\\usepackage{amsmath}\n"
                          "\\usepackage{tikz}\n")
    assert doc.rstrip().endswith("\\end{document}")


# --- SVG and PNG through Graphviz -----------------------------------------------------------


@pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed")
def test_svg_and_png_files(run, tmp_path):
    cli_graph(run, *EXAMPLES["lighthouse"], "--format", "png", "-o", str(tmp_path / "g.png"))
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    cli_graph(run, *EXAMPLES["lighthouse"], "--format", "svg", "-o", str(tmp_path / "g.svg"))
    svg = (tmp_path / "g.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "w̄3 = 2.0971 + 1.2013 = 3.2984" in svg


def test_missing_graphviz_is_one_line_error(run, monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    for fmt in ("svg", "png"):
        result = run("graph", WIKI, "--format", fmt, "-o", str(tmp_path / f"g.{fmt}"))
        assert result.exit_code == 2
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ")
        assert "apt-get install graphviz" in lines[0] and "--format dot" in lines[0]
        assert "Traceback" not in result.output
    assert run("graph", WIKI, "--format", "dot").exit_code == 0


def test_png_is_not_written_to_a_terminal():
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "adtrace", "graph", WIKI, "--format", "png"],
                              stdout=follower, stderr=subprocess.PIPE, timeout=60, check=False)
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("Error: --format png writes binary data")


# --- the command line ---------------------------------------------------------------------


def test_formats_come_from_the_registry(run):
    help_text = run("graph", "--help").stdout
    for fmt in GRAPH_RENDERERS:
        assert fmt in help_text


def test_output_file(run, tmp_path):
    path = tmp_path / "g.mmd"
    result = cli_graph(run, WIKI, "--format", "mermaid", "-o", str(path))
    assert result.stdout == ""
    assert path.read_text(encoding="utf-8").startswith("flowchart LR\n")


@pytest.mark.parametrize("args, message", [
    ((WIKI, "--mode", "reverse"), "--mode reverse needs a point"),
    ((WIKI, "--at", "x1=2,x2=3", "--wrt", "x1"), "need --mode"),
    ((WIKI, "--at", "x1=2,x2=3", "--mode", "forward", "--wrt", "x1,x2"), "one input to --wrt"),
    ((WIKI, "--at", "x1=2,x2=3", "--mode", "forward", "--wrt", "z"), "'z' is not an input"),
    ((WIKI, "--at", "x1=2"), "x2"),
    ((WIKI, "--format", "dot", "-o", "/nonexistent-dir/g.dot"), "cannot write"),
    (("x1 +",), "column"),
])
def test_bad_input_is_one_error_line(run, args, message):
    result = run("graph", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert "Traceback" not in result.output


def test_undefined_at_the_point(run):
    result = run("graph", "log(x)", "--at", "x=-1")
    assert result.exit_code == 3 and result.stderr.startswith("Error: w1 = log(x)")


@pytest.mark.parametrize("args", [
    ("--format", "dot"),
    ("--at", "x1=2,x2=3", "--mode", "reverse", "--format", "mermaid"),
])
def test_graph_does_not_import_sympy(tmp_path, args):
    code = ("import sys\nfrom adtrace.cli import cli\n"
            f"try:\n    cli.main([\"graph\", {WIKI!r}, *{list(args)!r}], prog_name='adtrace')\n"
            "except SystemExit:\n    pass\n"
            "print('SYMPY' if 'sympy' in sys.modules else 'NO-SYMPY', file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False, cwd=Path(__file__).parent)
    assert proc.stderr.strip().endswith("NO-SYMPY"), proc.stderr


# --- docs/graphs.md ---------------------------------------------------------------------------

DOCS = Path(__file__).parent.parent / "docs" / "graphs.md"
DOC_BLOCK = re.compile(r"<!-- adtrace-output: (.*?) -->\n```(?:text|mermaid)\n(.*?)```", re.S)


def doc_blocks() -> list[tuple[str, str]]:
    return DOC_BLOCK.findall(DOCS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("args, shown", doc_blocks(), ids=[a for a, _ in doc_blocks()])
def test_docs_output_is_real(run, args, shown):
    import shlex

    result = run(*shlex.split(args))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == shown, f"docs/graphs.md block for '{args}' is stale"
