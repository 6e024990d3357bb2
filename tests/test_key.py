"""adtrace key: problem sets to answer keys and worksheets (Markdown and LaTeX)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import have_tikz, pdflatex

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
HOMEWORK = str(SAMPLES / "homework.toml")


@pytest.mark.parametrize("fmt,worksheet,name", [
    ("markdown", False, "homework_key.md"),
    ("markdown", True, "homework_worksheet.md"),
    ("latex", False, "homework_key.tex"),
    ("latex", True, "homework_worksheet.tex"),
])
def test_homework_golden(run, golden, fmt, worksheet, name):
    args = ["key", HOMEWORK, "--format", fmt] + (["--worksheet"] if worksheet else [])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(f"key/{name}", result.stdout)


@pytest.mark.parametrize("sample", ["homework", "forward", "reverse", "compare"])
def test_samples_run(run, sample):
    for extra in ((), ("--worksheet",), ("--format", "latex")):
        result = run("key", str(SAMPLES / f"{sample}.toml"), *extra)
        assert result.exit_code == 0, result.stderr
        assert re.search(r"## Problem 1\b|\\adproblem{Problem 1\b", result.stdout)


def test_output_file_and_format_from_its_name(run, tmp_path):
    out = tmp_path / "key.tex"
    result = run("key", HOMEWORK, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith(r"\documentclass")
    md = tmp_path / "key.md"
    assert run("key", HOMEWORK, "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# Homework 3")
    assert text == run("key", HOMEWORK, "--format", "latex").stdout  # same bytes


def test_fragment(run):
    result = run("key", HOMEWORK, "--format", "latex", "--fragment")
    assert result.exit_code == 0
    assert r"\documentclass" not in result.stdout
    assert r"\begin{document}" not in result.stdout
    assert r"\providecommand{\adblank}" in result.stdout


def test_deterministic(run):
    first = run("key", HOMEWORK, "--format", "latex").stdout
    assert first == run("key", HOMEWORK, "--format", "latex").stdout


def test_worksheet_blanks_the_computed_cells(run):
    key = run("key", HOMEWORK).stdout
    sheet = run("key", HOMEWORK, "--worksheet").stdout
    # computed values are gone; the data, the structure and the statements stay
    for computed in ("11.6521", "0.6931", "2 - cos(5)", "x2 + 1/x1", "✓"):
        assert computed in key
        assert computed not in sheet
    for kept in ("## Problem 5", "`ln(x1) + x1*x2 - sin(x2)`", "At x1 = 2, x2 = 5",
                 "| v̇-1 | ẋ1 | | 1 |", "| v̄5 | f̄ | | 1 |", "| ∂f/∂x1 | |",
                 "Tangent sweep 1: ẋ1 = 1"):
        assert kept in sheet
    # given = ["primal"] (problem 4) keeps that primal trace
    problem4 = sheet.split("## Problem 4")[1].split("## Problem 5")[0]
    assert "| r | sqrt(w3) | sqrt(25) | 5 |" in problem4
    assert "| x̄ |" in problem4 and "0.6" not in problem4.split("Adjoint sweep 1")[1]


def test_worksheet_given_rules(run, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[problem]]\nformula = "x*y"\nat = "x=2,y=3"\nmode = "forward"\n'
                    'wrt = "x"\ngiven = ["rules"]\n', encoding="utf-8")
    sheet = run("key", str(path), "--worksheet").stdout
    assert "| w1 | x \\* y | | |" in sheet
    assert "| ẇ1 | ẋ·y + x·ẏ | | |" in sheet


def test_statement_math_and_escaping(run, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        'title = "50% of {this} & that_x"\n'
        '[[problem]]\n'
        "statement = 'Compute $\\partial f/\\partial x_1$ for f = a*b | c'\n"
        'formula = "x1*x2"\nat = "x1=1,x2=2"\nmode = "reverse"\n', encoding="utf-8")
    md = run("key", str(path)).stdout
    assert md.startswith(r"# 50% of \{this\} \& that\_x")
    assert r"Compute $\partial f/\partial x_1$ for f = a\*b \| c" in md
    tex = run("key", str(path), "--format", "latex").stdout
    assert r"50\% of \{this\} \& that\_x" in tex
    assert r"Compute $\partial f/\partial x_1$ for f = a*b \textbar{} c" in tex


def test_function_is_typeset_in_the_written_order(run, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[problem]]\nformula = "sin(x2) - (x1 + x2)*x1 + x2/x1"\n'
                    'at = "x1=1,x2=2"\nmode = "reverse"\n', encoding="utf-8")
    tex = run("key", str(path), "--format", "latex").stdout
    assert r"f &= \sin(x_{2}) - (x_{1} + x_{2}) x_{1} + \frac{x_{2}}{x_{1}}" in tex
    md = run("key", str(path)).stdout
    assert "Function: `sin(x2) - (x1 + x2)*x1 + x2/x1`" in md


def test_program_from_a_file_next_to_the_problem_set(run, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "prog.txt").write_text("# two outputs\na = x*y\nb = sin(a)\nc = a + b\n")
    path = tmp_path / "sub" / "p.toml"
    path.write_text('[[problem]]\nformula = "@prog.txt"\nat = "x=1,y=2"\nmode = "both"\n'
                    'seed = "x=1,c=2"\n', encoding="utf-8")
    result = run("key", str(path), "--format", "latex")
    assert result.exit_code == 0, result.stderr
    assert r"a &= x y \\" in result.stdout and r"c &= a + b" in result.stdout
    assert r"\textbf{Tangent sweep 1:} $\dot{x} = 1$" in result.stdout
    assert r"\textbf{Adjoint sweep 1:} $\bar{c} = 2$" in result.stdout
    md = run("key", str(path)).stdout
    # the file's comment is a note to its reader, not the function
    assert "```\na = x*y\nb = sin(a)\nc = a + b\n```" in md
    assert "two outputs" not in md


# --- malformed problem sets ---------------------------------------------------------------------

MALFORMED = [
    ('[[problem]]\nformula = "x*y"\nat = "x=1,y=2"\nmode = "sideways"\n',
     "problem 1: 'mode' must be forward, reverse, both or compare"),
    ('[[problem]]\nformula = "x"\nat = "x=1"\n[[problem]]\nformula = "x*y"\nat = "x=1,y=2"\n'
     '[[problem]]\nformula = "x*y"\nat = "x=1,y=2"\nmode = "upward"\n',
     "problem 3: 'mode' must be forward, reverse, both or compare"),
    ('[[problem]]\nformula = "x*y"\nat = "x=1,y=2"\nwtr = "x"\n',
     "problem 1: unknown key 'wtr' (did you mean 'wrt'?)"),
    ('titel = "A"\n[[problem]]\nformula = "x"\nat = "x=1"\n',
     "unknown key 'titel' (did you mean 'title'?)"),
    ('[defaults]\nlabel = "v"\n[[problem]]\nformula = "x"\nat = "x=1"\n',
     "defaults: unknown key 'label' (did you mean 'labels'?)"),
    ('[[problem]]\nat = "x=1"\n', "problem 1: 'formula' is missing"),
    ('[[problem]]\nformula = "x*y"\n', "problem 1: 'at' is missing"),
    ('[[problem]]\nformula = "x"\nprogram = "y = x"\nat = "x=1"\n',
     "problem 1: give 'formula' or 'program', not both"),
    ('[[problem]]\nformula = "x"\nat = "x=1"\ndigits = 40\n',
     "problem 1: 'digits' must be an integer from 0 to 17"),
    ('[[problem]]\nformula = "x"\nat = "x=1"\ndigits = true\n',
     "problem 1: 'digits' must be an integer from 0 to 17"),
    ('[[problem]]\nformula = "x"\nat = "x=1"\nexact = "yes"\n',
     "problem 1: 'exact' must be true or false"),
    ('[[problem]]\nformula = "x"\nat = "x=1"\nlabels = "q"\n',
     "problem 1: 'labels' must be w, v or h"),
    ('[[problem]]\nformula = "x"\nat = "x=1"\ngiven = ["all"]\n',
     "problem 1: 'given' must be a list of \"primal\" and \"rules\""),
    ('[[problem]]\nformula = 3\nat = "x=1"\n', "problem 1: 'formula' must be a string"),
    ('[[problem]]\nformula = "x*y"\nat = "x=1,y=2"\nmode = "reverse"\nwrt = "x"\n',
     "problem 1: 'wrt' is for forward mode"),
    ('[[problem]]\nformula = "x*y"\nat = "x=1"\n', "problem 1: 'at': missing a value for 'y'"),
    ('[[problem]]\nformula = "x*y +"\nat = "x=1,y=2"\n', "problem 1: "),
    ('[[problem]]\nformula = "x*y"\nat = "x=1,y=2"\nwrt = "z"\nmode = "forward"\n',
     "problem 1: 'wrt': 'z' is not an input"),
    ('[[problem]]\nformula = "@missing.txt"\nat = "x=1"\n', "problem 1: "),
    ('title = "A"\n', "a problem set needs at least one [[problem]] table"),
    ('[[problem]\nformula = "x"\n', "not valid TOML"),
    ('[defaults]\nformula = "x"\n[[problem]]\nformula = "x"\nat = "x=1"\n',
     "defaults: 'formula' belongs to each problem"),
]


@pytest.mark.parametrize("text,message", MALFORMED)
def test_malformed_problem_sets_are_bad_input(run, tmp_path, text, message):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    result = run("key", str(path))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    first = result.stderr.splitlines()[0]
    assert first.startswith("Error: ")
    assert message in first
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_oversized_problems_are_refused(run, tmp_path):
    path = tmp_path / "p.toml"
    formula = "a0 = x; " + "; ".join(f"a{k} = sin(a{k - 1}) + x" for k in range(1, 600))
    path.write_text(f'[[problem]]\nformula = "{formula}"\nat = "x=1"\n', encoding="utf-8")
    result = run("key", str(path))
    assert result.exit_code == 2
    assert "problem 1: 1,198 operations is more than an answer key shows" in result.stderr


def test_missing_and_binary_files(run, tmp_path):
    result = run("key", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2 and "no such file" in result.stderr
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    result = run("key", str(tmp_path / "bin.toml"))
    assert result.exit_code == 2 and "not a UTF-8 text file" in result.stderr


def test_undefined_at_the_point_names_the_problem(run, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[problem]]\nformula = "x"\nat = "x=1"\n'
                    '[[problem]]\nformula = "ln(x) + y"\nat = "x=-1,y=2"\n', encoding="utf-8")
    result = run("key", str(path))
    assert result.exit_code == 3
    assert re.match(r"Error: problem 2: w1 = (ln|log)\(x\) is undefined at x = -1",
                    result.stderr), result.stderr
    assert result.stdout == ""


def test_non_differentiable_points_warn_with_the_problem(run, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[problem]]\nformula = "abs(x) + y"\nat = "x=0,y=2"\nmode = "reverse"\n',
                    encoding="utf-8")
    result = run("key", str(path))
    assert result.exit_code == 0
    assert result.stderr.startswith("Warning: problem 1: ")
    assert "Warning:" in result.stdout  # and in the document


def test_compare_problems(run):
    result = run("key", str(SAMPLES / "compare.toml"))
    assert result.exit_code == 0, result.stderr
    assert "| operations |" in result.stdout
    assert "**Cheaper here:** reverse mode." in result.stdout
    tex = run("key", str(SAMPLES / "compare.toml"), "--format", "latex").stdout
    assert r"\textbf{Jacobian}" in tex


def test_problem_section_is_the_hook_for_more_parts(monkeypatch):
    from adtrace import key, problems

    pset = problems.load_problem_set(HOMEWORK)
    sols = [key.solve(p) for p in pset.problems[:1]]
    monkeypatch.setattr(key, "PARTS", key.PARTS + [lambda sol, fmt, ws: ["EXTRA PART"]])
    text = key.render_key(pset, sols, "markdown")
    assert text.count("EXTRA PART") == 1


# --- the computational graph (graph = true) ------------------------------------------------------

MERMAID_LINE = re.compile(  # the well-formedness test of tests/test_graph.py
    r'^  (n\d+(\(\["[^"]*"\]\)|\["[^"]*"\]|\[\["[^"]*"\]\])|n\d+ -->\|"[^"]*"\| n\d+|%% .*|'
    r"classDef \w+ [\w:#,.-]+|class [n\d,]+ \w+|linkStyle [\d,]+ .*)$")


def _mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, re.S)


def _problem(text: str, number: int) -> str:
    return re.split(rf"## Problem {number}( \(.*\))?\n", text)[2].split("\n## Problem ")[0]


def test_graph_in_the_markdown_key(run):
    key = run("key", HOMEWORK).stdout
    blocks = _mermaid_blocks(key)
    assert len(blocks) == 1  # only the problem that asks for it
    assert "```mermaid" in _problem(key, 3)
    block = blocks[0]
    assert block.startswith("flowchart LR\n")
    for line in block.splitlines()[1:]:
        assert MERMAID_LINE.match(line), line
    # the adjoint sweep: x1 is used twice, its adjoint is the sum of two terms
    assert "x̄1 = -0.4161 + 3 = 2.5839" in block and "used 2×" in block
    assert "∂w1/∂x1 = x2 = 3" in block and "x̄1 += w̄1 · 3 = 3" in block
    # after the traces
    assert _problem(key, 3).index("### Symbolic check") < _problem(key, 3).index(
        "### Computational graph")


def test_graph_in_the_latex_key(run):
    tex = run("key", HOMEWORK, "--format", "latex").stdout
    assert tex.count(r"\begin{tikzpicture}") == 1
    assert r"\usepackage{graphicx,tikz}" in tex.split(r"\begin{document}")[0]
    assert r"\providecommand{\adgraph}[2]" in tex.split(r"\begin{document}")[0]
    assert r"\adgraph{\textbf{Computational graph.} Nodes: the values and the adjoints" in tex
    assert r"\bar{x}_{1} = -0.4161 + 3 = 2.5839" in tex
    fragment = run("key", HOMEWORK, "--format", "latex", "--fragment").stdout
    assert fragment.splitlines()[0] == (
        r"% needs \usepackage{amsmath,amssymb,array,booktabs,longtable,graphicx,tikz}")


def test_no_graph_no_tikz(run):
    tex = run("key", str(SAMPLES / "forward.toml"), "--format", "latex").stdout
    assert "tikz" not in tex and "graphicx" not in tex


def test_graph_in_the_worksheet_is_blank(run):
    sheet = run("key", HOMEWORK, "--worksheet").stdout
    (block,) = _mermaid_blocks(sheet)
    for line in block.splitlines()[1:]:
        assert MERMAID_LINE.match(line), line
    for computed in ("2.5839", "0.9093", "-0.4161", "= x2", "cos(x1)", "+="):
        assert computed not in block
    # the structure, the data and the fan-out stay
    for kept in ("x1 = 2</b>", "x2 = 3</b>", "w1 = x1 * x2", "x̄1 = ______ + ______ = ______",
                 "∂w1/∂x1 = ______", "w̄3 = 1", "used 2×"):
        assert kept in block
    tex = run("key", HOMEWORK, "--worksheet", "--format", "latex").stdout
    picture = tex.split(r"\begin{tikzpicture}")[1].split(r"\end{tikzpicture}")[0]
    assert "2.5839" not in picture and r"\rule{3.5em}{0.4pt}" in picture
    assert r"x_{1} = 2" in picture


def test_graph_from_defaults_and_given(run, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[defaults]\ngraph = true\nmode = "forward"\n'
                    '[[problem]]\nformula = "x*y + sin(x)"\nat = "x=2,y=3"\nwrt = "x"\n'
                    '[[problem]]\nformula = "x*y"\nat = "x=2,y=3"\ngraph = false\n'
                    '[[problem]]\nformula = "x*y"\nat = "x=2,y=3"\nmode = "compare"\n'
                    '[[problem]]\nformula = "x*y"\nat = "x=2,y=3"\ngiven = ["rules", "primal"]\n',
                    encoding="utf-8")
    key = run("key", str(path))
    assert key.exit_code == 0, key.stderr
    assert "```mermaid" in _problem(key.stdout, 1) and "```mermaid" not in _problem(key.stdout, 2)
    assert "tangents of tangent sweep 1 (ẋ = 1)" in _problem(key.stdout, 1)
    assert "ẇ1 += ẋ · 3 = 3" in _problem(key.stdout, 1)
    compare = _problem(key.stdout, 3)
    assert "Nodes: the values. Edges:" in compare and "ẋ" not in compare.split("```mermaid")[1]
    sheet = run("key", str(path), "--worksheet").stdout
    (fourth,) = _mermaid_blocks(_problem(sheet, 4))
    assert "w1 = x * y = 6" in fourth  # given primal: the values stay
    assert "∂w1/∂x = y = ______" in fourth  # given rules: the partials' formulas stay
    assert "ẋ = 1" in fourth and "ẏ = 0" in fourth  # the seeds are data


def test_graph_must_be_a_boolean(run, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[problem]]\nformula = "x"\nat = "x=1"\ngraph = "yes"\n', encoding="utf-8")
    result = run("key", str(path))
    assert result.exit_code == 2
    assert "problem 1: 'graph' must be true or false" in result.stderr


def test_graph_too_large_for_a_page_is_refused(run, tmp_path):
    path = tmp_path / "p.toml"
    formula = "a0 = x; " + "; ".join(f"a{k} = sin(a{k - 1}) + x" for k in range(1, 160))
    path.write_text(f'[[problem]]\nformula = "{formula}"\nat = "x=1"\ngraph = true\n',
                    encoding="utf-8")
    result = run("key", str(path))
    assert result.exit_code == 2
    assert "problem 1: 'graph': the graph has" in result.stderr


# --- the PDF ------------------------------------------------------------------------------------


@pytest.mark.skipif(not have_tikz(), reason="pdflatex with TikZ (pgf) is not installed")
@pytest.mark.parametrize("worksheet", [False, True])
def test_latex_key_compiles(run, tmp_path, worksheet):
    args = ["key", HOMEWORK, "--format", "latex"] + (["--worksheet"] if worksheet else [])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    (tmp_path / "key.tex").write_text(result.stdout, encoding="utf-8")
    assert pdflatex(tmp_path, "key") > 10_000  # one run: nothing waits for the .aux


@pytest.mark.skipif(not have_tikz(), reason="pdflatex with TikZ (pgf) is not installed")
@pytest.mark.parametrize("worksheet", [False, True])
def test_latex_key_with_wide_graphs_compiles(run, tmp_path, worksheet):
    """Graphs wider than the page: flowing down the page (Baydin's, the lighthouse) or
    scaled down to fit it, never turned sideways."""
    path = tmp_path / "p.toml"
    path.write_text(
        '[defaults]\ngraph = true\n'
        f'[[problem]]\nformula = "@{SAMPLES / "lighthouse.txt"}"\n'
        'at = "nu=2,gamma=1.5,omega=0.4,t=2.1"\nout = "y1,y2"\nmode = "reverse"\n'
        '[[problem]]\nformula = "ln(x1) + x1*x2 - sin(x2)"\nat = "x1=2,x2=5"\nlabels = "h"\n'
        'mode = "forward"\n'
        '[[problem]]\nformula = "x*y"\nat = "x=1,y=2"\nmode = "compare"\n', encoding="utf-8")
    args = ["key", str(path), "-o", str(tmp_path / "key.tex")]
    result = run(*(args + (["--worksheet"] if worksheet else [])))
    assert result.exit_code == 0, result.stderr
    assert r"\rotatebox" not in (tmp_path / "key.tex").read_text(encoding="utf-8")
    pdflatex(tmp_path, "key")
