"""Text -> :class:`~adtrace.program.Program`, without evaluating anything.

The text is tokenized by Python's tokenizer (the one SymPy's parser uses), each
token is checked against an allow-list, SymPy's ``convert_xor`` transformation
makes ``^`` a power, and ``ast.parse`` of the result gives a tree that still has
the user's order and binary operators.  That tree is walked (iteratively, so
long chains cannot overflow the stack) against a second allow-list and turned
into the DAG.  Nothing is ever ``eval``'d: ``parse_expr`` would run code and
reorder ``a - b`` into ``a + (-1)*b``.

Ordinary text takes a fast path to the same tree (see "the fast path" below):
large programs would otherwise spend most of their time in the tokenizer.
"""

from __future__ import annotations

import ast
import difflib
import io
import keyword
import math
import re
import tokenize
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .errors import AdtraceError, BindingError, DomainError, LimitError, ParseError
from .ops import CONSTANTS, FUNCTIONS, RULES
from .program import FLOAT_CONST, Arg, Const, Eqn, Program, const_eval

# --- limits (documented in README.md) ------------------------------------------------------

MAX_CHARS = 500_000  # the whole formula or program file, in characters
MAX_STATEMENTS = 50_000  # statements (lines or ';'-separated) in a program
MAX_OPERATIONS = 50_000  # elementary operations after sharing repeated subexpressions
MAX_STATEMENT_OPS = 1_000  # operators in one statement (deeper chains: write a program)
MAX_PAREN_DEPTH = 100  # nested parentheses
MAX_NUMBER_DIGITS = 400  # characters in one number literal (its value must also fit a float)
MAX_NAME_CHARS = 200  # characters in one name
MAX_EXACT_BITS = 100_000  # a constant power a**b larger than 2**this is refused, not computed
MAX_TRACE_ROWS = 200_000  # tangent or adjoint rows over all sweeps (sweeps x operations)
MAX_COMPARE_ROWS = 1_000_000  # compare's forward sweeps: counted, not kept or printed

ALLOWED_OPS = {"+", "-", "*", "/", "**", "^", "(", ")", ",", ";", "="}
BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
NUMBER_RE = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
TOKEN_NAMES = {  # what a refused operator is, for the message "<this> not allowed"
    ".": "attribute access ('.') is", "[": "square brackets ('[') are",
    "]": "square brackets (']') are", "{": "braces ('{') are", "}": "braces ('}') are",
    ":": "':' is", "//": "floor division ('//') is", "%": "'%' is", "@": "'@' is",
    "==": "comparisons ('==') are", "!=": "comparisons ('!=') are",
    "<": "comparisons ('<') are", ">": "comparisons ('>') are",
    "<=": "comparisons ('<=') are", ">=": "comparisons ('>=') are", "&": "'&' is",
    "|": "'|' is", "~": "'~' is", "<<": "'<<' is", ">>": "'>>' is",
    ":=": "assignment expressions (':=') are", "->": "'->' is", "...": "'...' is",
    "!": "'!' is", "**=": "augmented assignment ('**=') is",
}


@dataclass
class _Source:
    """The user's text and, per line, where each column of the converted text came from."""

    text: str
    lines: list[str]
    colmaps: list[list[int]] = field(default_factory=list)  # new col -> original col

    def context(self, line: int, col: int) -> list[str]:
        """The offending line and a caret under the (0-based) column."""
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

    def where(self, line: int, col: int) -> str:
        if len(self.lines) > 1:
            return f"line {line}, column {col + 1}"
        return f"column {col + 1}"

    def error(self, message: str, line: int, col: int, cls: type = ParseError,
              hint: str = "") -> Exception:
        """``<message> at column N[ (hint)]`` with the line and a caret under the column."""
        hint = f" ({hint})" if hint else ""
        return cls(f"{message} at {self.where(line, col)}{hint}",
                   context=self.context(line, col))

    def orig_col(self, line: int, byte_col: int, converted_line: str) -> int:
        """Map an ``ast`` byte offset in the converted line to a column of the user's text."""
        col = byte_col if converted_line.isascii() else \
            len(converted_line.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        cmap = self.colmaps[line - 1] if line - 1 < len(self.colmaps) else []
        if col < len(cmap):
            return cmap[col]
        return (cmap[-1] + 1) if cmap else col


# --- tokens -------------------------------------------------------------------------------------


def _tokens(src: _Source) -> list[tokenize.TokenInfo]:
    """Tokenize and check every token against the allow-list (:func:`_check_tokens`) as it
    comes, so that oversized input is refused at the first token past a limit."""
    toks: list[tokenize.TokenInfo] = []
    reader = io.StringIO(src.text).readline

    def kept() -> Iterator[tokenize.TokenInfo]:
        for tok in tokenize.generate_tokens(reader):
            if tok.type not in _SKIPPED:
                toks.append(tok)
                yield tok

    try:
        return _check_tokens(src, kept())
    except tokenize.TokenError:
        # the text ended inside a statement: report the first problem before the end
        # (an unclosed parenthesis, usually), or what made the tokenizer stop (since
        # Python 3.12: an unclosed string, a stray backslash), or else the end itself
        _check_tokens(src, toks)
        for lineno, text in enumerate(src.lines, start=1):
            m = re.search(r"""['"]|\\(?!\n)""", text.split("#")[0])
            if m:
                what = "strings are not allowed" if m.group() in "'\"" else \
                    "unexpected character '\\'"
                raise src.error(what, lineno, m.start()) from None
        last = len(src.lines)
        raise src.error("unexpected end of formula", last,
                        len(src.lines[-1].rstrip("\n")) if src.lines else 0) from None
    except (IndentationError, SyntaxError) as e:  # the tokenizer's own complaints
        where = (e.lineno or 1, (e.offset or 1) - 1)
        _check_tokens(src, [t for t in toks if t.start < where], final=False)
        raise src.error(_syntax_message(e.msg), *where) from None


_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT}
_ARITH = {"+", "-", "*", "/", "**", "^"}
_BINARY_ONLY = {"*", "/", "**", "^"}  # the operators that cannot be unary
_STRING_TYPES = {tokenize.STRING} | {getattr(tokenize, n) for n in (
    "FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, n)}
_LOOKALIKES = {"−": "-", "–": "-", "—": "-", "×": "*", "·": "*", "⋅": "*", "∗": "*",
               "÷": "/", "∕": "/", "＋": "+", "（": "(", "）": ")", "，": ","}
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _is_op(tok: tokenize.TokenInfo | None, ops: set[str] | str) -> bool:
    return tok is not None and tok.type == tokenize.OP and tok.string in ops


def _ends_operand(tok: tokenize.TokenInfo | None) -> bool:
    """Whether an operand ends with ``tok`` (a name, a number or ``)``)."""
    return tok is not None and (tok.type in (tokenize.NAME, tokenize.NUMBER) or
                                _is_op(tok, {")"}))


def _check_tokens(src: _Source, tokens: Iterable[tokenize.TokenInfo],
                  final: bool = True) -> list[tokenize.TokenInfo]:
    """Check the tokens against the allow-list and the limits, left to right.

    Only names, decimal numbers, ``+ - * / ** ^ ( ) , ; =`` and line ends pass.
    The first problem is reported at its column, and common slips (``2x``,
    ``x+``, ``x*/y``, ``)(``) get a message of their own instead of "syntax error".
    """
    stack: list[tuple[int, int]] = []  # open parentheses
    ops_in_statement = 0
    statements = 0
    prev: tokenize.TokenInfo | None = None  # the previous token of this statement
    prev2: tokenize.TokenInfo | None = None
    toks: list[tokenize.TokenInfo] = []
    for tok in tokens:
        toks.append(tok)
        line, col = tok.start
        kind, s = tok.type, tok.string
        if kind in (tokenize.NEWLINE, tokenize.ENDMARKER) or (kind == tokenize.OP and s == ";"):
            if _is_op(prev, _ARITH | {"="}):
                assert prev is not None
                where = (line, col) if kind == tokenize.OP else prev.end
                raise src.error(f"'{prev.string}' is missing its right operand", *where)
            if stack:  # ';' inside parentheses
                raise src.error("unbalanced parenthesis: '(' is never closed", *stack[-1])
            if prev is not None:
                statements += 1
                if statements > MAX_STATEMENTS:
                    raise src.error(f"more than {MAX_STATEMENTS:,} statements", line, col,
                                    LimitError)
            elif kind == tokenize.OP:
                raise src.error("an empty statement before ';'", line, col)
            ops_in_statement, prev, prev2 = 0, None, None
            continue
        if kind in _STRING_TYPES:
            raise src.error("strings are not allowed", line, col)
        if kind == tokenize.ERRORTOKEN:
            if s.isspace():  # stray white space before a '\\' that continues no line
                continue
            ch = s.strip() or s
            if ch in ("'", '"'):
                raise src.error("strings are not allowed", line, col)
            if ch == "!":
                raise src.error("factorials ('!') are not supported", line, col)
            raise src.error(f"unexpected character {_show_char(ch)}", line, col,
                            hint=_lookalike(ch))
        if kind == tokenize.NAME:
            _check_name(src, tok, prev)
        elif kind == tokenize.NUMBER:
            _check_number(src, tok, prev)
        elif kind == tokenize.OP:
            if s == "!":  # an operator token since Python 3.12
                raise src.error("factorials ('!') are not supported", line, col)
            if s in ("$", "?", "`"):
                raise src.error(f"unexpected character '{s}'", line, col)
            if s not in ALLOWED_OPS:
                raise src.error(_not_allowed(s), line, col)
            if s in _BINARY_ONLY and not _ends_operand(prev):
                if prev is None or _is_op(prev, {"(", ",", "="}):
                    raise src.error(f"'{s}' is missing its left operand", line, col)
                assert prev is not None
                raise src.error(f"unexpected '{s}' right after '{prev.string}'", line, col)
            if s in (")", ",", "=") and _is_op(prev, _ARITH):
                assert prev is not None
                raise src.error(f"'{prev.string}' is missing its right operand", line, col)
            if s == "(":
                if prev is not None and prev.type == tokenize.NUMBER:
                    raise src.error(f"write '{prev.string}*(' for a product (implicit "
                                    "multiplication is not supported)", line, col)
                if _is_op(prev, {")"}):
                    raise src.error("missing an operator between ')' and '(' (write ')*(' "
                                    "for a product)", line, col)
                stack.append((line, col))
                if len(stack) > MAX_PAREN_DEPTH:
                    raise src.error(
                        f"parentheses nested more than {MAX_PAREN_DEPTH} deep; write deeper "
                        "formulas as a program with intermediate names", line, col, LimitError)
            elif s == ")":
                if not stack:
                    raise src.error("unbalanced parenthesis: ')' has no matching '('", line, col)
                stack.pop()
                if _is_op(prev, {"("}) and not (prev2 is not None and
                                                prev2.type == tokenize.NAME):
                    raise src.error("empty parentheses", line, col)
            elif s == ",":
                if _is_op(prev, {"(", ","}):
                    raise src.error("missing an argument before ','", line, col)
            elif s == "=":
                if prev is None:
                    raise src.error("'=' needs a name on its left", line, col)
            elif s in _ARITH:
                ops_in_statement += 1
                if ops_in_statement > MAX_STATEMENT_OPS:
                    raise src.error(
                        f"more than {MAX_STATEMENT_OPS:,} operators in one statement; split "
                        "it into a program with intermediate names", line, col, LimitError)
        else:  # pragma: no cover - any other token type
            raise src.error(f"unexpected {s!r}", line, col)
        prev2, prev = prev, tok
    if stack and final:
        raise src.error("unbalanced parenthesis: '(' is never closed", *stack[-1])
    return toks


# --- the fast path ---------------------------------------------------------------------------
#
# Python's tokenizer is written in Python (before 3.12) and takes most of the time of
# a large program.  Text made only of ASCII names, decimal numbers, the allowed
# operators, white space and comments -- well-formed programs, in practice -- is
# checked instead by a few regular expressions and a short loop over the operators,
# which refuse (return None for) anything the full check might refuse: the full path
# then runs and reports the problem.  What they do not check, ``ast.parse`` and the
# builder do; any error there also sends the text down the full path, so a message
# never depends on which path saw the problem first.  ``^`` is converted as SymPy's
# ``convert_xor`` converts it: every ``^`` operator becomes ``**``.
# ``tests/test_parse_paths.py`` compares both paths on valid, invalid and random text.

_FAST_CHARS = re.compile(r"[^A-Za-z0-9_ \t\n.+\-*/^(),;=]")
_NUMBER_TOKEN = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
# what the fast path refuses, as one pattern: one pass over the text
_FAST_REFUSED = re.compile(r"""
    (?<![\w.])  # at the start of a name or number:
    (?: (?:""" + "|".join(keyword.kwlist) + r""")\b  # a keyword
      | __  # a name that starts with '__'
      | [\w.]{""" + str(min(MAX_NAME_CHARS, MAX_NUMBER_DIGITS) + 1) + r""",}  # a long one
      | 0\d  # a leading zero
      | [\d.][\w.]*[eE][+-]?\d{3}  # an exponent that may overflow
      # a number glued to a letter, digit, '_' or '.' ('2x', '0x1f', '1_000', '1.2.3'):
      # the lookahead and back reference take the number whole, as the tokenizer does
      | (?=(""" + _NUMBER_TOKEN + r"""))\1[\w.]
    )
  | \)\s*\(  # ')(' (also across lines, where it may be two statements)
""", re.VERBOSE)
_FAST_OPS = re.compile(r"\*\*|[-+*/^()\n;]")
_COMMENT = re.compile(r"#[^\n]*")


def _fast_scan(src: _Source) -> dict[tuple[int, int], tuple[int, str]] | None:
    """The positions of the ``^`` to convert, or None if the text needs the full check.

    Refused here: any character but ASCII letters, digits and ``_ .+-*/^(),;=``, and
    white space (comments aside); what ``_FAST_REFUSED`` finds; more than
    :data:`MAX_PAREN_DEPTH` nested parentheses and more than
    :data:`MAX_STATEMENT_OPS` operators in a statement.
    """
    code = _COMMENT.sub("", src.text) if "#" in src.text else src.text
    if _FAST_CHARS.search(code) or _FAST_REFUSED.search(code):
        return None
    depth = ops = 0
    for tok in _FAST_OPS.findall(code):
        if tok == "(":
            depth += 1
            if depth > MAX_PAREN_DEPTH:
                return None
        elif tok == ")":
            depth -= 1
        elif tok == "\n" or tok == ";":
            if not depth:
                ops = 0
        else:
            ops += 1
            if ops > MAX_STATEMENT_OPS:
                return None
    carets: dict[tuple[int, int], tuple[int, str]] = {}
    if "^" in code:
        for line, text in enumerate(code.split("\n"), start=1):
            col = text.find("^")
            while col >= 0:
                carets[(line, col)] = (1, "**")
                col = text.find("^", col + 1)
    return carets


def _show_char(ch: str) -> str:
    """A character for a message: quoted when printable, with its code point when not ASCII."""
    if len(ch) != 1:
        return repr(ch)
    code = f"U+{ord(ch):04X}"
    if ch.isprintable() and not ch.isspace():
        return f"'{ch}'" if ch.isascii() else f"'{ch}' ({code})"
    return code


def _lookalike(ch: str) -> str:
    if ch in _LOOKALIKES:
        return f"write '{_LOOKALIKES[ch]}'"
    if ch in _SUPERSCRIPTS:
        return f"write ^{_SUPERSCRIPTS.index(ch)} for a power"
    return ""


def _not_allowed(s: str) -> str:
    what = TOKEN_NAMES.get(s)
    if what is None:
        if s.endswith("=") and s[:-1] in _ARITH | {"//", "%", "@", "&", "|", "<<", ">>"}:
            what = f"augmented assignment ('{s}') is"
        else:
            what = f"'{s}' is"
    return f"{what} not allowed"


def _check_name(src: _Source, tok: tokenize.TokenInfo, prev: tokenize.TokenInfo | None) -> None:
    line, col = tok.start
    s = tok.string
    if len(s) > MAX_NAME_CHARS:
        raise src.error(f"a name longer than {MAX_NAME_CHARS} characters", line, col, LimitError)
    # the tokenizer's names are wider than Python's identifiers ('x²')
    for k, ch in enumerate(s if not s.isidentifier() else ""):
        if ch in _SUPERSCRIPTS:
            raise src.error(f"write '{s[:k]}^{_SUPERSCRIPTS.index(ch)}' for a power "
                            "(superscripts are not supported)", line, col + k)
        if not (s[: k + 1].isidentifier()):
            raise src.error(f"unexpected character {_show_char(ch)}", line, col + k,
                            hint=_lookalike(ch))
    plain = unicodedata.normalize("NFKC", s)
    if plain != s:  # Python itself would read 'ｘ' as 'x' and 'ﬁ' as 'fi'
        raise src.error(f"'{s}' is not a plain name (write '{plain}')", line, col)
    if keyword.iskeyword(s):
        raise src.error(f"'{s}' is not allowed (a Python keyword)", line, col)
    if s.startswith("__"):
        raise src.error(f"names starting with '__' are not allowed ('{s}')", line, col)
    if prev is not None and prev.type == tokenize.NUMBER and prev.end == tok.start:
        if re.fullmatch(r"[eE]\d*", s) and "e" not in prev.string.lower():
            raise src.error(f"'{prev.string}{s}' is not a number (an exponent needs digits, "
                            f"as in {prev.string}e3)", *prev.start)
        raise src.error(f"write '{prev.string}*{s}' for a product (implicit multiplication "
                        "is not supported)", line, col)
    if _ends_operand(prev):
        assert prev is not None
        if prev.type == tokenize.NAME and prev.string in FUNCTIONS:
            raise src.error(f"write '{prev.string}({s})': a function's argument goes in "
                            "parentheses", line, col)
        raise src.error(f"missing an operator between '{prev.string}' and '{s}'", line, col)


def _check_number(src: _Source, tok: tokenize.TokenInfo,
                  prev: tokenize.TokenInfo | None) -> None:
    line, col = tok.start
    s = tok.string
    if prev is not None and prev.type == tokenize.NUMBER and prev.end == tok.start:
        if re.fullmatch(r"0+", prev.string) and s[:1].isdigit():  # '007'
            raise src.error("numbers cannot have leading zeros", *prev.start)
        raise src.error(f"'{prev.string}{s}' is not a number", *prev.start)
    if _ends_operand(prev):
        assert prev is not None
        raise src.error(f"missing an operator between '{prev.string}' and '{s}'", line, col)
    if not NUMBER_RE.fullmatch(s):
        if s[-1:] in "jJ":
            raise src.error("imaginary numbers are not supported", line, col)
        if re.fullmatch(r"0\d+", s):
            raise src.error(f"numbers cannot start with 0 ('{s}')", line, col)
        raise src.error(f"numbers are written in decimal ('{_short(s)}' is not)", line, col)
    if len(s) > MAX_NUMBER_DIGITS:
        raise src.error(f"a number longer than {MAX_NUMBER_DIGITS} digits", line, col, LimitError)
    if not math.isfinite(float(s)):
        raise src.error(f"the number {_short(s)} is too large (floating point reaches about "
                        "1.8e308)", line, col, LimitError)


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _convert(src: _Source, toks: list[tokenize.TokenInfo]) -> str:
    """Apply SymPy's ``convert_xor`` and rebuild the source, remembering every column."""
    pairs = [(t.type, t.string) for t in toks]
    if any(t.type == tokenize.OP and t.string == "^" for t in toks):
        # SymPy's own transformation; imported only when there is a '^' to convert,
        # since importing SymPy costs more than parsing a 20,000-operation program
        from sympy.parsing.sympy_parser import convert_xor

        converted = convert_xor(pairs, {}, {})
    else:
        converted = pairs
    changed: dict[tuple[int, int], tuple[int, str]] = {}
    for tok, (_, new) in zip(toks, converted):
        if new != tok.string:
            changed[tok.start] = (len(tok.string), new)
    return _rewrite(src, changed)


def _rewrite(src: _Source, changed: dict[tuple[int, int], tuple[int, str]]) -> str:
    """The source with the tokens at ``changed`` positions, (line, column): (width, new
    text), replaced; ``src.colmaps`` maps the columns of the result back to the user's."""
    if not changed:  # the common case: no column moves (orig_col reads no map as identity)
        src.colmaps = []
        return "".join(src.lines)
    out_lines: list[str] = []
    src.colmaps = []
    rows = {line for line, _ in changed}
    for lineno, line in enumerate(src.lines, start=1):
        if lineno not in rows:
            out_lines.append(line)
            src.colmaps.append(list(range(len(line))))
            continue
        chars: list[str] = []
        cmap: list[int] = []
        i = 0
        while i < len(line):
            if (lineno, i) in changed:
                width, new = changed[(lineno, i)]
                chars.append(new)
                cmap.extend([i] * len(new))
                i += width
            else:
                chars.append(line[i])
                cmap.append(i)
                i += 1
        out_lines.append("".join(chars))
        src.colmaps.append(cmap)
    return "".join(out_lines)


def _syntax_message(msg: str) -> str:
    msg = msg or "syntax error"
    if msg.startswith("invalid syntax"):
        return "syntax error"
    if "never closed" in msg:
        return "unbalanced parenthesis: '(' is never closed"
    if msg.startswith("unmatched"):
        return "unbalanced parenthesis: ')' has no matching '('"
    if "cannot assign" in msg or "assign to" in msg:
        return "only a name can be assigned to"
    if "Perhaps you forgot a comma" in msg:
        return "syntax error (an operator is missing)"
    if "unexpected indent" in msg or "unindent" in msg:
        return "syntax error (unexpected indentation)"
    if "leading zeros" in msg:
        return "numbers cannot have leading zeros"
    if "Exceeds the limit" in msg:
        return "a number that is too long"
    return msg.rstrip(".")


# --- the tree -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    """A provisional node while the DAG is built."""

    op: str | None  # None for an input
    args: tuple = ()
    name: str | None = None  # input name, or the name a statement assigned
    alias: str | None = None
    stmt: int = 0
    pre: int = 0  # pre-order position of its first occurrence (left to right as written)
    post: int = 0  # post-order position (evaluation order as written)
    depth: int = 0
    line: int = 1
    col: int = 0


class _Builder:
    def __init__(self, src: _Source, converted_lines: list[str]) -> None:
        self.src = src
        self.clines = converted_lines
        self.nodes: list[_Node] = []
        self.keys: dict[tuple, int] = {}
        self.env: dict[str, int | Const] = {}  # assigned names
        self.assigned_at: dict[str, int] = {}  # name -> line
        self.inputs: dict[str, int] = {}  # input name -> node
        self.input_line: dict[str, int] = {}
        self.used_after: dict[str, bool] = {}
        self.counter = 0
        # ast's byte offsets are the user's columns: ASCII text, no '^' converted
        self.plain = not src.colmaps and all(line.isascii() for line in converted_lines)

    # positions
    def pos(self, node: ast.AST) -> tuple[int, int]:
        if self.plain and hasattr(node, "lineno"):
            return node.lineno, node.col_offset  # type: ignore[attr-defined]
        line = getattr(node, "lineno", 1)
        col = self.src.orig_col(line, getattr(node, "col_offset", 0), self.clines[line - 1]
                                if line - 1 < len(self.clines) else "")
        return line, col

    def fail(self, message: str, node: ast.AST, cls: type = ParseError,
             hint: str = "") -> Exception:
        line, col = self.pos(node)
        return self.src.error(message, line, col, cls, hint)

    def segment(self, node: ast.AST) -> str:
        """The user's text of a subexpression, white space folded."""
        line, col = self.pos(node)
        end_line = getattr(node, "end_lineno", line)
        end_col = self.src.orig_col(end_line, getattr(node, "end_col_offset", 0),
                                    self.clines[end_line - 1])
        if end_line == line:
            text = self.src.lines[line - 1][col:end_col]
        else:
            parts = [self.src.lines[line - 1][col:]]
            parts += self.src.lines[line:end_line - 1]
            parts.append(self.src.lines[end_line - 1][:end_col])
            text = " ".join(parts)
        return re.sub(r"\s+", " ", text).strip()

    # nodes
    def input(self, name: str, node: ast.AST, stmt: int) -> int:
        if name in self.inputs:
            return self.inputs[name]
        line, col = self.pos(node)
        idx = len(self.nodes)
        self.nodes.append(_Node(None, name=name, stmt=stmt, pre=self.counter, line=line, col=col))
        self.counter += 1
        self.inputs[name] = idx
        self.input_line[name] = line
        return idx

    def op(self, op: str, args: tuple[Arg, ...], alias: str | None, stmt: int, pre: int,
           node: ast.AST) -> int:
        # an argument is a node (an int) or a constant (its tree, a tuple)
        key = (op, *[a if a.__class__ is int else a.tree for a in args])
        found = self.keys.get(key)
        if found is not None:
            return found
        if len(self.nodes) - len(self.inputs) >= MAX_OPERATIONS:
            raise self.fail(f"more than {MAX_OPERATIONS:,} operations", node, LimitError)
        nodes = self.nodes
        depth = 1 + max([nodes[a].depth for a in args if a.__class__ is int])
        line, col = self.pos(node)
        idx = len(self.nodes)
        self.nodes.append(_Node(op, args, alias=alias, stmt=stmt, pre=pre, post=idx,
                                depth=depth, line=line, col=col))
        self.keys[key] = idx
        return idx

    def constant(self, op: str, args: list[Const], node: ast.AST) -> Const:
        tree = (op, *(a.tree for a in args))
        text = self.segment(node)
        if op == "pow" and _power_bits(args[0].value, args[1].value) > MAX_EXACT_BITS:
            raise self.fail(f"the constant {_short(text)} is too large to compute (more than "
                            f"2^{MAX_EXACT_BITS:,})", node, LimitError)
        try:
            value = RULES[op].value(FLOAT_CONST, *(a.value for a in args))
        except OverflowError:
            raise self.fail(f"the constant {text} overflows", node, DomainError) from None
        except (ValueError, ZeroDivisionError):
            raise self.fail(f"the constant {text} is undefined", node, DomainError) from None
        if isinstance(value, complex) or not math.isfinite(value):
            raise self.fail(f"the constant {text} is not a finite real number", node, DomainError)
        return Const(text, tree, float(value))

    # the walk
    def expression(self, root: ast.AST, stmt: int) -> int | Const:
        """Post-order walk of one statement's expression, with an explicit stack.

        The stack holds nodes to visit and, below their children, ``(node, pre-order
        position, number of children)`` to build once the children's results are on
        ``results``.  Each node is checked by :meth:`children` once.
        """
        results: list[int | Const] = []
        stack: list = [root]
        children, build = self.children, self.build
        while stack:
            item = stack.pop()
            if item.__class__ is tuple:
                node, pre, n = item
                kids = results[-n:] if n else []
                if n:
                    del results[-n:]
                results.append(build(node, kids, stmt, pre))
                continue
            if item.__class__ is ast.Name:  # a leaf: built as soon as it is visited
                self.counter += 1
                results.append(build(item, [], stmt, self.counter - 1))
                continue
            kids_of = children(item)
            stack.append((item, self.counter, len(kids_of)))
            self.counter += 1
            stack.extend(reversed(kids_of))
        return results[0]

    def children(self, node: ast.AST) -> list[ast.AST]:
        cls = node.__class__
        if cls is ast.Name:
            return []
        if cls is ast.BinOp:
            if node.op.__class__ not in BINOPS:  # type: ignore[attr-defined]
                raise self.fail("unsupported operator", node)
            return [node.left, node.right]  # type: ignore[attr-defined]
        if cls is ast.Call:
            return self.check_call(node)  # type: ignore[arg-type]
        if cls is ast.UnaryOp:
            if not isinstance(node.op, (ast.USub, ast.UAdd)):  # type: ignore[attr-defined]
                raise self.fail("unsupported operator", node)
            return [node.operand]  # type: ignore[attr-defined]
        if cls is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.fail("only real numbers are allowed", node)
            return []
        if cls is ast.Tuple:
            raise self.fail("a list of values is not a formula (separate statements with ';')",
                            node)
        raise self.fail("unsupported syntax", node)

    def check_call(self, node: ast.Call) -> list[ast.AST]:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only the listed functions can be called", node)
        fname = node.func.id
        if fname not in FUNCTIONS:
            hint = difflib.get_close_matches(fname.lower(), list(FUNCTIONS), n=1, cutoff=0.6)
            more = f"did you mean {hint[0]}?" if hint else (
                f"known: {', '.join(sorted(FUNCTIONS))}")
            raise self.fail(f"unknown function '{fname}'", node, hint=more)
        if node.keywords:
            raise self.fail(f"{fname} takes no keyword arguments", node)
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail("starred arguments are not allowed", node)
        op, arity = FUNCTIONS[fname]
        n = len(node.args)
        if arity and n != arity:
            raise self.fail(f"{fname} takes {arity} argument{'s' * (arity != 1)}, got {n}", node)
        if not arity and n < 2:
            raise self.fail(f"{fname} takes 2 or more arguments, got {n}", node)
        return list(node.args)

    def build(self, node: ast.AST, kids: list, stmt: int, pre: int) -> int | Const:
        cls = node.__class__
        if cls is ast.BinOp and (kids[0].__class__ is int or kids[1].__class__ is int):
            return self.op(BINOPS[node.op.__class__], (kids[0], kids[1]), None,  # type: ignore
                           stmt, pre, node)
        if cls is ast.Name and node.id in self.env:  # type: ignore[attr-defined]
            self.used_after[node.id] = True  # type: ignore[attr-defined]
            return self.env[node.id]  # type: ignore[attr-defined]
        if isinstance(node, ast.Constant):
            text = self.segment(node)
            value = float(text) if NUMBER_RE.fullmatch(text) else math.inf
            if not math.isfinite(value):  # pragma: no cover - the token check refuses these
                raise self.fail(f"the number {_short(text)} is too large", node, LimitError)
            return Const(text, ("num", text), value)
        if isinstance(node, ast.Name):
            name = node.id
            if name in CONSTANTS:
                return Const(name, ("name", name), const_eval(("name", name), FLOAT_CONST))
            if name in FUNCTIONS:
                raise self.fail(f"'{name}' is a function: call it as {name}(...)", node)
            if name in self.env:
                self.used_after[name] = True
                return self.env[name]
            if name in self.assigned_at:  # pragma: no cover - env holds every assigned name
                raise self.fail(f"'{name}' is used before it is assigned", node, BindingError)
            return self.input(name, node, stmt)
        if isinstance(node, ast.UnaryOp):
            (arg,) = kids
            if isinstance(node.op, ast.UAdd):
                return arg
            op, alias = "neg", None
        elif isinstance(node, ast.BinOp):
            op, alias = BINOPS[type(node.op)], None
        else:
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            op = FUNCTIONS[node.func.id][0]
            alias = node.func.id if node.func.id != op else None
        if all(isinstance(k, Const) for k in kids):
            return self.constant(op, kids, node)
        return self.op(op, tuple(kids), alias, stmt, pre, node)


def _ast_parse(source: str, mode: str) -> ast.AST:
    """``ast.parse`` without its warnings reaching the user's terminal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, mode=mode)


def _power_bits(base: float, exponent: float) -> float:
    """About how many bits ``base ** exponent`` needs (its size in magnitude, either way)."""
    if base == 0 or abs(base) == 1 or exponent == 0:
        return 0.0
    return abs(exponent * math.log2(abs(base)))


# control characters, and line breaks other than \n (that str.splitlines would count as lines)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _source(text: str) -> _Source:
    if len(text) > MAX_CHARS:
        raise LimitError(f"the formula is {len(text):,} characters long; the limit is "
                         f"{MAX_CHARS:,}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        lines_before = text[: bad.start()].split("\n")
        src = _Source(text, text.split("\n")[: len(lines_before)])
        raise src.error(f"unexpected control character {_show_char(bad.group())}",
                        len(lines_before), len(lines_before[-1]))
    # indentation carries no meaning here: strip it, keeping column positions honest
    lines = text.split("\n")
    offsets = [len(ln) - len(ln.lstrip(" \t")) for ln in lines]
    stripped = "\n".join(ln.lstrip(" \t") for ln in lines)
    src = _Source(stripped, stripped.splitlines(keepends=True) or [""])
    src.offsets = offsets  # type: ignore[attr-defined]
    return src


def parse_program(text: str, *, inputs: list[str] | None = None,
                  outputs: list[str] | None = None, order: str = "level") -> Program:
    """Parse a formula or straight-line program.

    ``inputs`` (the names of ``--at``, in order) fixes the input order and must
    name every variable exactly once; ``outputs`` (``--out``) picks the outputs;
    ``order`` is ``"level"`` (by depth, then left to right) or ``"written"``.
    """
    if order not in ("level", "written"):
        raise BindingError(f"--order must be level or written, not '{order}'")
    if not text.strip():
        raise ParseError("the formula is empty")
    src = _source(text)
    built = _fast_build(src)
    if built is None:
        try:
            built = _full_build(src)
        except (ParseError, BindingError, LimitError, DomainError) as err:
            _unstrip(err, src)
            raise
    return _finish(*built, text, inputs, outputs, order)


Built = tuple["_Builder", list[tuple[str | None, "int | Const", int]]]


def _fast_build(src: _Source) -> Built | None:
    """The DAG by the fast path, or None where the text needs the full check."""
    carets = _fast_scan(src)
    if carets is None:
        return None
    try:
        converted = _rewrite(src, carets)
        builder = _Builder(src, converted.splitlines(keepends=True) or [""])
        tree = _ast_parse(converted, "exec")
        if len(tree.body) > MAX_STATEMENTS:
            return None
        return builder, _statements(builder, tree)
    except (AdtraceError, SyntaxError, RecursionError, MemoryError, ValueError):
        return None  # the full path says what is wrong, as it would have anyway


def _full_build(src: _Source) -> Built:
    """Every token checked (:func:`_tokens`), then ``ast.parse`` and the builder."""
    toks = _tokens(src)
    converted = _convert(src, toks)
    try:
        tree = _ast_parse(converted, "exec")
    except SyntaxError as e:
        line = e.lineno or 1
        cl = converted.splitlines()
        byte = len((cl[line - 1] if line - 1 < len(cl) else "")[: max((e.offset or 1) - 1, 0)]
                   .encode())
        col = src.orig_col(line, byte, cl[line - 1] if line - 1 < len(cl) else "")
        raise src.error(_syntax_message(e.msg), line, col) from None
    except (RecursionError, MemoryError):
        raise LimitError("the formula is nested too deeply; write it as a program with "
                         "intermediate names") from None
    builder = _Builder(src, converted.splitlines(keepends=True) or [""])
    return builder, _statements(builder, tree)


def _unstrip(err: Exception, src: _Source) -> None:
    """Report columns of the text as given (indentation was stripped for the tokenizer)."""
    offsets = getattr(src, "offsets", None)
    if not offsets or not getattr(err, "context", None) or not any(offsets):
        return
    m = re.search(r"at (?:line (\d+), )?column (\d+)", err.message)  # type: ignore[attr-defined]
    if not m:
        return
    line = int(m.group(1) or 1)
    shift = offsets[line - 1] if line - 1 < len(offsets) else 0
    if shift:
        col = int(m.group(2)) + shift
        err.message = (err.message[: m.start(2)] + str(col)  # type: ignore[attr-defined]
                       + err.message[m.end(2):])  # type: ignore[attr-defined]
        err.args = (err.message,)  # type: ignore[attr-defined]
        err.context = [  # type: ignore[attr-defined]
            "  " + " " * shift + err.context[0][2:],  # type: ignore[attr-defined]
            "  " + " " * shift + err.context[1][2:],  # type: ignore[attr-defined]
        ]


def _statements(b: _Builder, tree: ast.Module) -> list[tuple[str | None, int | Const, int]]:
    """Walk the statements; return the bare expressions and assignments in order."""
    stmts: list[tuple[str | None, int | Const, int]] = []  # (name or None, value, line)
    for i, st in enumerate(tree.body):
        if isinstance(st, ast.Expr):
            stmts.append((None, b.expression(st.value, i), st.lineno))
        elif isinstance(st, ast.Assign):
            if len(st.targets) != 1:
                raise b.fail("assign one name per statement ('a = b = ...' is not supported)", st)
            target = st.targets[0]
            if not isinstance(target, ast.Name):
                raise b.fail("only a name can be assigned to", target)
            name = target.id
            if name in FUNCTIONS:
                raise b.fail(f"'{name}' is a function and cannot be assigned to", target)
            if name in CONSTANTS:
                raise b.fail(f"'{name}' is a constant and cannot be assigned to", target)
            value = b.expression(st.value, i)
            if name in b.assigned_at:
                lines = "" if b.assigned_at[name] == st.lineno else \
                    f" (lines {b.assigned_at[name]} and {st.lineno})"
                raise b.fail(f"'{name}' is assigned twice{lines}; a straight-line program "
                             "assigns each name once", target, BindingError)
            if name in b.inputs:
                raise b.fail(f"'{name}' is used as an input (line {b.input_line[name]}) and "
                             f"assigned later", target, BindingError)
            b.env[name] = value
            b.assigned_at[name] = st.lineno
            b.used_after[name] = False
            if isinstance(value, int) and b.nodes[value].op is not None and \
                    b.nodes[value].name is None:
                b.nodes[value].name = name
            stmts.append((name, value, st.lineno))
        else:
            raise b.fail("unsupported statement", st)
    if not stmts:
        raise ParseError("the formula is empty")
    return stmts


def _finish(b: _Builder, stmts: list[tuple[str | None, int | Const, int]], text: str,
            inputs: list[str] | None, outputs: list[str] | None, order: str) -> Program:
    # outputs
    bare = [(value, line) for name, value, line in stmts if name is None]
    assigned = [(name, value, line) for name, value, line in stmts if name is not None]
    outs: list[tuple[str, int | Const, int]] = []
    if outputs:
        known = {name: (value, line) for name, value, line in assigned}
        for name in outputs:
            if name not in known:
                where = "an input, not an assigned name" if name in b.inputs else "not assigned"
                raise BindingError(f"--out: '{name}' is {where} in the program")
            outs.append((name, *known[name]))
    else:
        outs = [(name, value, line) for name, value, line in assigned if not b.used_after[name]]
    if bare:
        taken = set(b.inputs) | set(b.env)
        base = next(n for n in ("f", "y", "F", "out") if n not in taken)
        names = [base] if len(bare) == 1 else [f"{base}{k}" for k in range(1, len(bare) + 1)]
        outs += [(nm, value, line) for nm, (value, line) in zip(names, bare)]
    for name, value, line in outs:
        if isinstance(value, Const):
            what = f"{name} = {value.text}" if name not in ("f", "y", "F", "out") else value.text
            raise BindingError(f"{what} (line {line}) is a constant: it depends on no input, "
                               "so there is nothing to differentiate")
    if not b.inputs:
        raise BindingError("the formula has no variables to differentiate")
    # inputs in --at order
    first_seen = sorted(b.inputs, key=lambda n: b.nodes[b.inputs[n]].pre)
    if inputs is not None:
        missing = [n for n in first_seen if n not in inputs]
        extra = [n for n in inputs if n not in b.inputs]
        if missing:
            also = f" ({_names(extra)} {'is' if len(extra) == 1 else 'are'} not in the " \
                "formula)" if extra else ""
            raise BindingError(f"--at: missing a value for {_names(missing)}{also}")
        if extra:
            raise BindingError(f"--at: {_names(extra)} {'is' if len(extra) == 1 else 'are'} not "
                               f"{'a variable' if len(extra) == 1 else 'variables'} of the "
                               f"formula (variables: {', '.join(first_seen)})")
        input_names = list(inputs)
    else:
        input_names = first_seen
    # order of rows
    ops = [i for i, n in enumerate(b.nodes) if n.op is not None]
    if order == "level":
        ops.sort(key=lambda i: (b.nodes[i].stmt, b.nodes[i].depth, b.nodes[i].pre))
    else:
        ops.sort(key=lambda i: b.nodes[i].post)
    final = {b.inputs[name]: k for k, name in enumerate(input_names)}
    for k, i in enumerate(ops):
        final[i] = len(input_names) + k
    eqns = []
    for i in ops:
        n = b.nodes[i]
        args = tuple(a if isinstance(a, Const) else final[a] for a in n.args)
        eqns.append(Eqn(n.op, args, n.alias, n.name, n.line, n.col + 1))  # type: ignore[arg-type]
    depth = [0] * len(input_names) + [b.nodes[i].depth for i in ops]
    program_outputs = [(name, final[value]) for name, value, _ in outs]  # type: ignore[index]
    return Program(text, input_names, eqns, program_outputs, depth)


def _names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def check_trace_size(program: Program, sweeps: int, mode: str,
                     fewer: str | None = None, limit: int = MAX_TRACE_ROWS) -> None:
    """Refuse a trace of more than ``limit`` tangent or adjoint rows.

    A forward sweep has a row per operation; a reverse sweep at most one per
    argument.  Both also fill a value per input and output, which a program with
    thousands of outputs (one reverse sweep each) would otherwise make quadratic.
    ``fewer`` names the options that ask for fewer sweeps ("" for none).
    """
    if mode == "forward":
        per_sweep = len(program.eqns) + len(program.outputs)
        what, options = "input", "--wrt or --seed"
    else:
        per_sweep = sum(len(e.args) for e in program.eqns) + program.n_inputs + \
            len(program.outputs)
        what, options = "output", "--seed or --out"
    options = options if fewer is None else fewer
    rows = sweeps * per_sweep
    if rows > limit:
        raise LimitError(f"{sweeps:,} {mode} sweeps (one per {what}) would make some {rows:,} "
                         f"rows, more than the limit of {limit:,}" +
                         (f"; ask for fewer sweeps with {options}" if options else ""))


# --- constants on the command line ------------------------------------------------------------


def parse_constant(text: str, what: str) -> Const:
    """A value in the contract's constant notation (``1/2``, ``pi/4``, ``-3``, ``2e-3``)."""
    stripped = text.strip()
    if not stripped:
        raise BindingError(f"{what}: a value is missing")
    if len(stripped) > 1000:
        raise LimitError(f"{what}: the value is longer than 1000 characters")
    low = stripped.lower().lstrip("+-")
    if low in ("nan", "inf", "infinity", "oo"):
        raise BindingError(f"{what}: '{stripped}' is not a finite number")
    try:
        program = _constant_program(stripped)
    except ParseError as e:
        raise BindingError(f"{what}: '{_short(stripped)}' is not a number "
                           f"({_no_column(e.message)})") from None
    except (LimitError, DomainError) as e:
        raise BindingError(f"{what}: {_no_column(e.message)}") from None
    return program


def _no_column(message: str) -> str:
    """A message about a value without its ``at column N`` (the value is short and quoted)."""
    return re.sub(r" at (line \d+, )?column \d+", "", message, count=1)


def _constant_program(text: str) -> Const:
    src = _source(text)
    toks = _tokens(src)
    if any(t.type == tokenize.OP and t.string in (";", "=") for t in toks):
        raise ParseError("a single value is expected")
    converted = _convert(src, toks)
    try:
        tree = _ast_parse(converted, "eval")
    except SyntaxError as e:
        raise ParseError(_syntax_message(e.msg)) from None
    except (RecursionError, MemoryError):
        raise LimitError("nested too deeply") from None
    b = _Builder(src, converted.splitlines(keepends=True) or [""])
    value = b.expression(tree.body, 0)
    if not isinstance(value, Const):
        names = ", ".join(sorted(b.inputs)) or "a variable"
        raise ParseError(f"it uses {names}; only numbers, pi and E are allowed")
    return value
