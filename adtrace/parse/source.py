"""The user's text as the parser reads it, and every position in it.

The parser counts positions one way: the tokenizer's (line, column) in the text
with each line's indentation stripped (indentation means nothing in a formula,
and Python's tokenizer and ``ast.parse`` would refuse it), columns in characters.
:meth:`Source.node_pos` maps ``ast``'s positions into it (UTF-8 byte offsets in
the converted text, where each ``^`` became ``**``), and :meth:`Source.error`
maps it out to the user's column, indentation included, under the caret.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right

from ..errors import LimitError, ParseError
from .limits import MAX_CHARS

# control characters, and line breaks other than \n (that str.splitlines would count as lines)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


class Source:
    """The text the tokenizer reads, with what is needed to report positions in the user's."""

    def __init__(self, text: str, lines: list[str], indents: list[int] | None = None) -> None:
        self.text = text  # indentation stripped
        self.lines = lines  # the lines of ``text``, line ends kept
        self.indents = indents or []  # per line: the characters of indentation stripped
        self.converted = lines  # the lines ``ast.parse`` reads (see :meth:`convert`)
        self.carets: dict[int, list[int]] = {}  # line -> columns in it where a '**' was a '^'
        self.plain = text.isascii()  # ast's byte offsets are the tokenizer's columns

    # --- positions -----------------------------------------------------------------------

    def convert(self, carets: list[tuple[int, int]]) -> str:
        """The text with the ``^`` operators at ``carets`` (line, column) made ``**``.

        This is SymPy's ``convert_xor``, applied to the text: only operator tokens are
        listed, so a ``^`` in a comment stays as it is.
        """
        if not carets:
            return self.text
        by_line: dict[int, list[int]] = {}
        for line, col in carets:
            by_line.setdefault(line, []).append(col)
        converted = list(self.lines)
        for line, cols in by_line.items():
            text = converted[line - 1]
            parts, start = [], 0
            for col in cols:
                parts.append(text[start:col])
                start = col + 1
            parts.append(text[start:])
            converted[line - 1] = "**".join(parts)
            # where each '**' starts in the converted line: the k-th one moved k columns
            self.carets[line] = [col + k for k, col in enumerate(cols)]
        self.converted = converted
        self.plain = False
        return "".join(converted)

    def column(self, line: int, col: int) -> int:
        """The tokenizer's column of character column ``col`` of converted line ``line``."""
        starts = self.carets.get(line)
        if starts:  # both characters of a '**' are the column of its '^'
            col -= bisect_right(starts, col - 1)
        return col

    def byte_column(self, line: int, offset: int) -> int:
        """The tokenizer's column of ``ast``'s UTF-8 byte ``offset`` in converted ``line``."""
        text = self.converted[line - 1] if 0 < line <= len(self.converted) else ""
        if not text.isascii():
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "replace"))
        return self.column(line, offset)

    def node_pos(self, node: ast.AST) -> tuple[int, int]:
        """Where an ``ast`` node starts, as (line, the tokenizer's column)."""
        line = node.lineno  # type: ignore[attr-defined]
        if self.plain:
            return line, node.col_offset  # type: ignore[attr-defined]
        return line, self.byte_column(line, node.col_offset)  # type: ignore[attr-defined]

    def segment(self, node: ast.AST) -> str:
        """The user's text of a subexpression, white space folded."""
        line, col = self.node_pos(node)
        end_line, end_col = node.end_lineno, node.end_col_offset  # type: ignore[attr-defined]
        if not self.plain:
            end_col = self.byte_column(end_line, end_col)
        if end_line == line:
            text = self.lines[line - 1][col:end_col]
        else:
            parts = [self.lines[line - 1][col:]]
            parts += self.lines[line:end_line - 1]
            parts.append(self.lines[end_line - 1][:end_col])
            text = " ".join(parts)
        return " ".join(text.split())

    # --- messages ------------------------------------------------------------------------

    def error(self, message: str, line: int, col: int, cls: type = ParseError,
              hint: str = "") -> Exception:
        """``<message> at column N[ (hint)]``, N the user's column of the tokenizer's ``col``,
        with the line and a caret under that column."""
        hint = f" ({hint})" if hint else ""
        context = self._context(line, col)
        indent = self.indents[line - 1] if context and line <= len(self.indents) else 0
        if indent:
            col += indent
            context = ["  " + " " * indent + shown[2:] for shown in context]
        return cls(f"{message} at {self._where(line, col)}{hint}", context=context)

    def _context(self, line: int, col: int) -> list[str]:
        """The offending (stripped) line and a caret under the column."""
        if not 1 <= line <= len(self.lines):
            return []
        # one character per column, none that a terminal would act on (tabs, bidi controls)
        shown = "".join(ch if ch.isprintable() else " " if ch == "\t" else "?"
                        for ch in self.lines[line - 1].rstrip("\n"))
        if len(shown) > 120:  # show a window around the column of a long line
            start = max(0, col - 60)
            shown, col = ("…" if start else "") + shown[start : start + 120], col - start + (
                1 if start else 0)
        return ["  " + shown, "  " + " " * max(col, 0) + "^"]

    def _where(self, line: int, col: int) -> str:
        if len(self.lines) > 1:
            return f"line {line}, column {col + 1}"
        return f"column {col + 1}"


def read_source(text: str) -> Source:
    """The text, checked for size and control characters, its indentation stripped."""
    if len(text) > MAX_CHARS:
        raise LimitError(f"the formula is {len(text):,} characters long; the limit is "
                         f"{MAX_CHARS:,}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        lines_before = text[: bad.start()].split("\n")
        src = Source(text, text.split("\n")[: len(lines_before)])
        raise src.error(f"unexpected control character {show_char(bad.group())}",
                        len(lines_before), len(lines_before[-1]))
    indents = None
    if text[:1] in (" ", "\t") or "\n " in text or "\n\t" in text:
        lines = text.split("\n")
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines]
        text = "\n".join(ln.lstrip(" \t") for ln in lines)
    return Source(text, text.splitlines(keepends=True) or [""], indents)


def show_char(ch: str) -> str:
    """A character for a message: quoted when printable, with its code point when not ASCII."""
    if len(ch) != 1:
        return repr(ch)
    code = f"U+{ord(ch):04X}"
    if ch.isprintable() and not ch.isspace():
        return f"'{ch}'" if ch.isascii() else f"'{ch}' ({code})"
    return code


def short(text: str, width: int = 40) -> str:
    """``text``, cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"
