r"""``--format latex``: LaTeX to ``\input``, or a whole document (``--standalone``).

Everything printed in LaTeX: a trace (:func:`render`), forward against reverse mode
(:func:`compare`), the computational graph as a TikZ picture (:func:`graph`, which
``adtrace graph --format tikz`` prints), and the pieces of an ``adtrace key`` document
listed by :class:`adtrace.render.DocumentFormat`.  A fragment needs
``\usepackage{amsmath,amssymb,array,booktabs,longtable}`` in the including document
(its first lines say so); a key that draws graphs also needs ``graphicx`` and ``tikz``.

The pieces: ``escaping`` (text, prose with ``$...$`` math), ``function`` (the function
typeset from the program), ``tables`` (the booktabs layout), ``traces`` (a trace's
tables), ``comparison`` (the two modes compared), ``tikz`` (the graph).
"""

from __future__ import annotations

from typing import Any

from ...compare import Comparison
from ...graph import Graph
from ...program import Program
from ...tracing import Sweep, Trace
from ..common import one_line
from .comparison import compare_sections
from .escaping import comment, escape, text_with_math
from .function import formula_block, point_latex
from .tables import TABLE_MACROS
from .tikz import picture
from .traces import seed_latex, trace_sections

__all__ = ["render", "compare", "graph", "title", "heading", "paragraph", "text", "sweep_seed",
           "formula", "point", "trace_sections", "compare_sections", "figure", "document",
           "escape", "text_with_math"]

PACKAGES = ("amsmath", "amssymb", "array", "booktabs", "longtable")
PREAMBLE = [
    r"\documentclass[11pt]{article}",
    r"\usepackage[a4paper,margin=2.2cm]{geometry}",
    rf"\usepackage{{{','.join(PACKAGES)}}}",
    r"\setlength{\parindent}{0pt}",
    r"\setlength{\parskip}{0.6ex plus 0.3ex}",
]
#: ``\adblank``: a line to write on, for worksheets; and the tables' macros
#: (:data:`.tables.TABLE_MACROS`): every LaTeX table uses them
MACROS = [r"\providecommand{\adblank}[1][4em]{\rule[-0.6ex]{#1}{0.4pt}}", *TABLE_MACROS]
#: what a document with figures (graphs) needs besides
GRAPH_PACKAGES = ("graphicx", "tikz")
#: ``\adgraph{caption}{picture}``: the picture centred at its natural size, or scaled down
#: to fit the line width (and most of the page's height); when turning it sideways lets
#: it be printed at least 1.2 times as large, it goes on a page of its own, turned.
GRAPH_MACROS = [
    r"\ifdefined\adgraphbox\else\newsavebox{\adgraphbox}\fi",
    r"\providecommand{\adgraph}[2]{\sbox{\adgraphbox}{#2}%",
    r"  \pgfmathsetmacro{\adscale}{min(1, \linewidth/\wd\adgraphbox,"
    r" 0.8*\textheight/(\ht\adgraphbox+\dp\adgraphbox))}%",
    r"  \pgfmathsetmacro{\adturned}{min(1, 0.9*\textheight/\wd\adgraphbox,"
    r" \linewidth/(\ht\adgraphbox+\dp\adgraphbox))}%",
    r"  \ifdim\adturned pt>1.2\dimexpr\adscale pt\relax",
    r"    \clearpage\par#1\par\begin{center}\rotatebox{90}{\scalebox{\adturned}"
    r"{\usebox{\adgraphbox}}}\end{center}\clearpage",
    r"  \else",
    r"    \par#1\par\begin{center}\scalebox{\adscale}{\usebox{\adgraphbox}}\end{center}",
    r"  \fi}",
]


# --- the commands ---------------------------------------------------------------------------------


def render(t: Trace, *, standalone: bool = False, **_: Any) -> str:
    """A trace: the function and the point, then its tables."""
    body = [rf"{t.mode.capitalize()} mode for", *formula_block(t.program), rf"at {point_latex(t)}.",
            *trace_sections(t)]
    return document(body, standalone=standalone,
                    head=f"adtrace {t.mode}: {one_line(t.program.source)}")


def compare(c: Comparison, *, standalone: bool = False, **_: Any) -> str:
    """Forward against reverse mode: the function and the point, then the tables."""
    t = c.reverse_trace
    assert t is not None
    n, m = len(c.inputs), len(c.outputs)
    body = ["Forward and reverse mode compared, for the whole Jacobian of",
            *formula_block(t.program),
            rf"at {point_latex(t)}: $n = {n}$ input{'s' * (n != 1)}, $m = {m}$ "
            rf"output{'s' * (m != 1)}, {c.primal_rows:,} rows in the primal trace.",
            *compare_sections(c, digits=c.digits)]
    return document(body, standalone=standalone, head=f"adtrace compare: {one_line(c.source)}")


def graph(g: Graph, *, standalone: bool = False, **_: Any) -> str:
    """The graph as a ``tikzpicture`` (``\\usepackage{amsmath,tikz}``), or a document."""
    return picture(g, standalone=standalone)


# --- the pieces of a document (adtrace key) -------------------------------------------------------


def title(text: str, subtitle: str | None) -> list[str]:
    lines = [r"\begin{center}", rf"{{\Large\bfseries {text_with_math(text)}}}"]
    if subtitle:
        lines[-1] += r"\\[0.6ex]"
        lines.append(text_with_math(subtitle))
    return lines + [r"\end{center}"]


def heading(text: str, level: int) -> list[str]:
    """``\\section*`` for level 2 (and 1), ``\\subsection*`` for 3, ..."""
    return [rf"\{'sub' * max(0, level - 2)}section*{{{escape(text)}}}"]


def paragraph(text: str) -> list[str]:
    return [text_with_math(text), ""]


def text(text: str) -> str:
    return escape(text)


def sweep_seed(t: Trace, sweep: Sweep) -> str:
    return seed_latex(t, sweep)


def formula(program: Program) -> list[str]:
    return formula_block(program)


def point(t: Trace, what: str) -> list[str]:
    """``at x = 2; what.``: the point follows the displayed function."""
    return [rf"at {point_latex(t)}; {escape(what)}."]


def figure(title: str, caption: str, g: Graph, level: int) -> list[str]:
    """The graph in ``\\adgraph`` (:data:`GRAPH_MACROS`): scaled to fit, or turned."""
    return [rf"\adgraph{{\textbf{{{escape(title)}.}} {caption}}}{{%",
            *picture(g).rstrip("\n").splitlines(), "}"]


def document(body: list[str], *, standalone: bool = True, figures: bool = False,
             head: str | None = None) -> str:
    """``body`` as a complete document, or as a fragment to ``\\input`` that names the
    packages it needs and provides the macros it uses.  ``figures``: the body draws
    graphs; ``head``: a comment line first."""
    lines = [comment(head)] if head else []
    graph_macros = GRAPH_MACROS if figures else []
    if standalone:
        extra = [rf"\usepackage{{{','.join(GRAPH_PACKAGES)}}}"] if figures else []
        lines += [*PREAMBLE, *extra, *MACROS, *graph_macros, r"\begin{document}", *body,
                  r"\end{document}"]
    else:
        packages = PACKAGES + (GRAPH_PACKAGES if figures else ())
        lines += [comment(r"needs \usepackage{" + ",".join(packages) + "}"),
                  *MACROS, *graph_macros, *body]
    return "\n".join(lines) + "\n"
