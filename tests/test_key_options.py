"""adtrace key: points, new pages, the worksheet's check, key and worksheet in one run,
the file's comments, and the LaTeX layout that keeps a problem's opening with its tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
HOMEWORK = str(SAMPLES / "homework.toml")


def _set(tmp_path: Path, text: str) -> str:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


TWO = ('[[problem]]\nformula = "x*y"\nat = "x=2,y=3"\nmode = "reverse"\n{one}'
       '[[problem]]\nformula = "sin(x)"\nat = "x=1"\nmode = "forward"\n{two}')


# --- points ----------------------------------------------------------------------------------


def test_points_in_the_headings_and_the_total(run):
    md = run("key", HOMEWORK).stdout
    assert "\nTotal: 20 points\n" in md.split("## Problem 1")[0]
    assert "## Problem 1 (3 points)" in md and "## Problem 3 (6 points)" in md
    tex = run("key", HOMEWORK, "--format", "latex").stdout
    assert r"Numerical Methods, spring term\\[0.6ex]" in tex and "Total: 20 points" in tex
    assert r"\adproblem{Problem 3 (6 points)}" in tex
    sheet = run("key", HOMEWORK, "--worksheet").stdout  # students see the points too
    assert "## Problem 2 (4 points)" in sheet and "Total: 20 points" in sheet


@pytest.mark.parametrize("one,two,headings,total", [
    ("points = 1\n", "points = 2.5\n", ["Problem 1 (1 point)", "Problem 2 (2.5 points)"],
     "Total: 3.5 points"),
    ("points = 4\n", "", ["Problem 1 (4 points)", "## Problem 2\n"], None),  # no total
    ("", "", ["## Problem 1\n", "## Problem 2\n"], None),
])
def test_points_are_printed_as_given(run, tmp_path, one, two, headings, total):
    md = run("key", _set(tmp_path, TWO.format(one=one, two=two))).stdout
    for heading in headings:
        assert heading in md
    assert ("Total:" in md) == (total is not None)
    if total:
        assert total in md


def test_points_from_defaults(run, tmp_path):
    text = "[defaults]\npoints = 5\n" + TWO.format(one="", two="points = 2\n")
    md = run("key", _set(tmp_path, text)).stdout
    assert "Problem 1 (5 points)" in md and "Problem 2 (2 points)" in md
    assert "Total: 7 points" in md


BAD_OPTIONS = [
    ("points = -3\n", "problem 1: 'points' must be a positive number"),
    ('points = "abc"\n', "problem 1: 'points' must be a positive number"),
    ("points = 0\n", "problem 1: 'points' must be a positive number"),
    ("points = true\n", "problem 1: 'points' must be a positive number"),
    ("points = nan\n", "problem 1: 'points' must be a positive number"),
    ("points = inf\n", "problem 1: 'points' must be a positive number"),
    ('new_page = "yes"\n', "problem 1: 'new_page' must be true or false"),
    ("worksheet_check = 1\n", "problem 1: 'worksheet_check' must be true or false"),
    ("point = 3\n", "problem 1: unknown key 'point' (did you mean 'points'?)"),
]


@pytest.mark.parametrize("line,message", BAD_OPTIONS)
def test_bad_option_values_are_bad_input(run, tmp_path, line, message):
    result = run("key", _set(tmp_path, TWO.format(one=line, two="")))
    assert result.exit_code == 2, result.stdout
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stdout == "" and "Traceback" not in result.stderr


# --- a page per problem ------------------------------------------------------------------------


def test_new_page(run, tmp_path):
    text = "[defaults]\nnew_page = true\n" + TWO.format(one="", two="")
    tex = run("key", _set(tmp_path, text), "--format", "latex").stdout
    body = tex.split(r"\begin{document}")[1]
    # the first problem stays under the title; every other one starts a page
    assert body.count(r"\clearpage") == 1
    assert body.index(r"\clearpage") == body.index(r"\adproblem{Problem 2}") - len("\\clearpage\n")
    md = run("key", _set(tmp_path, text)).stdout
    assert md.count("page-break-before: always") == 1
    assert md.index("page-break-before") < md.index("## Problem 2")
    plain = run("key", _set(tmp_path, TWO.format(one="", two=""))).stdout
    assert "page-break" not in plain


# --- the worksheet's symbolic check ------------------------------------------------------------


def test_worksheets_leave_the_check_out_unless_asked(run, tmp_path):
    key = run("key", HOMEWORK).stdout
    assert key.count("### Symbolic check") == 5
    sheet = run("key", HOMEWORK, "--worksheet").stdout
    assert "Symbolic check" not in sheet
    tex = run("key", HOMEWORK, "--worksheet", "--format", "latex").stdout
    assert "Symbolic check" not in tex
    text = TWO.format(one="worksheet_check = true\n", two="")
    sheet = run("key", _set(tmp_path, text), "--worksheet").stdout
    first, second = sheet.split("## Problem 2")
    assert "### Symbolic check" in first and "Symbolic check" not in second
    assert "| ∂f/∂x | | | | |" in first  # blank: for a student who differentiates by hand
    tex = run("key", _set(tmp_path, text), "--worksheet", "--format", "latex").stdout
    assert tex.count(r"\textbf{Symbolic check}") == 1


# --- key and worksheet in one run ---------------------------------------------------------------


def test_key_and_worksheet_in_one_run(run, tmp_path):
    key, sheet = tmp_path / "key.tex", tmp_path / "worksheet.tex"
    result = run("key", HOMEWORK, "-o", str(key), "--worksheet-output", str(sheet))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert key.read_text(encoding="utf-8") == run("key", HOMEWORK, "--format", "latex").stdout
    assert sheet.read_text(encoding="utf-8") == run(
        "key", HOMEWORK, "--format", "latex", "--worksheet").stdout


def test_worksheet_output_formats(run, tmp_path):
    sheet = tmp_path / "ws.md"
    result = run("key", HOMEWORK, "--worksheet-output", str(sheet))  # the key to stdout
    assert result.exit_code == 0, result.stderr
    assert result.stdout == run("key", HOMEWORK).stdout
    assert sheet.read_text(encoding="utf-8") == run("key", HOMEWORK, "--worksheet").stdout
    # each file's name implies its format; --format sets both
    result = run("key", HOMEWORK, "-o", str(tmp_path / "k.md"),
                 "--worksheet-output", str(tmp_path / "w.tex"))
    assert result.exit_code == 0
    assert (tmp_path / "w.tex").read_text(encoding="utf-8").startswith(r"\documentclass")
    assert (tmp_path / "k.md").read_text(encoding="utf-8").startswith("# Homework 3")
    result = run("key", HOMEWORK, "--format", "latex", "--fragment",
                 "--worksheet-output", str(tmp_path / "w2.txt"))
    assert r"\documentclass" not in (tmp_path / "w2.txt").read_text(encoding="utf-8")
    assert r"\adblank[" in (tmp_path / "w2.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("args,message", [
    (["--worksheet", "--worksheet-output", "{tmp}/w.md"],
     "--worksheet-output writes the worksheet beside the key"),
    (["-o", "{tmp}/same.md", "--worksheet-output", "{tmp}/same.md"],
     "-o and --worksheet-output are the same file"),
    (["--worksheet-output", "{tmp}/no/such/dir/w.md"], "cannot write"),
])
def test_worksheet_output_errors(run, tmp_path, args, message):
    result = run("key", HOMEWORK, *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_help_lists_the_new_keys_and_the_option(run):
    out = run("key", "--help").stdout
    for text in ("--worksheet-output", "points", "new_page", "worksheet_check"):
        assert text in out


# --- the file's comments -----------------------------------------------------------------------


def test_comments_of_a_program_file_stay_out_of_the_key(run):
    """samples/lighthouse.txt starts with a comment giving its source, point and an option
    to run it with: that is a note to the file's reader, not part of the function."""
    source = (SAMPLES / "lighthouse.txt").read_text(encoding="utf-8")
    assert source.startswith("# Griewank") and "--out y1,y2" in source
    for args in ((), ("--worksheet",)):
        md = run("key", str(SAMPLES / "reverse.toml"), *args).stdout
        assert "--out" not in md and "Griewank & Walther, Evaluating" not in md
        problem2 = md.split("## Problem 2")[1].split("## Problem 3")[0]
        assert "```\ny1 = nu*tan(omega*t)/(gamma - tan(omega*t))\ny2 = gamma*y1\n```" in problem2
    tex = run("key", str(SAMPLES / "reverse.toml"), "--format", "latex").stdout
    assert "--out" not in tex


def test_a_one_line_formula_with_a_comment_is_inline(run, tmp_path):
    (tmp_path / "f.txt").write_text("# from the book, at x = 1\nx*sin(x)  # the product\n")
    text = '[[problem]]\nformula = "@f.txt"\nat = "x=1"\nmode = "forward"\n'
    md = run("key", _set(tmp_path, text)).stdout
    assert "Function: `x*sin(x)`" in md and "from the book" not in md and "product" not in md


# --- the LaTeX layout --------------------------------------------------------------------------


def test_a_problem_opening_is_kept_with_its_first_table(run):
    tex = run("key", HOMEWORK, "--format", "latex").stdout
    preamble, body = tex.split(r"\begin{document}")
    assert r"\providecommand{\adproblem}[2]" in preamble and r"\providecommand{\adneed}" in preamble
    for k in range(1, 6):
        opening = body.split(rf"\adproblem{{Problem {k} (")[1]
        statement, after = opening.split("\n}\n", 1)
        # no page break between the paragraphs of the statement, nor before the first table
        assert statement.count(r"\par\nopagebreak") == statement.count("\n\n")
        assert after.startswith(r"\begin{adtable}")
    assert r"\section*" not in body and body.count(r"\begin{center}") == 1  # the title


def test_graphs_are_never_turned(run):
    for args in ((), ("--worksheet",)):
        tex = run("key", HOMEWORK, "--format", "latex", *args).stdout
        assert r"\rotatebox" not in tex and r"\clearpage" not in tex
        assert r"\adgraph{" in tex


def test_deep_graphs_flow_down_the_page_at_full_size():
    """Graphs several levels deep, too wide for the line when they flow right, flow down
    in a key or worksheet and print at their natural size; ``adtrace graph`` keeps the
    rightward picture."""
    from adtrace import key
    from adtrace.render.latex import tikz

    deep = [("tanh(x1*w1 + x2*w2 + b)", "x1=2,x2=0,w1=-3,w2=1,b=0.88", {}),
            ("ln(x1) + x1*x2 - sin(x2)", "x1=2,x2=5", {"labels": "h"})]
    from adtrace.api import trace
    from adtrace.graph import graph_of_trace

    for formula, at, options in deep:
        t = trace(formula, at, mode="reverse", **options)
        for ws in (None, key.Worksheet()):
            g = graph_of_trace(t, 0)
            if ws is not None:
                g = key.blank_graph(g, rules=False, primal=False)
            columns = tikz._order(g)
            right = tikz._right(g, columns).scale(tikz.PAGE)
            assert right < 0.7  # flowing right, it would print too small
            assert tikz._down(g, columns).scale(tikz.PAGE) > max(0.8, 1.5 * right)
            picture = tikz.picture(g, page=tikz.PAGE)
            assert "adtlabel/.style" in picture and "node[adtpartial]" not in picture
            assert "adtlabel" not in tikz.picture(g)  # adtrace graph --format tikz
    g = graph_of_trace(trace("x1*x2", "x1=2,x2=3", mode="reverse"), 0)
    assert "adtlabel" not in tikz.picture(g, page=tikz.PAGE)  # it fits flowing right


def test_worksheet_blanks_fit_their_answers(run, tmp_path):
    """The row w̄4 = ȳ1·(-w3/w4²) = 1·(-2.2313/0.3844²) of the lighthouse: each column's
    lines are as long as its longest answer needs (the same length down the column), and
    the lines of a graph are longer than a word's width."""
    text = ('[[problem]]\nformula = "@' + str(SAMPLES / "lighthouse.txt") + '"\n'
            'at = "nu=2,gamma=1.5,omega=0.4,t=2.1"\nout = "y1,y2"\nmode = "reverse"\n')
    key = run("key", _set(tmp_path, text)).stdout
    (answer,) = re.findall(r"\n\| w̄4 \| [^|]+ \| (1·\(-2\.2313/0\.3844[^|]*) \|", key)
    tex = run("key", _set(tmp_path, text), "--worksheet", "--format", "latex").stdout
    sweep = tex.split(r"\textbf{Adjoint sweep 1:}")[1].split(r"\end{tabular}")[0]
    rows = [r for r in sweep.splitlines() if r.count(r"\adblank[") == 3]
    assert len(rows) >= 9
    widths = {tuple(re.findall(r"\\adblank\[([\d.]+)em\]", r)) for r in rows}
    assert len(widths) == 1  # one length down each column
    rule, with_values, value = (float(w) for w in widths.pop())
    assert with_values >= 0.62 * len(answer) + 1 and rule >= 7 and value >= 4.5


def test_long_exact_forms_are_a_table_under_theirs(run, tmp_path):
    text = ('[[problem]]\nformula = "exp(sin(sin(x)))"\nat = "x=2"\nmode = "forward"\n'
            'exact = true\n')
    tex = run("key", _set(tmp_path, text), "--format", "latex").stdout
    assert "flushleft" not in tex
    sweep = tex.split(r"\textbf{Tangent sweep 1:}")[1]
    exact = sweep.split(r"\end{adtable}")[1]  # the table right after the sweep's
    assert exact.lstrip().startswith(r"\begin{adtable}")
    assert r"\multicolumn{3}{@{}l}{\textbf{Exact values}}" in exact.split(r"\end{adtable}")[0]
