"""What several formats share: names of derivatives, the check's columns, marks and
legend, where long lists are cut, how a comparison is worded, and ``$...$`` math in prose.

Nothing here is one format's syntax: each format escapes and lays out these pieces
its own way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar

from ..notation import ascii_on, fmt_number, sym
from ..program import _mark

if TYPE_CHECKING:
    from ..compare import Comparison, ModeCost
    from ..tracing import Sweep, Trace

#: a list longer than this (rows of a trace, sweeps of a comparison) shows its first
#: HEAD_ROWS and last TAIL_ROWS items and says how many it leaves out
MAX_ROWS = 200
HEAD_ROWS, TAIL_ROWS = 120, 40
#: a header longer than this shows the program's beginning and how many statements it has
MAX_HEADER = 240
#: a Jacobian with more entries than this is left to --format csv and json
MAX_JACOBIAN_ENTRIES = 2_000
#: with more inputs than this (and more inputs than outputs) a comparison's Jacobian is
#: shown transposed, one row per input, so that it stays narrow
TRANSPOSE_INPUTS = 6

T = TypeVar("T")


def elide(items: list[T], gap: Any = None) -> list[Any]:
    """``items``, or past MAX_ROWS the first HEAD_ROWS and last TAIL_ROWS with ``gap`` between."""
    if len(items) <= MAX_ROWS:
        return list(items)
    return items[:HEAD_ROWS] + [gap] + items[-TAIL_ROWS:]


def left_out(total: int) -> int:
    """How many items :func:`elide` leaves out of ``total``."""
    return total - HEAD_ROWS - TAIL_ROWS


def code_lines(formula: str) -> list[str]:
    """A formula's or program's lines as written, without comments and blank lines."""
    lines = (line.split("#", 1)[0].rstrip() for line in formula.splitlines())
    return [line for line in lines if line.strip()]


def one_line(formula: str) -> str:
    """A program on one line: statements joined by '; ', comments dropped."""
    parts = []
    for line in code_lines(formula):  # a comment may contain ';': it is gone already
        for statement in line.split(";"):
            if statement.strip():
                parts.append(statement.strip())
    return "; ".join(parts)


def header(source: str) -> str:
    """The program on one line; a long one is cut, saying how many statements it has."""
    line = one_line(source)
    if len(line) <= MAX_HEADER:
        return line
    statements = line.count("; ") + 1
    return f"{line[:MAX_HEADER - 40].rsplit('; ', 1)[0]}; {sym('…')} ({statements:,} statements)"


def result_name(t: Trace, sweep: Sweep, name: str) -> str:
    """How a sweep's result is named: ∂f/∂x1 for unit seeds, ḟ or x̄1 along a direction."""
    unit = sweep.unit
    if unit is None:
        return _mark(name, sweep.kind.mark)
    output, inp = sweep.kind.entry(unit, name)
    return sym(f"∂{output}/∂{inp}")


def check_name(output: str, inp: str) -> str:
    """A check entry's name: ∂f/∂x1, or a weighted/directional one for --seed sweeps."""
    if "=" in output:
        return sym(f"{output} · ∂/∂{inp}")
    if "=" in inp:
        return sym(f"∂{output} along {inp}")
    return sym(f"∂{output}/∂{inp}")


def check_mark(agree: bool | None) -> str:
    return sym("✓" if agree else ("✗" if agree is False else "–"))


#: the symbolic check's columns, as every format heads them
CHECK_COLUMNS = ("derivative", "SymPy's derivative", "at the point", "AD", "")
#: what the check's columns are, under its table; with the step function where it appears
CHECK_LEGEND = "AD: the sweeps' value (automatic differentiation); ✓: SymPy's value agrees."
STEP_LEGEND = "H(u): the unit step, 1 if u > 0, 0 if u < 0 (SymPy's derivative of max and min)."
_STEP = re.compile(r"(?<![\w.])H\(")


def check_legend(symbolic: list[str]) -> list[str]:
    """The legend under a check's table, given its derivatives as printed (text): what AD
    is, and H where a derivative uses the step (no variable prints as ``H(``: products
    are written with ``·``)."""
    return [sym(CHECK_LEGEND)] + ([STEP_LEGEND] if uses_step(symbolic) else [])


def uses_step(symbolic: list[str]) -> bool:
    """Whether a derivative (as printed in text) uses the unit step ``H(u)``."""
    return any(_STEP.search(s) for s in symbolic)


def terminal(color: bool, width: int) -> Any:
    """A rich console printing into a buffer: colour only when asked, no box drawing
    (and, in the ASCII notation, ASCII guides for trees)."""
    import io

    from rich.console import Console

    buffer = _AsciiBuffer() if ascii_on() else io.StringIO()
    return Console(file=buffer, width=width, color_system="standard" if color else None,
                   force_terminal=color, no_color=not color, highlight=False, emoji=False,
                   soft_wrap=False)


class _AsciiBuffer:
    """A text buffer that says its encoding is ASCII: rich then draws with ASCII only."""

    encoding = "ascii"

    def __init__(self) -> None:
        import io

        self._text = io.StringIO()

    def write(self, text: str) -> int:
        return self._text.write(text)

    def flush(self) -> None:
        pass

    def getvalue(self) -> str:
        return self._text.getvalue()


def printed(console: Any) -> str:
    """What a :func:`terminal` console printed, without trailing spaces."""
    return "\n".join(line.rstrip() for line in console.file.getvalue().split("\n"))


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


# --- a comparison, as the document formats word it ---------------------------------------------


def shown_sweeps(cost: ModeCost) -> list[Any]:
    """The sweeps of one mode to list, with None where a long middle is left out."""
    return elide(list(cost.sweeps))


def transposed(c: Comparison) -> bool:
    """Whether the Jacobian is shown one row per input (many inputs, fewer outputs)."""
    n, m = len(c.inputs), len(c.outputs)
    return n > TRANSPOSE_INPUTS and n > m


def agreement(c: Comparison, *, blank: bool = False) -> str:
    """The sentence under the Jacobian: how each mode fills it, and that they agree
    (on a worksheet, only how each mode fills it)."""
    fill = ("Forward mode fills one column per tangent sweep, reverse mode one row per "
            "adjoint sweep")
    if blank:
        return fill + "."
    return fill + "; the two agree" + (
        "" if c.max_difference == 0 else f" to {fmt_number(c.max_difference)}") + "."


def cheaper_text(c: Comparison) -> str:
    return "either mode" if c.cheaper == "either" else f"{c.cheaper} mode"


def wrap_formula(text: str, width: int, indent: int = 2) -> list[str]:
    """A formula in lines of at most ``width`` cells, continuation lines indented by
    ``indent``.  It breaks only between terms or factors, never inside a name, number or
    function's name: before a binary ``+``/``-`` (which starts the next line, ``+ ln(x)``),
    or before a ``·`` (``*``) or ``/`` where no such break fits.  Of the breaks that fill at least
    a quarter of the line, the one with the fewest open parentheses is taken, the rightmost of
    those.  A piece longer than a line (a long name) stands alone, and is longer."""
    from rich.cells import cell_len

    pieces = _pieces(text)
    lines: list[str] = []
    while pieces:
        room = width - (indent if lines else 0)
        sizes = [cell_len(pieces[0][0].lstrip())] + [cell_len(p) for p, _, _ in pieces[1:]]
        n, used = 0, 0
        while n < len(pieces) and used + sizes[n] <= room:
            used += sizes[n]
            n += 1
        if 1 < n < len(pieces):  # where to break: the shallowest, at a space if it can
            fill, best = 0, (n, pieces[n][1], pieces[n][2])
            for k in range(1, n + 1):
                fill += sizes[k - 1]
                if 4 * fill >= room and pieces[k][1:] <= best[1:]:
                    best = (k, *pieces[k][1:])
            n = best[0]
        n = max(n, 1)
        indent_ = " " * (indent if lines else 0)
        lines.append(indent_ + "".join(p for p, _, _ in pieces[:n]).lstrip())
        pieces = pieces[n:]
    return lines or [""]


#: where a formula may break: before a binary + or -, at a space (after a comma), before
#: a product's · (* in the ASCII notation) or a quotient's /
_BREAKS = re.compile(r" [+-] | |(?=[·*/])")
_NUMBER_END = re.compile(r"(?<![\w.])\d+$")
_NUMBER_START = re.compile(r"\d+(?![\w.(])")


def _pieces(text: str) -> list[tuple[str, int, int]]:
    """The pieces a formula may break between, each with what leads it (`` + ln(x)``,
    ``·cos(y)``), the parentheses open where it starts, and 0 if it starts at a space,
    1 at a ``·`` or ``/``.  A fraction of numbers (``3/4``) is one piece."""
    cuts = [m.start() for m in _BREAKS.finditer(text) if m.start() > 0 and not (
        text[m.start()] == "/" and _NUMBER_END.search(text, 0, m.start()) and
        _NUMBER_START.match(text, m.start() + 1))]
    out: list[tuple[str, int, int]] = []
    depth = 0
    for a, b in zip([0, *cuts], [*cuts, len(text)]):
        piece = text[a:b]
        out.append((piece, depth, 1 if a and piece[:1] in "·*/" else 0))
        depth += piece.count("(") - piece.count(")")
    return out
