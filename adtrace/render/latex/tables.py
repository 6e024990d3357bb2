r"""Booktabs tables: the layout every LaTeX table shares, and the trace's table.

A table is a ``tabular`` in an ``adtable`` (centred, kept with the line before it when
that line ends in ``\nopagebreak``), or a ``longtable`` (which may break across pages)
past :data:`LONG_ROWS` rows.  A longtable is right after ONE pdflatex run: before its
heading it sets a row, not printed (``\kill``), that holds the widest entry of every
column (``\adwidest``), so its heading, its rules and every page of its body get the
final column widths from the start instead of from the ``.aux`` file of an earlier run.

Numbers are aligned on the decimal point by splitting them into two columns.  On a
worksheet a computed cell is a :class:`Blank`: a line as long as the longest answer
of its column (at least a generous minimum), the same length down the column.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .escaping import escape

#: row spacing in tables (room for fractions), and on worksheets (room to write)
STRETCH = r"\renewcommand{\arraystretch}{1.25}"
STRETCH_WORKSHEET = r"\renewcommand{\arraystretch}{2}"
#: a table longer than this is a longtable (it may break across pages)
LONG_ROWS = 15
#: exact forms up to this many characters are a column of the table; longer ones are
#: a table of their own under it, typeset up to EXACT_TYPESET characters and as text beyond
EXACT_IN_TABLE = 30
EXACT_TYPESET = 90
#: an exact form printed as text is broken into lines of at most this many characters
EXACT_TEXT_LINE = 76
#: characters the flow notes add to a row ("(mul switches)")
FLOW_WIDTH = 16
#: a worksheet's line: em per character of the answer it hides (handwriting is wider
#: than type), plus a margin; at least the minimum of its column
EM_PER_CHAR = 0.62
BLANK_MARGIN = 1.5
#: a worksheet's table is set in \small, whose em is a 47th of the line: what its lines
#: may take together, after the other cells and the gaps between columns
WORKSHEET_EM = 46.0
GAPS_EM = 5.0

#: the macros the tables use (a document defines them; a fragment provides them):
#: ``adtable``, a centred table with no page break allowed before it when the text
#: before ends in ``\nopagebreak``; ``\adwidest``, a cell as wide as the widest of the
#: entries ``\adw{...}`` it lists, each set as the column sets it (math or text).
TABLE_MACROS = [
    r"\ifdefined\adtable\else\newenvironment{adtable}"
    r"{\par\addvspace{\bigskipamount}\centering\noindent\ignorespaces}"
    r"{\par\addvspace{\bigskipamount}}\fi",
    # \relax first: an alignment's cell expands its first tokens before it sets math mode
    r"\providecommand{\adwidest}[1]{\relax\ifmmode\def\adw##1{\hbox{$##1$}}\else"
    r"\def\adw##1{\hbox{##1}}\fi\vbox{#1}}",
]

Row = list[str]  # the cells of a table row


def booktabs(spec: str, head: str, body: Sequence[Row | str], *, size: str = r"\small",
             stretch: str = STRETCH, breakable: bool = True) -> list[str]:
    """A booktabs table; a long one (when ``breakable``) is a longtable that repeats its
    heading on every page.  ``head`` ends with ``\\``; ``body`` holds rows (lists of
    cells) and raw lines (``\\midrule``).  A longtable's widths come from its heading and
    its rows' cells, so a cell spanning columns must not be wider than they are."""
    lines = [r if isinstance(r, str) else " & ".join(r) + r" \\" for r in body]
    if breakable and len(body) > LONG_ROWS:
        return ["{" + size, stretch, r"\setlength{\LTpre}{\bigskipamount}",
                r"\setlength{\LTpost}{\bigskipamount}", rf"\begin{{longtable}}{{{spec}}}",
                r"\toprule", head, r"\midrule", *_widest(body), r"\endhead", r"\bottomrule",
                r"\endfoot", *lines, r"\end{longtable}", "}"]
    return [r"\begin{adtable}" + size + stretch + "%", rf"\begin{{tabular}}{{{spec}}}", r"\toprule",
            head, r"\midrule", *lines, r"\bottomrule", r"\end{tabular}", r"\end{adtable}"]


def _widest(body: Sequence[Row | str]) -> list[str]:
    """The row, killed before it is printed, that makes each column as wide as its
    widest entry: the widths are final on the first run, heading and rules included."""
    rows = [r for r in body if not isinstance(r, str)]
    columns: list[dict[str, None]] = [{} for _ in range(max(map(len, rows), default=0))]
    for row in rows:
        for k, cell in enumerate(row):
            if cell.strip() and "\\multicolumn" not in cell:
                columns[k][cell] = None
    cells = [r"\adwidest{" + "".join(rf"\adw{{{c}}}" for c in col) + "}" if col else ""
             for col in columns]
    return ["% the widest entry of each column: the widths are right on the first run",
            " & ".join(cells) + r" \kill"]


def split_number(s: str) -> tuple[str, str]:
    """``-0.2837`` -> (``-0``, ``.2837``): the two halves of a decimal-aligned column."""
    head, dot, tail = s.partition(".")
    return (head, dot + tail) if dot else (s, "")


def exact_latex(exact: Any, decimal: str) -> str:
    if exact is None or exact.text == decimal:
        return ""
    return exact.latex  # type: ignore[no-any-return]


def font_size(width: int | float) -> str:
    r"""A font size for a table whose widest row has about ``width`` characters of text.

    Calibrated on A4 with 2.2 cm margins: a character of a typeset row is about 6.6 pt
    wide in ``\small`` (math spacing and ``\left(`` included).
    """
    for limit, size in ((66, r"\small"), (74, r"\footnotesize"), (84, r"\scriptsize")):
        if width <= limit:
            return size
    return r"\tiny"


@dataclass(frozen=True)
class Blank:
    """A worksheet's cell to write in: ``answer`` is what it hides (its length sizes the
    line), ``least`` the shortest line in em."""

    answer: str
    least: float

    def em(self) -> float:
        """The line's length in em, rounded up to half an em."""
        return math.ceil(2 * max(self.least, EM_PER_CHAR * len(self.answer) + BLANK_MARGIN)) / 2


def blank_lines(rows: list[list[Any]], budget: float) -> list[Row]:
    r"""The rows with each :class:`Blank` an ``\adblank`` as long as the longest of its
    column, the lines shortened alike when together they would pass ``budget`` em."""
    ems: dict[int, float] = {}
    for row in rows:
        for k, cell in enumerate(row):
            if isinstance(cell, Blank):
                ems[k] = max(ems.get(k, 0.0), cell.em())
    factor = min(1.0, max(budget, 0.0) / sum(ems.values())) if ems else 1.0
    factor = max(factor, 0.5)  # a line too short to write on helps nobody: let it overflow
    return [[rf"\adblank[{math.floor(2 * ems[k] * factor) / 2:g}em]" if isinstance(c, Blank)
             else c for k, c in enumerate(row)] for row in rows]


class TraceTable:
    """One booktabs table of ``lhs = rule = with values = value [exact] [note]`` rows.

    The exact forms are a column when they are short; long ones (which LaTeX cannot
    break inside a table cell) are a table of their own under it.  On a worksheet the
    cells may be :class:`Blank`.
    """

    def __init__(self, title: str, *, exact: bool, flows: bool, worksheet: bool) -> None:
        self.title = title
        self.exact = exact
        self.flows = flows
        self.worksheet = worksheet
        self.rows: list[list[Any]] = []
        self.exacts: list[tuple[str, Any, str]] = []  # (lhs, exact LaTeX or Blank, exact text)
        self.notes: list[str] = []
        self.width = 0  # the widest row, in characters as the key prints it
        self.given = 0  # on a worksheet: the most characters a row shows besides its blanks

    def add(self, cells: list[Any], width: int,
            exact: tuple[str, Any, str] | None = None, note: str = "") -> None:
        """``cells``: lhs, =, rule, =, with values, =, value (integer part), value
        (decimals); ``width``: the characters of the row as the key prints it."""
        self.rows.append(cells)
        self.exacts.append(exact or ("", "", ""))
        self.notes.append(note)
        self.width = max(self.width, width)
        hidden = sum(len(c.answer) for c in cells if isinstance(c, Blank))
        self.given = max(self.given, width - hidden)

    def _exact_layout(self) -> str:
        if not self.exact:
            return "none"
        if self.worksheet:
            return "column"
        longest = max((len(text) for _, _, text in self.exacts), default=0)
        if longest == 0:
            return "none"
        return "column" if longest <= EXACT_IN_TABLE else "below"

    def lines(self) -> list[str]:
        eq = r"@{\hspace{0.4em}}c@{\hspace{0.4em}}"
        spec = r"@{}>{$}l<{$}" + (eq + r">{$}l<{$}") * 2 + eq + r">{$}r<{$}@{}>{$}l<{$}"
        head = rf"\multicolumn{{8}}{{@{{}}l}}{{{self.title}}}"
        layout = self._exact_layout()
        width, given = self.width, self.given
        rows = [list(cells) for cells in self.rows]
        if layout == "column":
            spec += r"@{\hspace{1.5em}}>{$}l<{$}"
            head += r" & \multicolumn{1}{@{\hspace{1.5em}}l}{\textit{exact}}"
            longest = max((len(text) for _, _, text in self.exacts), default=8)
            width, given = width + longest, given + longest
            for row, (_, ex, _) in zip(rows, self.exacts):
                row.append(ex)
        # the flow notes are a teaching aid: dropped when the table would not fit otherwise
        flows = self.flows and any(self.notes) and width + FLOW_WIDTH <= 84
        if flows:
            spec += r"@{\hspace{1.5em}}>{\footnotesize\itshape}l"
            head += " &"
            width, given = width + FLOW_WIDTH, given + FLOW_WIDTH
            for row, note in zip(rows, self.notes):
                row.append(note)
        spec += "@{}"
        if self.worksheet:  # lines to write on do not shrink with the type
            budget = WORKSHEET_EM - GAPS_EM - EM_PER_CHAR * given
            # \addlinespace: the last line to write on clear of the rule under it
            body: list[Row | str] = [*blank_lines(rows, budget), r"\addlinespace"]
            out = booktabs(spec, head + r" \\", body, stretch=STRETCH_WORKSHEET)
        else:
            out = booktabs(spec, head + r" \\", rows, size=font_size(width))
        if layout == "below":
            out += exact_table([(lhs, ex, text) for lhs, ex, text in self.exacts if ex])
        return out


def exact_table(items: list[tuple[str, str, str]]) -> list[str]:
    """Exact forms too long for a column: a table of their own under their table, typeset
    when they fit a line, else as text broken at spaces over as many rows as it takes."""
    rows: list[Row] = []
    for lhs, ex, text in items:
        if len(text) <= EXACT_TYPESET:
            rows.append([lhs, "$=$", rf"$\displaystyle {ex}$"])
            continue
        for k, line in enumerate(textwrap.wrap(text, EXACT_TEXT_LINE, break_long_words=True,
                                               break_on_hyphens=False)):
            rows.append([lhs if k == 0 else "", "$=$" if k == 0 else "",
                         rf"\texttt{{{escape(line)}}}"])
    spec = r"@{}>{$}l<{$}@{\hspace{0.4em}}c@{\hspace{0.4em}}l@{}"
    width = max(min(len(text), EXACT_TEXT_LINE) for _, _, text in items) + 8
    return booktabs(spec, r"\multicolumn{3}{@{}l}{\textbf{Exact values}} \\", rows,
                    size=font_size(width))
