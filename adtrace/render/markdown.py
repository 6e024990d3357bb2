"""``--format markdown``: GitHub-flavoured Markdown tables (GitHub, Jupyter, most viewers).

Names are the Unicode ones the terminal table prints (``v̄-1``, ``ẋ1``, ``∂f/∂x1``):
plain text renders the same everywhere, where inline math in table cells does not.
Every cell is escaped (``|``, ``*``, ``_``, backticks, ...); the formula is shown
verbatim in a code span.  ``sections`` is also used by ``adtrace key`` to build a
problem's answer (or, with a worksheet, the same tables with the computed cells blank).
"""

from __future__ import annotations

import re
from typing import Any

from ..rows import Row, RowPrinter, point_text, primal_rows, sweep_rows, sweep_title
from ..tracing import Trace
from .common import check_mark, check_name, one_line, result_name

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|$~&#!])")


def escape(text: str) -> str:
    """Text for a Markdown paragraph or table cell: punctuation escaped, one line."""
    return _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))


def code(text: str) -> str:
    """An inline code span that survives any backticks in ``text`` (and ``|`` in tables)."""
    text = " ".join(text.split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def code_block(text: str) -> list[str]:
    """A fenced code block for a multi-line program, fenced longer than any backtick run."""
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return [fence, *text.rstrip("\n").splitlines(), fence]


def text_with_math(text: str) -> str:
    """Prose with ``$...$`` math kept as math (GitHub and Jupyter render it), the rest escaped."""
    out = []
    for k, part in enumerate(split_math(text)):
        out.append(f"${part}$" if k % 2 else escape(part))
    line = "".join(out)
    # a paragraph must not turn into a list item: "- x", "+ x", "1. x", "2) x"
    line = re.sub(r"^(\s*)([-+])(?=\s|$)", r"\1\\\2", line)
    return re.sub(r"^(\s*\d+)([.)])(?=\s|$)", r"\1\\\2", line)


def split_math(text: str) -> list[str]:
    """``a $x$ b`` -> ["a ", "x", " b"]: odd items are math.  ``\\$`` is a dollar sign;
    an unmatched ``$`` is a dollar sign too."""
    parts: list[str] = [""]
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and text[i + 1:i + 2] == "$":
            parts[-1] += "$" if len(parts) % 2 else "\\$"
            i += 2
            continue
        if ch == "$":
            parts.append("")
        else:
            parts[-1] += ch
        i += 1
    if len(parts) % 2 == 0:  # an unmatched $: the last one was a dollar sign
        last = parts.pop()
        parts[-1] += "$" + last
    return parts


def table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    """A GFM table; ``align`` is one of ``l``/``r`` per column.  Cells must be escaped."""
    rule = {"l": ":--", "r": "--:"}

    def line(cells: list[str]) -> str:
        return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"

    return [line(header), "|" + "|".join(rule[a] for a in align) + "|"] + [line(r) for r in rows]


# --- exact values and worksheets ----------------------------------------------------------------


def exact_cell(exact: Any, shown_value: str) -> str:
    """The exact form where it says more than the decimal (``ln(2)``, not ``10`` next to 10)."""
    if exact is None or exact.text == shown_value:
        return ""
    return escape(exact.text)


def _hidden(worksheet: Any, row: Row) -> tuple[bool, bool, bool]:
    """(rule, with values, value) left blank on a worksheet."""
    if worksheet is None:
        return (False, False, False)
    return worksheet.hidden(row)  # type: ignore[no-any-return]


# --- sections -----------------------------------------------------------------------------------


def trace_table(t: Trace, rows: list[Row], *, worksheet: Any = None,
                flows: bool = False) -> list[str]:
    printer = RowPrinter(t.labels, digits=t.digits)
    exact = t.exact is not None
    header = ["", "rule", "with values", "value"] + (["exact"] if exact else [])
    align = "lllr" + ("l" if exact else "")
    if flows:
        header.append("note")
        align += "l"
    body = []
    for row in rows:
        lhs, rhs, subst, value = printer.parts(row)
        hide_rule, hide_subst, hide_value = _hidden(worksheet, row)
        cells = [escape(lhs), "" if hide_rule else escape(rhs),
                 "" if hide_subst else escape(subst), "" if hide_value else escape(value)]
        if exact:
            cells.append("" if hide_value else exact_cell(row.exact, value))
        if flows:
            cells.append(escape(row.flow or "") if not hide_rule else "")
        body.append(cells)
    return table(header, body, align)


def sections(t: Trace, *, level: int = 2, worksheet: Any = None, primal: bool = True,
             derivatives: bool = True, check: bool = True,
             derivatives_title: str = "Derivatives") -> list[str]:
    """The trace's sections as Markdown lines: primal trace, sweeps, derivatives, check."""
    h = "#" * level
    lines: list[str] = []
    printer = RowPrinter(t.labels, digits=t.digits)
    if primal:
        lines += ["", f"{h} Primal trace", ""]
        lines += trace_table(t, primal_rows(t), worksheet=worksheet)
    for k, sweep in enumerate(t.sweeps, start=1):
        lines += ["", f"{h} {escape(sweep_title(t, sweep, k))}", ""]
        lines += trace_table(t, sweep_rows(t, sweep), worksheet=worksheet,
                             flows=sweep.mode == "reverse")
    if derivatives:
        lines += ["", f"{h} {escape(derivatives_title)}", ""]
        blank = worksheet is not None
        exact = t.exact is not None
        body = []
        for sweep in t.sweeps:
            ex = t.exact.sweep_of(sweep) if exact else None
            for name, value in sweep.result.items():
                shown = printer.number(value)
                cells = [escape(result_name(t, sweep, name)), "" if blank else escape(shown)]
                if exact:
                    cells.append("" if blank or ex is None else exact_cell(ex.result.get(name),
                                                                           shown))
                body.append(cells)
        lines += table(["derivative", "value"] + (["exact"] if exact else []), body,
                       "lr" + ("l" if exact else ""))
    if check and t.check is not None:
        lines += check_section(t, level=level, worksheet=worksheet)
    lines += notes(t)
    return lines


def check_section(t: Trace, *, level: int = 2, worksheet: Any = None) -> list[str]:
    h = "#" * level
    c = t.check
    assert c is not None
    if c.skipped:
        return ["", f"{h} Symbolic check (SymPy)", "", escape(f"Skipped: {c.skipped}.")]
    printer = RowPrinter(t.labels, digits=t.digits)
    blank = worksheet is not None
    body = []
    for e in c.entries:
        body.append([escape(check_name(e.output, e.input)),
                     "" if blank else escape(e.symbolic),
                     "" if blank else escape(printer.number(e.value)),
                     "" if blank else escape(printer.number(e.ad)),
                     "" if blank else check_mark(e.agree)])
    lines = ["", f"{h} Symbolic check (SymPy diff at the point)", ""]
    lines += table(["derivative", "symbolic", "at the point", "AD", ""], body, "llrrl")
    if not blank:
        for e in c.entries:
            if e.note:
                lines += ["", escape(f"Note: {e.note}.")]
                break
    return lines


def notes(t: Trace) -> list[str]:
    """Warnings (non-differentiable points) and what ``--exact`` left out."""
    lines: list[str] = []
    for w in t.warnings:
        lines += ["", escape(f"Warning: {w}")]
    if t.exact is not None:
        for n in t.exact.notes:
            lines += ["", escape(f"Note: {n}.")]
    return lines


def render(t: Trace, **_: Any) -> str:
    formula = one_line(t.program.source)
    lines = [f"# {t.mode.capitalize()} mode: {code(formula)}", "",
             f"at {escape(point_text(t))}"]
    lines += sections(t, level=2)
    return "\n".join(lines) + "\n"
