r"""``adtrace compare --format latex``: booktabs tables to ``\input``, or a whole document.

:func:`sections` prints the body (the two modes side by side, which is cheaper and
why, the operations of every sweep, the Jacobian, and optionally how things are
counted); ``adtrace compare`` puts the function and the point above it, and
``adtrace key`` uses the same function for a problem of mode ``compare`` (with its
worksheet, which leaves every computed cell blank).  A fragment needs
``\usepackage{amsmath,amssymb,array,booktabs,longtable}`` (its first lines say so);
``--standalone`` prints a complete document.  Every string is escaped.
"""

from __future__ import annotations

from typing import Any

from ..compare import DEFINITIONS, Comparison
from ..expr import latex_number
from ..program import latex_name
from .common import one_line
from .compare_markdown import (
    HEAD_SWEEPS,
    MAX_JACOBIAN_ENTRIES,
    TAIL_SWEEPS,
    agreement,
    cheaper_text,
    shown_sweeps,
    transposed,
)
from .latex import (
    LONG_ROWS,
    PACKAGES,
    STRETCH,
    STRETCH_WORKSHEET,
    comment,
    document,
    escape,
    formula_block,
    point_latex,
)

BLANK = r"\adblank[4em]"


def _table(spec: str, head: str, body: list[str], stretch: str) -> list[str]:
    """A booktabs table; a long one is a longtable that repeats its heading."""
    if len(body) > LONG_ROWS:
        return [r"{\small", stretch, rf"\begin{{longtable}}{{{spec}}}", r"\toprule", head,
                r"\midrule", r"\endhead", r"\bottomrule", r"\endfoot", *body,
                r"\end{longtable}", "}"]
    return [r"\begin{center}\small", stretch, rf"\begin{{tabular}}{{{spec}}}", r"\toprule",
            head, r"\midrule", *body, r"\bottomrule", r"\end{tabular}", r"\end{center}"]


def sections(c: Comparison, *, worksheet: Any = None, digits: int = 4,
             rules: bool = True) -> list[str]:
    """The comparison as LaTeX lines: costs, verdict, operations per sweep, Jacobian.

    ``worksheet`` (anything true) leaves every computed cell blank (``\\adblank``):
    the sweeps' names and seeds stay.  ``rules`` adds how things are counted.
    """
    blank = bool(worksheet)
    stretch = STRETCH_WORKSHEET if blank else STRETCH
    f, r = c.forward, c.reverse

    def num(k: int) -> str:
        return BLANK if blank else f"{k:,}"

    def note(text: str) -> str:
        return "" if blank else escape(text)

    lines = _table(
        r"@{}lrlrl@{}",
        r"\textbf{The whole Jacobian} & \multicolumn{2}{l}{\textit{forward mode}} & "
        r"\multicolumn{2}{l}{\textit{reverse mode}} \\",
        [rf"sweeps & {num(f.n_sweeps)} & {note('(one per input)')} & {num(r.n_sweeps)} & "
         rf"{note('(one per output)')} \\",
         rf"operations & {num(f.operations)} &  & {num(r.operations)} &  \\",
         rf"values stored & {num(f.stored)} & {note(f'({f.stored_what})')} & {num(r.stored)} & "
         rf"{note(f'({r.stored_what})')} \\"],
        stretch)
    lines.append(r"\textbf{Cheaper here:} " + (BLANK.replace("4em", "20em") if blank else
                                               escape(f"{cheaper_text(c)}. {c.why}")))

    body: list[str] = []
    for cost in (f, r):
        if body:
            body.append(r"\midrule")
        first = True
        for s in shown_sweeps(cost):
            mode = cost.mode if first else ""
            first = False
            if s is None:
                left = len(cost.sweeps) - HEAD_SWEEPS - TAIL_SWEEPS
                more = escape(f"… {left:,} more sweeps …")
                body.append(rf"{mode} & \multicolumn{{5}}{{l}}{{{more}}} \\")
                continue
            body.append(rf"{mode} & {escape(s.title)} & ${latex_name(s.seed)}$ & {num(s.primal)} & "
                        rf"{num(s.multiply_adds)} & {num(s.operations)} \\")
        body.append(rf" & \textit{{total}} &  & {num(sum(s.primal for s in cost.sweeps))} & "
                    rf"{num(sum(s.multiply_adds for s in cost.sweeps))} & "
                    rf"{num(cost.operations)} \\")
    lines += _table(r"@{}lllrrr@{}",
                    r"\multicolumn{2}{@{}l}{\textbf{Operations per sweep}} & \textit{seed} & "
                    r"\textit{primal rows} & \textit{multiply-adds} & \textit{operations} \\",
                    body, stretch)

    lines += jacobian(c, digits=digits, blank=blank, stretch=stretch)
    text = agreement(c)
    lines.append(r"\par " + escape(text.split(";")[0] + "." if blank else text))

    if rules:
        lines += [r"\par\textbf{How these are counted.}", r"\begin{description}\small"]
        lines += [rf"\item[{escape(key)}:] {escape(text)}." for key, text in DEFINITIONS.items()]
        lines.append(r"\end{description}")
    lines += [rf"\par\textit{{Warning:}} {escape(w)}" for w in c.warnings]
    return lines


def jacobian(c: Comparison, *, digits: int = 4, blank: bool = False,
             stretch: str = STRETCH) -> list[str]:
    """The Jacobian as a booktabs table: outputs down, inputs across (or transposed)."""
    view = c.jacobian
    m, n = view.shape
    if m * n > MAX_JACOBIAN_ENTRIES:
        return [r"\par " + escape(f"{m:,} × {n:,} entries: too many to show here "
                                  "(--format csv or json lists them all).")]

    def entry(i: int, j: int) -> str:
        v = view.entries[i][j]
        return BLANK if blank else (r"\cdot" if v is None else latex_number(v, digits))

    def d(x: str) -> str:
        return rf"\partial/\partial {latex_name(x)}"

    if transposed(c):
        heads = [latex_name(o) for o in view.outputs]
        body = [" & ".join([d(x)] + [entry(i, j) for i in range(m)]) + r" \\"
                for j, x in enumerate(view.inputs)]
        cols = m
    else:
        heads = [d(x) for x in view.inputs]
        body = [" & ".join([latex_name(o)] + [entry(i, j) for j in range(n)]) + r" \\"
                for i, o in enumerate(view.outputs)]
        cols = n
    spec = "@{}>{$}l<{$}" + ">{$}r<{$}" * cols + "@{}"
    head = r"\multicolumn{1}{@{}l}{\textbf{Jacobian}} & " + " & ".join(heads) + r" \\"
    return _table(spec, head, body, stretch)


def render(c: Comparison, *, standalone: bool = False, **_: Any) -> str:
    t = c.reverse_trace
    assert t is not None
    n, m = len(c.inputs), len(c.outputs)
    body = ["Forward and reverse mode compared, for the whole Jacobian of",
            *formula_block(t.program),
            rf"at {point_latex(t)}: $n = {n}$ input{'s' * (n != 1)}, $m = {m}$ "
            rf"output{'s' * (m != 1)}, {c.primal_rows:,} rows in the primal trace.",
            *sections(c)]
    head = comment(f"adtrace compare: {one_line(c.source)}")
    if standalone:
        lines = [head, *document(body)]
    else:
        lines = [head, comment(r"needs \usepackage{" + ",".join(PACKAGES) + "}"), *body]
    return "\n".join(lines) + "\n"
