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
from .tikz import PAGE, picture
from .traces import seed_latex, trace_sections

__all__ = ["render", "compare", "graph", "title", "problem", "paragraph", "text", "sweep_seed",
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
#: a key's page layout: ``\adneed{length}``, a new page unless this one has that much
#: room left; ``\adproblem{heading}{opening}``, a problem's heading and opening (statement,
#: function, point) on the page where what follows starts, with no page break in between
#: (unless the opening takes half a page or more: then it may break as any text does).
KEY_MACROS = [
    r"\providecommand{\adneed}[1]{\par\begingroup\dimen0=\pagegoal"
    r"\advance\dimen0 by -\pagetotal",
    r"  \ifdim\dimen0<#1\relax\ifdim\dimen0>0pt\vfil\fi\break\fi\endgroup}",
    r"\providecommand{\adkeep}{\interlinepenalty=10000 \clubpenalty=10000 "
    r"\widowpenalty=10000 \displaywidowpenalty=10000 \postdisplaypenalty=10000",
    r"  \csname @beginparpenalty\endcsname=10000 \csname @endparpenalty\endcsname=10000 }",
    r"\ifdefined\adopening\else\newsavebox{\adopening}\fi",
    r"\providecommand{\adproblem}[2]{\par\sbox{\adopening}{\vbox{\hsize=\linewidth #2\par}}%",
    r"  \ifdim\dimexpr\ht\adopening+\dp\adopening\relax<.5\textheight",
    r"    \adneed{\dimexpr\ht\adopening+\dp\adopening+12\baselineskip\relax}%",
    r"    \section*{#1}{\adkeep#2\par}\nopagebreak",
    r"  \else\adneed{12\baselineskip}\section*{#1}#2\par\fi}",
]
#: what a document with figures (graphs) needs besides
GRAPH_PACKAGES = ("graphicx", "tikz")
#: ``\adgraph{caption}{picture}``: the caption, then the picture centred on the same page,
#: at its natural size or scaled down to fit the line width and most of the page's height
#: (never turned: a page is read one way up).
GRAPH_MACROS = [
    r"\ifdefined\adgraphbox\else\newsavebox{\adgraphbox}\fi",
    r"\providecommand{\adgraph}[2]{\sbox{\adgraphbox}{#2}%",
    r"  \pgfmathsetmacro{\adscale}{min(1, \linewidth/\wd\adgraphbox,"
    r" 0.8*\textheight/(\ht\adgraphbox+\dp\adgraphbox))}%",
    r"  \par{\adkeep#1\par}\nopagebreak",
    r"  \begin{adtable}\scalebox{\adscale}{\usebox{\adgraphbox}}\end{adtable}}",
]


# --- the commands ---------------------------------------------------------------------------------


def render(t: Trace, *, standalone: bool = False, **_: Any) -> str:
    """A trace: the function and the point, then its tables."""
    body = [rf"{t.mode.capitalize()} mode for", *formula_block(t.program), rf"at {point_latex(t)}.",
            *trace_sections(t)]
    return document(body, standalone=standalone,
                    head=f"adtrace {t.mode}: {one_line(t.program.source)}", key=False)


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
    return document(body, standalone=standalone, head=f"adtrace compare: {one_line(c.source)}",
                    key=False)


def graph(g: Graph, *, standalone: bool = False, **_: Any) -> str:
    """The graph as a ``tikzpicture`` (``\\usepackage{amsmath,tikz}``), or a document."""
    return picture(g, standalone=standalone)


# --- the pieces of a document (adtrace key) -------------------------------------------------------


def title(text: str, lines: list[str]) -> list[str]:
    """The title, centred, with the lines under it (the course, the points in all)."""
    out = [r"\begin{center}", rf"{{\Large\bfseries {text_with_math(text)}}}"]
    for line in lines:
        out[-1] += r"\\[0.6ex]"
        out.append(text_with_math(line))
    return out + [r"\end{center}"]


def problem(heading: str, opening: list[str], *, new_page: bool = False) -> list[str]:
    """``\\adproblem`` (:data:`KEY_MACROS`): the heading and the opening kept on the page
    where the problem's first table starts; ``new_page``: the problem starts a page."""
    return [*([r"\clearpage"] if new_page else []), rf"\adproblem{{{escape(heading)}}}{{%",
            *opening, "}"]


def paragraph(text: str) -> list[str]:
    """A paragraph of the opening: no page break after it."""
    return [text_with_math(text) + r"\par\nopagebreak", ""]


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
    """The graph in ``\\adgraph`` (:data:`GRAPH_MACROS`): scaled to fit the page."""
    return [rf"\adgraph{{\textbf{{{escape(title)}.}} {caption}}}{{%",
            *picture(g, page=PAGE).rstrip("\n").splitlines(), "}"]


def document(body: list[str], *, standalone: bool = True, figures: bool = False,
             head: str | None = None, key: bool = True) -> str:
    """``body`` as a complete document, or as a fragment to ``\\input`` that names the
    packages it needs and provides the macros it uses.  ``figures``: the body draws
    graphs; ``head``: a comment line first; ``key``: a key's layout (:data:`KEY_MACROS`)."""
    lines = [comment(head)] if head else []
    macros = [*MACROS, *(KEY_MACROS if key else []), *(GRAPH_MACROS if figures else [])]
    if standalone:
        extra = [rf"\usepackage{{{','.join(GRAPH_PACKAGES)}}}"] if figures else []
        lines += [*PREAMBLE, *extra, *macros, r"\begin{document}", *body, r"\end{document}"]
    else:
        packages = PACKAGES + (GRAPH_PACKAGES if figures else ())
        lines += [comment(r"needs \usepackage{" + ",".join(packages) + "}"), *macros, *body]
    return "\n".join(lines) + "\n"
