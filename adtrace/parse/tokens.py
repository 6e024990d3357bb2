"""The front of the parser: text -> checked tokens -> the Python source ``ast.parse`` reads.

The text is tokenized by Python's tokenizer (the one SymPy's ``stringify_expr`` uses)
and every token is checked against an allow-list as it comes, so the first problem is
reported at its column, oversized input is refused at the first token past a limit,
and common slips (``2x``, ``x+``, ``x*/y``, ``)(``) get a message of their own instead
of "syntax error".  Then SymPy's ``convert_xor`` transformation makes every ``^``
operator a ``**`` (done here, token for token as SymPy does it, so that parsing never
imports SymPy), and ``ast.parse`` gives the tree.  Nothing is ever ``eval``'d.
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import re
import tokenize
import unicodedata
import warnings

from ..errors import LimitError
from ..ops import FUNCTIONS
from .limits import (
    MAX_NAME_CHARS,
    MAX_NUMBER_DIGITS,
    MAX_PAREN_DEPTH,
    MAX_STATEMENT_OPS,
    MAX_STATEMENTS,
)
from .source import Source, short, show_char

ALLOWED_OPS = {"+", "-", "*", "/", "**", "^", "(", ")", ",", ";", "="}
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

_NAME, _NUMBER, _OP = tokenize.NAME, tokenize.NUMBER, tokenize.OP
_NEWLINE, _ENDMARKER, _ERRORTOKEN = tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.ERRORTOKEN
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT}
_STRING_TYPES = {tokenize.STRING} | {getattr(tokenize, n) for n in (
    "FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, n)}
_KEYWORDS = frozenset(keyword.kwlist)
_ARITH = {"+", "-", "*", "/", "**", "^"}
_ARITH_OR_EQ = _ARITH | {"="}
_BINARY_ONLY = {"*", "/", "**", "^"}  # the operators that cannot be unary
# The checks see the previous two tokens of the statement as classes: "" (none), "n" (a
# name), "d" (a number) or the operator itself.
_OPERAND_ENDS = {"n", "d", ")"}  # an operand ends with a name, a number or ')'
_LOOKALIKES = {"−": "-", "–": "-", "—": "-", "×": "*", "·": "*", "⋅": "*", "∗": "*",
               "÷": "/", "∕": "/", "＋": "+", "（": "(", "）": ")", "，": ","}
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
#: marks that read like the trace's own (a dot for a tangent, a bar for an adjoint, two
#: dots for a second derivative), by what a name written without them would say
_TRACE_MARKS = {"\u0307": ("a dot", "dot"), "\u0304": ("a bar", "bar"),
                "\u0305": ("a bar", "bar"), "\u0308": ("two dots", "ddot")}


class Checked:
    """What the token check learned: where the ``^`` operators are, and whether the text
    has a ``;`` or ``=`` (a single value has neither)."""

    __slots__ = ("carets", "separated")

    def __init__(self, carets: list[tuple[int, int]], separated: bool) -> None:
        self.carets = carets
        self.separated = separated


def python_tree(src: Source, checked: Checked, mode: str = "exec") -> ast.AST:
    """``ast.parse`` of the checked text with each ``^`` made a power.

    ``mode`` is ``"exec"`` for a formula or program and ``"eval"`` for a single value.
    """
    converted = src.convert(checked.carets)
    try:
        with warnings.catch_warnings():  # no SyntaxWarning reaches the user's terminal
            warnings.simplefilter("ignore")
            return ast.parse(converted, mode=mode)
    except SyntaxError as e:
        line = e.lineno or 1
        text = src.converted[line - 1] if 0 < line <= len(src.converted) else ""
        col = min(max((e.offset or 1) - 1, 0), len(text.rstrip("\n")))
        raise src.error(syntax_message(e.msg), line, src.column(line, col)) from None
    except (RecursionError, MemoryError):
        raise LimitError("nested too deeply" if mode == "eval" else
                         "the formula is nested too deeply; write it as a program with "
                         "intermediate names") from None


def check_tokens(src: Source) -> Checked:
    """Check the tokens against the allow-list and the limits, left to right.

    Only names, decimal numbers, ``+ - * / ** ^ ( ) , ; =`` and line ends pass.
    """
    carets: list[tuple[int, int]] = []
    stack: list[tuple[int, int]] = []  # open parentheses
    ops = statements = 0
    pc = pc2 = ""  # the previous two tokens of this statement, as classes (see _OPERAND_ENDS)
    prev: tokenize.TokenInfo | None = None  # the previous token of this statement
    separated = False
    try:
        for tok in tokenize.generate_tokens(io.StringIO(src.text).readline):
            kind, s, start, _, _ = tok
            if kind == _NAME:  # a cheap test first: what passes it, _check_name passes
                if pc in _OPERAND_ENDS or s in _KEYWORDS or len(s) > MAX_NAME_CHARS or \
                        s[:2] == "__" or not (s.isascii() and s.isidentifier()):
                    _check_name(src, tok, prev)
                cls = "n"
            elif kind == _OP and s != ";":
                if s not in ALLOWED_OPS:
                    _refuse_operator(src, s, start)
                if s in _ARITH:
                    if s in _BINARY_ONLY and pc not in _OPERAND_ENDS:
                        _missing_left_operand(src, s, start, pc)
                    ops += 1
                    if ops > MAX_STATEMENT_OPS:
                        raise src.error(
                            f"more than {MAX_STATEMENT_OPS:,} operators in one statement; "
                            "split it into a program with intermediate names", *start,
                            LimitError)
                    if s == "^":
                        carets.append(start)
                elif s == "(":
                    if pc == "d" or pc == ")":
                        _missing_operator(src, start, prev)
                    stack.append(start)
                    if len(stack) > MAX_PAREN_DEPTH:
                        raise src.error(
                            f"parentheses nested more than {MAX_PAREN_DEPTH} deep; write "
                            "deeper formulas as a program with intermediate names", *start,
                            LimitError)
                else:  # ')' ',' '='
                    if pc in _ARITH:
                        raise src.error(f"'{pc}' is missing its right operand", *start)
                    if s == ")":
                        if not stack:
                            raise src.error("unbalanced parenthesis: ')' has no matching '('",
                                            *start)
                        stack.pop()
                        if pc == "(" and pc2 != "n":
                            raise src.error("empty parentheses", *start)
                    elif s == ",":
                        if pc == "(" or pc == ",":
                            raise src.error("missing an argument before ','", *start)
                    else:
                        separated = True
                        if not pc:
                            raise src.error("'=' needs a name on its left", *start)
                cls = s
            elif kind == _NUMBER:  # likewise for _check_number
                if pc in _OPERAND_ENDS or len(s) > MAX_NUMBER_DIGITS or \
                        not NUMBER_RE.fullmatch(s) or not math.isfinite(float(s)):
                    _check_number(src, tok, prev)
                cls = "d"
            elif kind in _SKIPPED or kind == _ERRORTOKEN and s.isspace():
                continue  # white space before a '\\' that continues no line is skipped too
            elif kind == _NEWLINE or kind == _ENDMARKER or kind == _OP:  # or ';'
                separated = separated or kind == _OP
                _end_statement(src, kind == _OP, start, prev, stack)
                if pc:
                    statements += 1
                    if statements > MAX_STATEMENTS:
                        raise src.error(f"more than {MAX_STATEMENTS:,} statements", *start,
                                        LimitError)
                ops, prev, pc, pc2 = 0, None, "", ""
                continue
            else:
                _refuse_token(src, kind, s, start)
            pc2, pc, prev = pc, cls, tok
    except tokenize.TokenError:
        # the text ended inside a statement: report an unclosed parenthesis, or what made
        # the tokenizer stop (since Python 3.12: an unclosed string, a stray backslash),
        # or else the end itself
        if stack:
            raise src.error("unbalanced parenthesis: '(' is never closed", *stack[-1]) from None
        raise _unfinished(src) from None
    except SyntaxError as e:  # the tokenizer's own complaints (IndentationError included)
        raise src.error(syntax_message(e.msg), e.lineno or 1, (e.offset or 1) - 1) from None
    if stack:  # pragma: no cover - the tokenizer ends an unclosed '(' with TokenError
        raise src.error("unbalanced parenthesis: '(' is never closed", *stack[-1])
    return Checked(carets, separated)


def _end_statement(src: Source, semicolon: bool, start: tuple[int, int],
                   prev: tokenize.TokenInfo | None, stack: list[tuple[int, int]]) -> None:
    """Refuse a statement that ends (at ``start``, with a ';' or not) right after an
    operator or '=', inside parentheses, or, before a ';', with nothing in it."""
    if prev is None:
        if semicolon:
            raise src.error("an empty statement before ';'", *start)
        return
    if prev.type == _OP and prev.string in _ARITH_OR_EQ:
        raise src.error(f"'{prev.string}' is missing its right operand",
                        *(start if semicolon else prev.end))
    if stack:  # ';' inside parentheses
        raise src.error("unbalanced parenthesis: '(' is never closed", *stack[-1])


def _unfinished(src: Source) -> Exception:
    """The error for a text the tokenizer could not finish."""
    for lineno, text in enumerate(src.lines, start=1):
        m = re.search(r"""['"]|\\(?!\n)""", text.split("#")[0])
        if m:
            what = "strings are not allowed" if m.group() in "'\"" else \
                "unexpected character '\\'"
            return src.error(what, lineno, m.start())
    return src.error("unexpected end of formula", len(src.lines),
                     len(src.lines[-1].rstrip("\n")) if src.lines else 0)


def _refuse_token(src: Source, kind: int, s: str, start: tuple[int, int]) -> None:
    """Refuse a token that is no name, number or operator: a string, a stray character."""
    if kind in _STRING_TYPES:
        raise src.error("strings are not allowed", *start)
    if kind == _ERRORTOKEN:
        ch = s.strip() or s
        if ch in ("'", '"'):
            raise src.error("strings are not allowed", *start)
        if ch == "!":
            raise src.error("factorials ('!') are not supported", *start)
        raise src.error(f"unexpected character {show_char(ch)}", *start, hint=_lookalike(ch))
    raise src.error(f"unexpected {s!r}", *start)  # pragma: no cover - any other token type


def _refuse_operator(src: Source, s: str, start: tuple[int, int]) -> None:
    if s == "!":  # an operator token since Python 3.12
        raise src.error("factorials ('!') are not supported", *start)
    if s in ("$", "?", "`"):
        raise src.error(f"unexpected character '{s}'", *start)
    what = TOKEN_NAMES.get(s)
    if what is None:
        if s.endswith("=") and s[:-1] in _ARITH | {"//", "%", "@", "&", "|", "<<", ">>"}:
            what = f"augmented assignment ('{s}') is"
        else:
            what = f"'{s}' is"
    raise src.error(f"{what} not allowed", *start)


def _missing_left_operand(src: Source, s: str, start: tuple[int, int], pc: str) -> None:
    """A binary operator ``s`` where no operand ends (``pc`` comes before it)."""
    if pc in ("", "(", ",", "="):
        raise src.error(f"'{s}' is missing its left operand", *start)
    raise src.error(f"unexpected '{s}' right after '{pc}'", *start)


def _missing_operator(src: Source, start: tuple[int, int], prev: tokenize.TokenInfo) -> None:
    """A '(' right after a number or a ')'."""
    if prev.type == _NUMBER:
        raise src.error(f"write '{prev.string}*(' for a product (implicit multiplication is "
                        "not supported)", *start)
    raise src.error("missing an operator between ')' and '(' (write ')*(' for a product)",
                    *start)


def _lookalike(ch: str) -> str:
    if ch in _TRACE_MARKS:
        return (f"{_TRACE_MARKS[ch][0]} over a letter reads as the trace's own mark, ẋ a "
                "tangent and x̄ an adjoint: write another name")
    if unicodedata.combining(ch):
        return "a combining mark: write the name with plain or precomposed letters"
    if ch in _LOOKALIKES:
        return f"write '{_LOOKALIKES[ch]}'"
    if ch in _SUPERSCRIPTS:
        return f"write ^{_SUPERSCRIPTS.index(ch)} for a power"
    return ""


def _check_name(src: Source, tok: tokenize.TokenInfo, prev: tokenize.TokenInfo | None) -> None:
    """Refuse a name that is too long, not plain, a keyword, or glued to what precedes it.

    :func:`check_tokens` calls this only for a name that fails its cheap test (after a
    name, number or ')', a keyword, long, starting with '__', not an ASCII identifier):
    whatever is refused here must fail that test.
    """
    line, col = tok.start
    s = tok.string
    if len(s) > MAX_NAME_CHARS:
        raise src.error(f"a name longer than {MAX_NAME_CHARS} characters", line, col, LimitError)
    _check_marks(src, s, line, col)
    # the tokenizer's names are wider than Python's identifiers ('x²')
    for k, ch in enumerate(s if not s.isidentifier() else ""):
        if ch in _SUPERSCRIPTS:
            raise src.error(f"write '{s[:k]}^{_SUPERSCRIPTS.index(ch)}' for a power "
                            "(superscripts are not supported)", line, col + k)
        if not (s[: k + 1].isidentifier()):
            raise src.error(f"unexpected character {show_char(ch)}", line, col + k,
                            hint=_lookalike(ch))
    plain = unicodedata.normalize("NFKC", s)
    if plain != s:  # Python itself would read 'ｘ' as 'x' and 'ﬁ' as 'fi'
        raise src.error(f"'{s}' is not a plain name (write '{plain}')", line, col)
    if keyword.iskeyword(s):
        raise src.error(f"'{s}' is not allowed (a Python keyword)", line, col)
    if s.startswith("__"):
        raise src.error(f"names starting with '__' are not allowed ('{s}')", line, col)
    if prev is None:
        return
    if prev.type == _NUMBER and prev.end == tok.start:
        if re.fullmatch(r"[eE]\d*", s) and "e" not in prev.string.lower():
            raise src.error(f"'{prev.string}{s}' is not a number (an exponent needs digits, "
                            f"as in {prev.string}e3)", *prev.start)
        raise src.error(f"write '{prev.string}*{s}' for a product (implicit multiplication "
                        "is not supported)", line, col)
    if prev.type == _NAME and prev.string in FUNCTIONS:
        raise src.error(f"write '{prev.string}({s})': a function's argument goes in "
                        "parentheses", line, col)
    if prev.type in (_NAME, _NUMBER) or prev.string == ")":
        raise src.error(f"missing an operator between '{prev.string}' and '{s}'", line, col)


def _check_marks(src: Source, s: str, line: int, col: int) -> None:
    """Refuse a precomposed letter that carries a dot or a bar (``ā``, ``ẋ``): the trace
    marks tangents and adjoints so, and ``ā = w̄1·ā`` could not be told from the adjoint
    of ``a``.  (A combining mark after a letter, ``x̄``, is a token of its own, refused
    with :func:`_lookalike`'s hint.)"""
    for k, ch in enumerate(s):
        parts = unicodedata.normalize("NFD", ch)
        marks = [m for m in parts[1:] if m in _TRACE_MARKS]
        if marks:
            plain = "".join(c for c in unicodedata.normalize("NFD", s)
                            if not unicodedata.combining(c))
            words, suffix = _TRACE_MARKS[marks[0]]
            raise src.error(f"'{s}': a letter with {words} reads as the trace's own mark (ẋ "
                            "a tangent, x̄ an adjoint); write another name, such as "
                            f"'{plain}{suffix}'", line, col + k)


def _check_number(src: Source, tok: tokenize.TokenInfo,
                  prev: tokenize.TokenInfo | None) -> None:
    """Refuse a number glued to what precedes it, not decimal, too long or too large.

    As for :func:`_check_name`, :func:`check_tokens` tests each number cheaply first.
    """
    line, col = tok.start
    s = tok.string
    if prev is not None and prev.type == _NUMBER and prev.end == tok.start:
        if re.fullmatch(r"0+", prev.string) and s[:1].isdigit():  # '007'
            raise src.error("numbers cannot have leading zeros", *prev.start)
        raise src.error(f"'{prev.string}{s}' is not a number", *prev.start)
    if prev is not None and (prev.type in (_NAME, _NUMBER) or prev.string == ")"):
        raise src.error(f"missing an operator between '{prev.string}' and '{s}'", line, col)
    if not NUMBER_RE.fullmatch(s):
        if s[-1:] in "jJ":
            raise src.error("imaginary numbers are not supported", line, col)
        if re.fullmatch(r"0\d+", s):
            raise src.error(f"numbers cannot start with 0 ('{s}')", line, col)
        raise src.error(f"numbers are written in decimal ('{short(s)}' is not)", line, col)
    if len(s) > MAX_NUMBER_DIGITS:
        raise src.error(f"a number longer than {MAX_NUMBER_DIGITS} digits", line, col, LimitError)
    if not math.isfinite(float(s)):
        raise src.error(f"the number {short(s)} is too large (floating point reaches about "
                        "1.8e308)", line, col, LimitError)


def syntax_message(msg: str) -> str:
    """Python's syntax error message in adtrace's words."""
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
