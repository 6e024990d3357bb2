"""The symbolic check laid out in every format: the derivative in the rows' notation, a
long one wrapping under itself while the values keep their columns, the columns named,
and LaTeX that typesets every derivative and compiles."""

from __future__ import annotations

import json

import pytest
from helpers import have_pdflatex, pdflatex
from rich.cells import cell_len

from adtrace import trace
from adtrace.printer import RowPrinter
from adtrace.render import render as render_trace
from adtrace.render.common import CHECK_LEGEND, STEP_LEGEND, wrap_formula

LOSS = "s = 1/(1 + exp(-(w*x + b))); L = -(y*log(s) + (1 - y)*log(1 - s))"
LOSS_AT = "w=2,x=-1,b=0.5,y=1"
LONG = ("sin(x1*x2)*cos(x2*x3)*exp(x3*x4)*sqrt(x4^2 + x1^2) + "
        "atan(x1/x4)*ln(x1 + x2 + x3 + x4)*sinh(x1*x2*x3*x4)")
LONG_AT = "x1=1,x2=2,x3=0.5,x4=3"
MAXMIN = "tanh(x1*max(cos(x3), x1 - x3, x2)*ln(0.75)) + x3^2*abs(x1)"
MAXMIN_AT = "x1=0.5,x2=0.1,x3=0.2"


@pytest.mark.parametrize("name,formula,at,mode", [
    ("logistic", LOSS, LOSS_AT, "reverse"),
    ("maxmin", MAXMIN, MAXMIN_AT, "reverse"),
])
@pytest.mark.parametrize("fmt,suffix", [("table", "txt"), ("markdown", "md"), ("latex", "tex")])
def test_check_golden(golden, name, formula, at, mode, fmt, suffix):
    t = trace(formula, at, mode=mode)
    golden(f"check/{name}.{suffix}", render_trace(t, fmt, width=80))


def _check_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("Symbolic check"))
    return lines[start + 1:]


def test_a_long_derivative_wraps_under_itself_and_the_values_keep_their_columns():
    t = trace(LONG, LONG_AT, mode="reverse")
    lines = _check_lines(render_trace(t, "table", width=80))
    assert all(cell_len(line) <= 80 for line in lines)
    head = lines[0]
    value_col, ad_col = head.index("at the point"), head.index("AD")
    formula_col = head.index("SymPy's derivative")
    printer = RowPrinter(t.labels, digits=t.digits)
    entries = iter(t.check.entries)
    pieces: list[str] = []
    wrapped = 0
    for line in lines[1:]:
        if line.startswith(CHECK_LEGEND):
            break
        if line.startswith("∂"):  # an entry's first line: the values in their columns
            e = next(entries)
            assert line[value_col - 2:].startswith("= " + printer.number(e.value))
            assert line[ad_col:].startswith(printer.number(e.ad))
            assert line.rstrip().endswith("✓")
            pieces = [line[formula_col:value_col - 2].strip()]
        else:  # a continuation: the formula only, indented under the formula
            wrapped += 1
            assert line[:formula_col + 2].strip() == "" and line[formula_col + 2] != " "
            assert cell_len(line.rstrip()) <= value_col - 2
            pieces.append(line.strip())
        if len("".join(pieces).replace(" ", "")) == len(e.symbolic.replace(" ", "")):
            assert "".join(pieces).replace(" ", "") == e.symbolic.replace(" ", "")
    assert wrapped >= 8 and next(entries, None) is None


def test_wrapping_breaks_between_terms_never_inside_a_name_or_number():
    formula = ("alpha12·exp(beta3·x1)/(gamma + 3/4) - ln(1 - 1/(exp(-b - w·x) + 1)) + "
               "max(x1, x2)·sqrt(x1^2 + x2^2)")
    for width in range(12, 60):
        lines = wrap_formula(formula, width)
        assert "".join(lines).replace(" ", "") == formula.replace(" ", "")
        for line in lines:
            for word in ("alpha12", "beta3", "3/4", "exp(", "sqrt(", "max("):
                assert not line.rstrip().endswith(word[:-1]) or word[-1] != "("
        joined = " ".join(line.strip() for line in lines)
        assert "3/4" in joined and "alpha12" in joined


def test_a_narrow_terminal_gives_each_derivative_lines_of_its_own():
    t = trace(LOSS, LOSS_AT, mode="reverse")
    lines = _check_lines(render_trace(t, "table", width=30))
    assert all(cell_len(line) <= 30 for line in lines if not line.startswith(("AD", "note")))
    assert any(line.startswith("    = ") and "AD" in line for line in lines)


def test_the_columns_are_named_and_ad_explained_in_every_format():
    t = trace(MAXMIN, MAXMIN_AT, mode="reverse")
    for fmt in ("table", "markdown", "latex"):
        out = render_trace(t, fmt, width=80)
        assert "SymPy's derivative" in out and "automatic differentiation" in out, fmt
        assert "unit step" in out, fmt  # the derivative of max uses H
    plain = trace("x1*x2", "x1=2,x2=3", mode="forward")
    out = render_trace(plain, "table", width=80)
    assert CHECK_LEGEND in out and STEP_LEGEND not in out


def test_json_and_csv_keep_their_fields_in_the_rows_notation():
    t = trace(LOSS, LOSS_AT, mode="reverse")
    doc = json.loads(render_trace(t, "json"))
    entry = {e["input"]: e for e in doc["check"]["entries"]}["b"]
    assert entry["symbolic"] == "1 - y - 1/(exp(b + w·x) + 1)"
    csv = render_trace(t, "csv")
    assert "1 - y - 1/(exp(b + w·x) + 1)" in csv and "**" not in csv


def test_latex_typesets_every_derivative():
    for formula, at in ((LOSS, LOSS_AT), (LONG, LONG_AT), ("x1*x2", "x1=2,x2=3")):
        out = render_trace(trace(formula, at, mode="reverse"), "latex")
        check = out[out.index("Symbolic check"):]
        assert r"\texttt" not in check and r"\theta" not in check and "**" not in check
    out = render_trace(trace(LONG, LONG_AT, mode="reverse"), "latex")
    assert r"\textit{SymPy's derivatives:}" in out
    assert out.count(r"\hangindent=2em\hangafter=1 $\displaystyle \partial f/\partial x_{") == 4


@pytest.mark.skipif(not have_pdflatex(), reason="pdflatex is not installed")
def test_a_key_with_long_derivatives_compiles(run, tmp_path):
    (tmp_path / "long.toml").write_text(f'''
title = "Long derivatives"
[[problem]]
formula = "{LOSS}"
at = "{LOSS_AT}"
mode = "reverse"
[[problem]]
formula = "{LONG}"
at = "{LONG_AT}"
mode = "reverse"
[[problem]]
formula = "{MAXMIN}"
at = "{MAXMIN_AT}"
mode = "reverse"
''', encoding="utf-8")
    result = run("key", str(tmp_path / "long.toml"), "--format", "latex", "-o",
                 str(tmp_path / "key.tex"))
    assert result.exit_code == 0, result.stderr
    assert r"\texttt" not in (tmp_path / "key.tex").read_text(encoding="utf-8")
    assert pdflatex(tmp_path, "key", runs=1) > 10_000  # no overfull box: the lines break


def test_the_ascii_notation_keeps_the_columns():
    from adtrace.notation import ascii_notation

    with ascii_notation():
        t = trace(LONG, LONG_AT, mode="reverse")
        lines = _check_lines(render_trace(t, "table", width=80))
    assert all(line.isascii() and cell_len(line) <= 80 for line in lines)
    assert sum(line.rstrip().endswith(" ok") for line in lines) == 4
    assert any(line.lstrip().startswith("*") for line in lines)  # a break before a product
