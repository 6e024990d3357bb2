"""--format markdown, latex and csv (and json/table with --exact): goldens and consistency.

The goldens are Baydin et al.'s example (Tables 2 and 3, with --labels v) and the
Wikipedia example, in every format.  Regenerate with ADTRACE_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import have_pdflatex, pdflatex

BAYDIN = "ln(x1) + x1*x2 - sin(x2)"
WIKI = "x1*x2 + sin(x1)"

EXAMPLES = {
    "baydin_forward": ("forward", BAYDIN, "--at", "x1=2,x2=5", "--labels", "v", "--wrt", "x1"),
    "baydin_reverse": ("reverse", BAYDIN, "--at", "x1=2,x2=5", "--labels", "v"),
    "wikipedia_forward": ("forward", WIKI, "--at", "x1=2,x2=3"),
    "wikipedia_reverse": ("reverse", WIKI, "--at", "x1=2,x2=3"),
}
FORMATS = {  # golden suffix -> extra options
    "md": ("--format", "markdown"),
    "tex": ("--format", "latex"),
    "csv": ("--format", "csv"),
    "exact.md": ("--format", "markdown", "--exact"),
    "exact.tex": ("--format", "latex", "--exact"),
    "exact.csv": ("--format", "csv", "--exact"),
    "exact.json": ("--format", "json", "--exact"),
    "exact.txt": ("--format", "table", "--exact"),
}
CASES = [(example, suffix) for example in EXAMPLES for suffix in FORMATS]


@pytest.mark.parametrize("example,suffix", CASES)
def test_golden(run, golden, example, suffix):
    result = run(*EXAMPLES[example], *FORMATS[suffix])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(f"formats/{example}.{suffix}", result.stdout)


def test_standalone_golden(run, golden):
    result = run(*EXAMPLES["baydin_reverse"], "--format", "latex", "--standalone", "--exact")
    assert result.exit_code == 0, result.stderr
    golden("formats/baydin_reverse.standalone.tex", result.stdout)
    assert result.stdout.count(r"\begin{document}") == 1
    assert result.stdout.rstrip().endswith(r"\end{document}")


def test_format_choices_come_from_the_registry():
    from adtrace.cli import TRACE_FORMATS as CLI_FORMATS
    from adtrace.render import TRACE, names

    RENDERERS = names(TRACE)
    assert CLI_FORMATS == tuple(RENDERERS)
    assert {"table", "json", "markdown", "latex", "csv"} <= set(RENDERERS)


def test_every_format_offers_what_the_registry_says():
    """A format is one module and one line of the registry: the module has what the line
    promises (DocumentFormat lists the pieces of a document)."""
    from adtrace.render import COMPARE, DOCUMENT, FORMATS, GRAPH, TRACE, DocumentFormat, load

    needs = {TRACE: ["render"], COMPARE: ["compare"], GRAPH: ["graph"],
             DOCUMENT: [name for name in vars(DocumentFormat) if not name.startswith("_")]}
    assert "figure" in needs[DOCUMENT]
    for name, fmt in FORMATS.items():
        for offer in fmt.offers:
            module = load(name, offer)
            for function in needs[offer]:
                assert callable(getattr(module, function, None)), (name, function)


def test_standalone_is_for_latex(run):
    result = run(*EXAMPLES["wikipedia_forward"], "--format", "markdown", "--standalone")
    assert result.exit_code == 2
    assert "--standalone is for --format latex" in result.stderr


# --- the same numbers in every format -----------------------------------------------------------


def _csv(run, *args: str) -> list[dict[str, str]]:
    result = run(*args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _json(run, *args: str) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_csv_carries_the_json_numbers(run, example):
    args = EXAMPLES[example]
    rows = _csv(run, *args, "--exact")
    doc = _json(run, *args, "--exact")
    primal = {r["id"]: r for r in rows if r["sweep"] == "0" and r["kind"] in ("input", "primal")}
    for node in doc["inputs"] + doc["nodes"]:
        assert float(primal[node["id"]]["value"]) == node["value"]
        assert primal[node["id"]]["exact"] == node["exact"]
    for k, sweep in enumerate(doc["sweeps"], start=1):
        steps = [r for r in rows if r["sweep"] == str(k) and r["kind"] in ("tangent", "adjoint")]
        assert [r["id"] for r in steps] == [s["id"] for s in sweep["steps"]]
        assert [float(r["value"]) for r in steps] == [s["value"] for s in sweep["steps"]]
        assert [r["exact"] for r in steps] == [s["exact"] for s in sweep["steps"]]
    derivs = {(r["id"], r["wrt"]): float(r["value"]) for r in rows if r["kind"] == "derivative"}
    for out, d in doc["derivatives"].items():
        for inp, value in d.items():
            assert derivs[(out, inp)] == value
    checks = [r for r in rows if r["kind"] == "check"]
    assert [c["rule"] for c in checks] == [e["symbolic"] for e in doc["check"]["entries"]]
    assert all(c["note"] == "agree" for c in checks)


def test_csv_has_one_row_per_step_and_a_fixed_header(run):
    result = run(*EXAMPLES["baydin_reverse"], "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == "mode,sweep,kind,id,lhs,rule,substituted,value,exact,wrt,note"
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    adjoint = [r for r in rows if r["kind"] == "adjoint"]
    # Baydin's Table 3: eight contributions, two of them accumulations
    assert len(adjoint) == 8
    assert [r["id"] for r in adjoint if "accumulates" in r["note"]] == ["v0", "v-1"]
    assert "\r" not in result.stdout


def test_markdown_and_latex_show_the_table_numbers(run):
    table = run(*EXAMPLES["baydin_reverse"]).stdout
    md = run(*EXAMPLES["baydin_reverse"], "--format", "markdown").stdout
    tex = run(*EXAMPLES["baydin_reverse"], "--format", "latex").stdout
    for number in ("0.6931", "10.6931", "11.6521", "-0.2837", "1.7163", "5.5"):
        assert number in table and number in md
        whole, _, frac = number.partition(".")
        assert f"{whole} & .{frac}" in tex if frac else number in tex


# --- escaping -----------------------------------------------------------------------------------


def test_markdown_escapes_cells_and_keeps_the_formula_verbatim():
    from adtrace.render.markdown import code, escape, text_with_math

    assert escape("a|b*c_d") == r"a\|b\*c\_d"
    assert code("x*y") == "`x*y`"
    assert code("a`b") == "``a`b``"
    assert code("a|b") == r"`a\|b`"
    assert text_with_math(r"Find $\partial f$ for 5% of a*b") == \
        r"Find $\partial f$ for 5% of a\*b"
    assert text_with_math(r"costs \$5") == r"costs \$5"


def test_latex_escapes_text():
    from adtrace.render.latex import escape, text_with_math

    assert escape("50% & {x_1} #2 ~ ^ \\") == \
        r"50\% \& \{x\_1\} \#2 \textasciitilde{} \^{} \textbackslash{}"
    assert escape("ẋ1 ∂f") == r"$\dot{x}$1 $\partial$f"
    assert escape("α ü") == r"$\alpha$ ü"
    assert escape("⊕") == "?"
    assert text_with_math(r"the $\partial f/\partial x_1$ of 5%") == \
        r"the $\partial f/\partial x_1$ of 5\%"


@pytest.mark.parametrize("name,latex", [
    ("x_1", "x_{1}"), ("alpha", r"\alpha"), ("lr", r"\mathrm{lr}"), ("x1", "x_{1}"),
])
def test_latex_names(run, name, latex):
    result = run("reverse", f"{name}*y + sin({name})", "--at", f"{name}=1,y=2",
                 "--format", "latex")
    assert result.exit_code == 0, result.stderr
    assert rf"\bar{{{latex.split('_')[0]}}}" in result.stdout
    assert f"= {latex} y + " in result.stdout


def test_accumulation_is_written_as_the_textbook_writes_it(run):
    tex = run(*EXAMPLES["baydin_reverse"], "--format", "latex").stdout
    assert r"\bar{v}_{0} & $=$ & \bar{v}_{0} + \bar{v}_{2} v_{-1}" in tex
    assert r"\dot{v}_{1}" in run(*EXAMPLES["baydin_forward"], "--format", "latex").stdout


def test_output_is_deterministic(run):
    for fmt in ("markdown", "latex", "csv"):
        first = run(*EXAMPLES["baydin_reverse"], "--format", fmt, "--exact").stdout
        assert first == run(*EXAMPLES["baydin_reverse"], "--format", fmt, "--exact").stdout


@pytest.mark.skipif(not have_pdflatex(), reason="pdflatex is not installed")
def test_standalone_latex_compiles(run, tmp_path: Path):
    result = run(*EXAMPLES["baydin_reverse"], "--format", "latex", "--standalone", "--exact")
    (tmp_path / "t.tex").write_text(result.stdout, encoding="utf-8")
    pdflatex(tmp_path, "t")
