"""The PDF of a key and of a worksheet: right after ONE pdflatex run, and laid out as a
teacher would hand them out (no heading stranded from its table, no page left mostly
blank, nothing turned sideways).  Nine problems as a course would set them, with long
tables (longtables), graphs several levels deep and long exact forms."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import have_poppler, have_tikz, pdf_pages, pdf_rules, pdf_words, pdflatex

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

pytestmark = pytest.mark.skipif(not (have_tikz() and have_poppler()),
                                reason="pdflatex with TikZ (pgf), or poppler, is not installed")

COURSE = f"""
title = "Automatic differentiation: nine problems"
course = "Deep learning, week 4"

[[problem]]
statement = "micrograd's neuron: the gradient with respect to every weight and the bias."
formula = "tanh(x1*w1 + x2*w2 + b)"
at = "x1=2,x2=0,w1=-3,w2=1,b=6.8813735870195432"
mode = "reverse"
graph = true
points = 4

[[problem]]
statement = "CS231n's sigmoid circuit, by reverse mode, with exact values."
formula = "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))"
at = "w0=2,x0=-1,w1=-3,x1=-2,w2=-3"
mode = "reverse"
exact = true

[[problem]]
statement = "The max gate routes the gradient."
formula = "tanh(x1*max(cos(x3), x1 - x3, x2)*ln(0.75))"
at = "x1=0.5,x2=0.1,x3=0.2"
mode = "reverse"

[[problem]]
statement = "Baydin et al. (2018), Tables 2 and 3, with the hierarchy of labels."
formula = "ln(x1) + x1*x2 - sin(x2)"
at = "x1=2,x2=5"
mode = "both"
labels = "h"
graph = true

[[problem]]
statement = "The lighthouse of Griewank and Walther: both outputs, both modes."
formula = "@{SAMPLES / "lighthouse.txt"}"
at = "nu=2,gamma=1.5,omega=0.4,t=2.1"
out = "y1,y2"
mode = "both"

[[problem]]
statement = "A logistic-regression loss."
formula = "-(y*log(s) + (1-y)*log(1-s))"
at = "y=1,s=0.3"
mode = "reverse"
exact = true

[[problem]]
statement = "A dense layer of two tanh neurons and a squared-error loss."
formula = "@{SAMPLES / "neural_layer.txt"}"
at = "w11=0.1,w12=-0.2,w13=0.3,b1=0,w21=0.4,w22=0.1,w23=-0.5,b2=0.2"
mode = "reverse"

[[problem]]
statement = "Speelpenning's product of 20 inputs: forward or reverse?"
formula = "{'*'.join(f'x{k}' for k in range(1, 21))}"
at = "{','.join(f'x{k}={1 + k / 10}' for k in range(1, 21))}"
mode = "compare"

[[problem]]
statement = "The chain rule three functions deep, exactly."
formula = "exp(sin(sin(x)))"
at = "x=2"
mode = "both"
exact = true
"""

#: the first table of each problem, which must start on the page of its heading
FIRST_TABLE = {8: "Jacobian"}  # a comparison starts with "The whole Jacobian"
TEXT_TOP, TEXT_BOTTOM = 62.4, 779.6  # A4 with 2.2 cm margins, in pt from the top


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """key.tex and worksheet.tex of the course, written in one run of adtrace key."""
    from click.testing import CliRunner

    from adtrace.cli import cli

    folder = tmp_path_factory.mktemp("course")
    (folder / "course.toml").write_text(COURSE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["key", str(folder / "course.toml"), "-o",
                                      str(folder / "key.tex"), "--worksheet-output",
                                      str(folder / "worksheet.tex")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return {"key": folder / "key.tex", "worksheet": folder / "worksheet.tex"}


def _compile(tex: Path, folder: Path, runs: int) -> tuple[Path, str]:
    """The PDF after ``runs`` pdflatex runs in a fresh folder, and the last run's log."""
    folder.mkdir()
    shutil.copy(tex, folder / tex.name)
    pdflatex(folder, tex.stem, runs=runs)
    return folder / f"{tex.stem}.pdf", (folder / f"{tex.stem}.log").read_text(errors="replace")


@pytest.mark.parametrize("which", ["key", "worksheet"])
def test_right_after_one_run(documents, tmp_path, which):
    """Every rule and every word where three runs put them, after one; and no request to
    run again."""
    tex = documents[which]
    assert tex.read_text(encoding="utf-8").count(r"\begin{longtable}") >= 4
    once, log = _compile(tex, tmp_path / "once", 1)
    thrice, _ = _compile(tex, tmp_path / "thrice", 3)
    assert "Rerun" not in log and "have changed" not in log
    rules = pdf_rules(once)
    assert len(rules) > 100
    assert rules == pdf_rules(thrice)
    assert pdf_words(once) == pdf_words(thrice)


def test_the_comparison_can_fail(documents, tmp_path):
    """The same key without the rows that measure each longtable's columns: after one run
    its rules are not where three runs put them (what the test above would catch)."""
    text = documents["key"].read_text(encoding="utf-8")
    bare = re.sub(r"% the widest entry of each column[^\n]*\n[^\n]*\\kill\n", "", text)
    assert bare.count(r"\kill") == 0 < text.count(r"\kill")
    (tmp_path / "bare.tex").write_text(bare, encoding="utf-8")
    once, log = _compile(tmp_path / "bare.tex", tmp_path / "once", 1)
    thrice, _ = _compile(tmp_path / "bare.tex", tmp_path / "thrice", 3)
    assert "Rerun" in log
    assert pdf_rules(once) != pdf_rules(thrice)


def _headings(words: list[tuple[str, float, float, float, float]]) -> list[tuple[int, float]]:
    """(problem number, y) of each ``Problem N`` heading on a page."""
    return [(int(words[k + 1][0]), w[2]) for k, w in enumerate(words[:-1])
            if w[0] == "Problem" and words[k + 1][0].isdigit() and w[3] - w[1] > 40]


@pytest.mark.parametrize("which", ["key", "worksheet"])
def test_pages_as_a_teacher_hands_them_out(documents, tmp_path, which):
    pdf, _ = _compile(documents[which], tmp_path / "once", 1)
    pages = pdf_pages(pdf)
    seen = []
    for page in range(1, pages + 1):
        words = pdf_words(pdf, page)
        body = [w for w in words if w[4] < TEXT_BOTTOM + 5]  # not the page number
        # a heading and its statement start their problem's first table on their page
        for number, y in _headings(body):
            first = FIRST_TABLE.get(number, "Primal")
            assert any(w[0] == first and w[2] > y for w in body), (which, page, number)
            seen.append(number)
        # no page left mostly blank (a graph pushed to a page of its own, turned)
        if page < pages:
            bottom = max(w[4] for w in body)
            assert (bottom - TEXT_TOP) / (TEXT_BOTTOM - TEXT_TOP) > 0.4, (which, page)
        # nothing turned sideways: every word reads along the line (digits alone may be a
        # subscript with an exponent over it, x_{13}^{2}, which stand one above the other)
        for w in words:
            if len(w[0]) >= 3 and not w[0].isdigit():
                assert w[3] - w[1] > w[4] - w[2], (which, page, w)
    assert seen == list(range(1, 10))
    if which == "worksheet":
        text = " ".join(w[0] for p in range(1, pages + 1) for w in pdf_words(pdf, p))
        assert "Symbolic" not in text and "SymPy" not in text


def test_key_and_worksheet_fragments_in_one_document(documents, tmp_path):
    """Both fragments ``\\input`` into one document of the teacher's: each provides the
    macros it uses, and the second finds them defined already."""
    from click.testing import CliRunner

    from adtrace.cli import cli

    course = documents["key"].parent / "course.toml"
    result = CliRunner().invoke(cli, ["key", str(course), "--fragment", "-o",
                                      str(tmp_path / "k.tex"), "--worksheet-output",
                                      str(tmp_path / "w.tex")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    first = (tmp_path / "k.tex").read_text(encoding="utf-8").splitlines()[0]
    packages = re.fullmatch(r"% needs \\usepackage\{(.*)\}", first).group(1)  # type: ignore[union-attr]
    (tmp_path / "both.tex").write_text(
        "\\documentclass{article}\n\\usepackage[a4paper,margin=2.2cm]{geometry}\n"
        f"\\usepackage{{{packages}}}\n\\begin{{document}}\n\\input{{k}}\n\\clearpage\n"
        "\\input{w}\n\\end{document}\n", encoding="utf-8")
    pdflatex(tmp_path, "both", overfull=True)
    assert pdf_pages(tmp_path / "both.pdf") > 20
