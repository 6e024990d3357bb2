"""adtrace compare --format markdown, latex and csv: goldens, consistency, compilation.

The goldens are Speelpenning's product (one output, ten inputs: reverse mode wins)
and the lighthouse (four inputs, two outputs).  Regenerate with
ADTRACE_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import have_pdflatex, pdflatex

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

EXAMPLES = {
    "speelpenning": ["@" + str(SAMPLES / "speelpenning.txt"), "--at",
                     "x1=1,x2=2,x3=3,x4=4,x5=5,x6=6,x7=7,x8=8,x9=9,x10=10"],
    "lighthouse": ["@" + str(SAMPLES / "lighthouse.txt"), "--at",
                   "nu=2,gamma=1.5,omega=0.4,t=2.1", "--out", "y1,y2"],
}
SUFFIX = {"markdown": "md", "latex": "tex", "csv": "csv"}


def _compare(run, example: str, *args: str):
    result = run("compare", *EXAMPLES[example], *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_golden(run, golden, example, fmt):
    golden(f"compare/{example}.{SUFFIX[fmt]}", _compare(run, example, "--format", fmt))


def test_standalone_golden(run, golden):
    golden("compare/lighthouse.standalone.tex",
           _compare(run, "lighthouse", "--format", "latex", "--standalone"))


def test_format_choices_come_from_the_registry(run):
    from adtrace.render import COMPARE, names

    COMPARE_RENDERERS = names(COMPARE)
    assert {"table", "json", "markdown", "latex", "csv"} <= set(COMPARE_RENDERERS)
    help_text = run("compare", "--help").stdout
    for name in COMPARE_RENDERERS:
        assert name in help_text


def test_standalone_is_for_latex(run):
    result = run("compare", "x*y", "--at", "x=1,y=2", "--format", "csv", "--standalone")
    assert result.exit_code == 2
    assert "--standalone is for --format latex" in result.stderr


def test_fragment_names_its_packages(run):
    tex = _compare(run, "lighthouse", "--format", "latex")
    assert r"\documentclass" not in tex
    assert tex.splitlines()[1] == r"% needs \usepackage{amsmath,amssymb,array,booktabs,longtable}"


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_csv_rows_and_totals_match_json(run, example):
    rows = list(csv.DictReader(io.StringIO(_compare(run, example, "--format", "csv"))))
    data = json.loads(_compare(run, example, "--format", "json"))
    n, m = len(data["inputs"]), len(data["outputs"])
    for mode, sweeps in (("forward", n), ("reverse", m)):
        mine = [r for r in rows if r["mode"] == mode and r["kind"] == "sweep"]
        assert [int(r["sweep"]) for r in mine] == list(range(1, sweeps + 1))
        assert sum(int(r["operations"]) for r in mine) == data[mode]["operations"]
        for r in mine:
            assert int(r["primal"]) + int(r["multiply_adds"]) == int(r["operations"])
        (total,) = [r for r in rows if r["mode"] == mode and r["kind"] == "total"]
        assert {k: int(total[k]) for k in ("sweeps", "operations", "stored")} == data[mode]
    (cheaper,) = [r for r in rows if r["kind"] == "cheaper"]
    assert cheaper["mode"] == data["cheaper"] and cheaper["note"] == data["why"]
    for kind in ("input", "output"):
        got = [(r["id"], float(r["value"])) for r in rows if r["kind"] == kind]
        assert got == [(x["name"], x["value"]) for x in data[kind + "s"]]


def test_csv_jacobian_has_full_precision(run):
    from adtrace.compare import compare

    c = compare("@" + str(SAMPLES / "lighthouse.txt"), "nu=2,gamma=1.5,omega=0.4,t=2.1",
                out="y1,y2")
    rows = list(csv.DictReader(io.StringIO(_compare(run, "lighthouse", "--format", "csv"))))
    entries = {(r["id"], r["wrt"]): r["value"] for r in rows if r["kind"] == "derivative"}
    view = c.jacobian
    assert len(entries) == len(view.outputs) * len(view.inputs)
    for i, o in enumerate(view.outputs):
        for j, x in enumerate(view.inputs):
            assert float(entries[(o, x)]) == view.entries[i][j]  # exactly: the shortest repr
    assert entries[("y1", "nu")] == repr(view.entries[0][0])


def test_markdown_and_latex_show_the_table_numbers(run):
    table = _compare(run, "lighthouse")
    md = _compare(run, "lighthouse", "--format", "markdown")
    tex = _compare(run, "lighthouse", "--format", "latex")
    for number in ("68", "26", "95.7178", "-16.8492", "143.5767", "2.8422e-14"):
        assert number in table and number in md
    assert "| operations | 68 | | 26 | |" in md
    assert "|:--|--:|:--|--:|:--|" in md  # counts right-aligned, as numbers are everywhere
    assert "| reverse | adjoint sweep 2 | y2 | 0 | 11 | 11 |" in md
    assert "operations & 68 &  & 26 &  \\\\" in tex
    assert r"\partial/\partial \omega" in tex and "143 & .5767" in tex  # decimal-aligned
    assert r"2.8422 \cdot 10^{-14}" in tex or "2.8422e-14" in tex


def test_latex_escapes_text(run):
    tex = _compare(run, "speelpenning", "--format", "latex")
    assert r"(n $\gg$ m)" in tex  # the sentence's symbols are typeset, not passed raw
    body = "\n".join(line for line in tex.splitlines() if not line.startswith("%"))
    assert "≫" not in body and "∂" not in body and "·" not in body
    tex = _compare(run, "lighthouse", "--format", "latex")
    assert r"(n \textgreater{} m)" in tex


def test_one_implementation_for_compare_and_keys(run):
    """The key's compare problems are the command's sections, without the counting rules."""
    from adtrace import key, problems
    from adtrace.render import latex, markdown

    pset = problems.load_problem_set(str(SAMPLES / "compare.toml"))
    sol = key.solve(pset.problems[0])
    md = key.problem_section(sol, "markdown")
    body = markdown.compare_sections(sol.comparison, level=3, rules=False)
    assert "\n".join(md).endswith("\n".join(body))
    tex = key.problem_section(sol, "latex")
    assert "\n".join(tex).endswith("\n".join(latex.compare_sections(sol.comparison,
                                                                     rules=False)))
    command = _compare(run, "speelpenning", "--format", "markdown")
    assert "\n".join(markdown.compare_sections(sol.comparison, level=2)) in command


def test_worksheet_leaves_the_counts_blank():
    from adtrace import key, problems
    from adtrace.render import latex, markdown

    pset = problems.load_problem_set(str(SAMPLES / "compare.toml"))
    c = key.solve(pset.problems[2]).comparison  # the lighthouse
    md = "\n".join(markdown.compare_sections(c, worksheet=True, rules=False))
    for computed in ("68", "26", "95.7", "reverse mode gets"):
        assert computed not in md
    assert "| forward | tangent sweep 3 | omega | | | |" in md
    tex = "\n".join(latex.compare_sections(c, worksheet=True, rules=False))
    assert "68" not in tex and r"\adblank" in tex and r"$\omega$" in tex


def test_many_sweeps_are_elided_and_large_jacobians_left_to_csv(run):
    formula = "+".join(f"x{k}" for k in range(1, 251))
    at = ",".join(f"x{k}=1" for k in range(1, 251))
    md = run("compare", formula, "--at", at, "--format", "markdown").stdout
    assert "… 90 more sweeps …" in md
    assert md.count("| forward | tangent sweep") == 160
    formula = "; ".join(f"y{k} = x{k}*x{(k % 50) + 1}" for k in range(1, 51))
    at = ",".join(f"x{k}=1" for k in range(1, 51))
    md = run("compare", formula, "--at", at, "--format", "markdown").stdout
    assert "50 × 50 entries: too many to show here" in md  # 2,500 entries: left to CSV
    rows = list(csv.DictReader(io.StringIO(
        run("compare", formula, "--at", at, "--format", "csv").stdout)))
    assert sum(r["kind"] == "derivative" for r in rows) == 2_500


# --- the PDF ------------------------------------------------------------------------------------


@pytest.mark.skipif(not have_pdflatex(), reason="pdflatex is not installed")
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_standalone_latex_compiles(run, tmp_path, example):
    (tmp_path / "c.tex").write_text(_compare(run, example, "--format", "latex", "--standalone"),
                                    encoding="utf-8")
    assert pdflatex(tmp_path, "c") > 5_000
