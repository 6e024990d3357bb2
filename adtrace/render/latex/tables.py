"""Booktabs tables: the layout every LaTeX table shares, and the trace's table.

A table is a ``tabular`` in a ``center``, or a ``longtable`` (which may break across
pages) past :data:`LONG_ROWS` rows; numbers are aligned on the decimal point by
splitting them into two columns.
"""

from __future__ import annotations

from typing import Any

from .escaping import escape

#: row spacing in tables (room for fractions), and on worksheets (room to write)
STRETCH = r"\renewcommand{\arraystretch}{1.25}"
STRETCH_WORKSHEET = r"\renewcommand{\arraystretch}{2}"
#: a table longer than this is a longtable (it may break across pages)
LONG_ROWS = 15
#: exact forms up to this many characters are a column of the table; longer ones are
#: listed under it, typeset up to EXACT_TYPESET characters and as text beyond
EXACT_IN_TABLE = 30
EXACT_TYPESET = 90
#: characters the flow notes add to a row ("(mul switches)")
FLOW_WIDTH = 16


def booktabs(spec: str, head: str, body: list[str], *, size: str = r"\small",
             stretch: str = STRETCH, breakable: bool = True) -> list[str]:
    """A booktabs table; a long one (when ``breakable``) is a longtable that repeats its
    heading on every page.  ``head`` and the lines of ``body`` end with ``\\``."""
    if breakable and len(body) > LONG_ROWS:
        return ["{" + size, stretch, rf"\begin{{longtable}}{{{spec}}}", r"\toprule", head,
                r"\midrule", r"\endhead", r"\bottomrule", r"\endfoot", *body,
                r"\end{longtable}", "}"]
    return [r"\begin{center}" + size, stretch, rf"\begin{{tabular}}{{{spec}}}", r"\toprule",
            head, r"\midrule", *body, r"\bottomrule", r"\end{tabular}", r"\end{center}"]


def split_number(s: str) -> tuple[str, str]:
    """``-0.2837`` -> (``-0``, ``.2837``): the two halves of a decimal-aligned column."""
    head, dot, tail = s.partition(".")
    return (head, dot + tail) if dot else (s, "")


def exact_latex(exact: Any, decimal: str) -> str:
    if exact is None or exact.text == decimal:
        return ""
    return exact.latex  # type: ignore[no-any-return]


def font_size(width: int) -> str:
    r"""A font size for a table whose widest row has about ``width`` characters of text.

    Calibrated on A4 with 2.2 cm margins: a character of a typeset row is about 6.6 pt
    wide in ``\small`` (math spacing and ``\left(`` included).
    """
    for limit, size in ((66, r"\small"), (74, r"\footnotesize"), (84, r"\scriptsize")):
        if width <= limit:
            return size
    return r"\tiny"


class TraceTable:
    """One booktabs table of ``lhs = rule = with values = value [exact] [note]`` rows.

    The exact forms are a column when they are short; long ones (which LaTeX cannot
    break inside a table cell) are listed under the table, one per line.
    """

    def __init__(self, title: str, *, exact: bool, flows: bool, worksheet: bool) -> None:
        self.title = title
        self.exact = exact
        self.flows = flows
        self.worksheet = worksheet
        self.rows: list[list[str]] = []
        self.exacts: list[tuple[str, str, str]] = []  # (lhs, exact LaTeX, exact text)
        self.notes: list[str] = []
        self.width = 0

    def add(self, cells: list[str], width: int, exact: tuple[str, str, str] | None = None,
            note: str = "") -> None:
        """``cells``: lhs, =, rule, =, with values, =, value (integer part), value (decimals)."""
        self.rows.append(cells)
        self.exacts.append(exact or ("", "", ""))
        self.notes.append(note)
        self.width = max(self.width, width)

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
        width = self.width
        if layout == "column":
            spec += r"@{\hspace{1.5em}}>{$}l<{$}"
            head += r" & \multicolumn{1}{@{\hspace{1.5em}}l}{\textit{exact}}"
            width += max((len(text) for _, _, text in self.exacts), default=8)
        # the flow notes are a teaching aid: dropped when the table would not fit otherwise
        flows = self.flows and any(self.notes) and width + FLOW_WIDTH <= 84
        if flows:
            spec += r"@{\hspace{1.5em}}>{\footnotesize\itshape}l"
            head += " &"
            width += FLOW_WIDTH
        spec += "@{}"
        body = []
        for cells, (_, ex, _), note in zip(self.rows, self.exacts, self.notes):
            row = list(cells)
            if layout == "column":
                row.append(ex)
            if flows:
                row.append(note)
            body.append(" & ".join(row) + r" \\")
        out = booktabs(spec, head + r" \\", body, size=font_size(width),
                       stretch=STRETCH_WORKSHEET if self.worksheet else STRETCH)
        if layout == "below":
            out += _exact_list([(lhs, ex, text) for lhs, ex, text in self.exacts if ex])
        return out


def _exact_list(items: list[tuple[str, str, str]]) -> list[str]:
    """Long exact forms under their table: typeset when they fit a line, else as text."""
    lines = [r"\begin{flushleft}\small", r"\textit{Exact values:}\\"]
    for k, (lhs, ex, text) in enumerate(items):
        end = r"\\[0.4ex]" if k < len(items) - 1 else ""
        if len(text) <= EXACT_TYPESET:
            lines.append(rf"$\displaystyle {lhs} = {ex}$" + end)
        else:
            lines.append(rf"${lhs} = {{}}$\texttt{{{escape(text)}}}" + end)
    return lines + [r"\end{flushleft}"]
