"""adtrace key: problem sets to answer keys and worksheets (Markdown and LaTeX)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

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
        assert "## Problem 1" in result.stdout or r"\section*{Problem 1}" in result.stdout


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
    assert "```\n# two outputs\na = x*y\nb = sin(a)\nc = a + b\n```" in md


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
    assert "| operations |" in result.stdout and "Cheaper: reverse" in result.stdout
    tex = run("key", str(SAMPLES / "compare.toml"), "--format", "latex").stdout
    assert r"\textbf{Jacobian}" in tex


def test_problem_section_is_the_hook_for_more_parts(monkeypatch):
    from adtrace import key

    pset = key.load_problem_set(HOMEWORK)
    sols = [key.solve(p) for p in pset.problems[:1]]
    monkeypatch.setattr(key, "PARTS", key.PARTS + [lambda sol, fmt, ws: ["EXTRA PART"]])
    text = key.render_key(pset, sols, "markdown")
    assert text.count("EXTRA PART") == 1


# --- the PDF ------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("worksheet", [False, True])
def test_latex_key_compiles(run, tmp_path, worksheet):
    args = ["key", HOMEWORK, "--format", "latex"] + (["--worksheet"] if worksheet else [])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    (tmp_path / "key.tex").write_text(result.stdout, encoding="utf-8")
    for _ in range(2):  # twice, as longtable settles its column widths
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                               "key.tex"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stdout[-3000:]
    log = (tmp_path / "key.log").read_text(errors="replace")
    assert "Overfull" not in log, re.findall(r"Overfull.*", log)
    assert (tmp_path / "key.pdf").stat().st_size > 10_000
