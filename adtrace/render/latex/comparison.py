r"""Forward against reverse mode in LaTeX: costs, verdict, operations per sweep, Jacobian.

On a worksheet every computed cell is a line to write on (``\adblank``); the sweeps'
names and seeds stay.  Every string is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...compare import DEFINITIONS, Comparison
from ...notation import latex_number
from ...program import latex_name
from ..common import (
    MAX_JACOBIAN_ENTRIES,
    agreement,
    cheaper_text,
    left_out,
    shown_sweeps,
    transposed,
)
from .escaping import escape
from .tables import STRETCH, STRETCH_WORKSHEET, booktabs, split_number

BLANK = r"\adblank[4em]"


def compare_sections(c: Comparison, *, level: int = 2, worksheet: Any = None, digits: int = 4,
                     rules: bool = True) -> list[str]:
    """The comparison as LaTeX lines: costs, verdict, operations per sweep, Jacobian.

    ``worksheet`` (anything true) leaves every computed cell blank (``\\adblank``):
    the sweeps' names and seeds stay.  ``rules`` adds how things are counted.  Each
    table carries its title, so ``level`` changes nothing here.
    """
    blank = bool(worksheet)
    stretch = STRETCH_WORKSHEET if blank else STRETCH
    f, r = c.forward, c.reverse

    def num(k: int) -> str:
        return BLANK if blank else f"{k:,}"

    def note(text: str) -> str:
        return "" if blank else escape(text)

    lines = booktabs(
        r"@{}lrlrl@{}",
        r"\textbf{The whole Jacobian} & \multicolumn{2}{l}{\textit{forward mode}} & "
        r"\multicolumn{2}{l}{\textit{reverse mode}} \\",
        [rf"sweeps & {num(f.n_sweeps)} & {note('(one per input)')} & {num(r.n_sweeps)} & "
         rf"{note('(one per output)')} \\",
         rf"operations & {num(f.operations)} &  & {num(r.operations)} &  \\",
         rf"values stored & {num(f.stored)} & {note(f'({f.stored_what})')} & {num(r.stored)} & "
         rf"{note(f'({r.stored_what})')} \\"],
        stretch=stretch)
    lines.append(r"\textbf{Cheaper here:} " + (BLANK.replace("4em", "20em") if blank else
                                               escape(f"{cheaper_text(c)}. {c.why}")))

    lines += _sweeps(c, num, stretch)
    lines += jacobian(c, digits=digits, blank=blank, stretch=stretch)
    lines.append(r"\par " + escape(agreement(c, blank=blank)))

    if rules:
        lines += [r"\par\textbf{How these are counted.}", r"\begin{description}\small"]
        lines += [rf"\item[{escape(key)}:] {escape(text)}." for key, text in DEFINITIONS.items()]
        lines.append(r"\end{description}")
    lines += [rf"\par\textit{{Warning:}} {escape(w)}" for w in c.warnings]
    return lines


def _sweeps(c: Comparison, num: Callable[[int], str], stretch: str) -> list[str]:
    """The operations of every sweep of each mode, and each mode's total."""
    body: list[list[str] | str] = []
    for cost in (c.forward, c.reverse):
        if body:
            body.append(r"\midrule")
        first = True
        for s in shown_sweeps(cost):
            mode = cost.mode if first else ""
            first = False
            if s is None:
                more = escape(f"… {left_out(len(cost.sweeps)):,} more sweeps …")
                body.append([mode, rf"\multicolumn{{5}}{{l}}{{{more}}}"])
                continue
            body.append([mode, escape(s.title), f"${latex_name(s.seed)}$", num(s.primal),
                         num(s.multiply_adds), num(s.operations)])
        body.append(["", r"\textit{total}", "", num(sum(s.primal for s in cost.sweeps)),
                     num(sum(s.multiply_adds for s in cost.sweeps)), num(cost.operations)])
    return booktabs(r"@{}lllrrr@{}",
                    r"\multicolumn{2}{@{}l}{\textbf{Operations per sweep}} & \textit{seed} & "
                    r"\textit{primal rows} & \textit{multiply-adds} & \textit{operations} \\",
                    body, stretch=stretch)


def jacobian(c: Comparison, *, digits: int = 4, blank: bool = False,
             stretch: str = STRETCH) -> list[str]:
    """The Jacobian as a booktabs table: outputs down, inputs across (or transposed)."""
    view = c.jacobian
    m, n = view.shape
    if m * n > MAX_JACOBIAN_ENTRIES:
        return [r"\par " + escape(f"{m:,} × {n:,} entries: too many to show here "
                                  "(--format csv or json lists them all).")]

    def entry(i: int, j: int) -> list[str]:
        """Two cells: the number split at its decimal point, as every table aligns it."""
        v = view.entries[i][j]
        if blank or v is None:
            return [BLANK if blank else r"\cdot", ""]
        return list(split_number(latex_number(v, digits)))

    def d(x: str) -> str:
        return rf"\partial/\partial {latex_name(x)}"

    if transposed(c):
        heads = [latex_name(o) for o in view.outputs]
        body = [[d(x)] + [cell for i in range(m) for cell in entry(i, j)]
                for j, x in enumerate(view.inputs)]
        cols = m
    else:
        heads = [d(x) for x in view.inputs]
        body = [[latex_name(o)] + [cell for j in range(n) for cell in entry(i, j)]
                for i, o in enumerate(view.outputs)]
        cols = n
    spec = "@{}>{$}l<{$}" + r"@{\hspace{1.2em}}>{$}r<{$}@{}>{$}l<{$}" * cols + "@{}"
    head = r"\multicolumn{1}{@{}l}{\textbf{Jacobian}} & " + " & ".join(
        rf"\multicolumn{{2}}{{@{{\hspace{{1.2em}}}}c@{{}}}}{{${h}$}}" for h in heads) + r" \\"
    return booktabs(spec, head, body, stretch=stretch)
