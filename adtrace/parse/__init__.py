"""Text -> :class:`~adtrace.program.Program`, without evaluating anything.

One path, in four steps, each in its own module:

* :mod:`.source` reads the text (size, control characters, indentation) and maps
  every position back to the user's column for messages;
* :mod:`.tokens` checks each token of Python's tokenizer against an allow-list, makes
  ``^`` a power (SymPy's ``convert_xor``) and ``ast.parse``-s the result;
* :mod:`.walk` walks that tree, iteratively and against a second allow-list, into a
  DAG in which a subexpression written twice is one node;
* :mod:`.assemble` picks the outputs, orders the inputs and numbers the rows.

Nothing is ever ``eval``'d: ``parse_expr`` would run code and reorder ``a - b`` into
``a + (-1)*b``.  The limits on input size are in :mod:`.limits`.
"""

from __future__ import annotations

import re

from ..errors import BindingError, DomainError, LimitError, ParseError
from ..program import Const, Program
from .assemble import assemble
from .limits import (
    MAX_CHARS,
    MAX_COMPARE_ROWS,
    MAX_EXACT_BITS,
    MAX_NAME_CHARS,
    MAX_NUMBER_DIGITS,
    MAX_OPERATIONS,
    MAX_PAREN_DEPTH,
    MAX_STATEMENT_OPS,
    MAX_STATEMENTS,
    MAX_TRACE_ROWS,
    check_trace_size,
)
from .source import read_source, short
from .tokens import check_tokens, python_tree
from .walk import Dag

__all__ = [
    "MAX_CHARS", "MAX_COMPARE_ROWS", "MAX_EXACT_BITS", "MAX_NAME_CHARS", "MAX_NUMBER_DIGITS",
    "MAX_OPERATIONS", "MAX_PAREN_DEPTH", "MAX_STATEMENT_OPS", "MAX_STATEMENTS",
    "MAX_TRACE_ROWS", "check_trace_size", "parse_constant", "parse_program",
]


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
    src = read_source(text)
    tree = python_tree(src, check_tokens(src))
    dag = Dag(src)
    stmts = dag.statements(tree)  # type: ignore[arg-type]
    return assemble(dag, stmts, text, inputs, outputs, order)


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
        return _constant(stripped)
    except ParseError as e:
        raise BindingError(f"{what}: '{short(stripped)}' is not a number "
                           f"({_no_column(e.message)})") from None
    except (LimitError, DomainError) as e:
        raise BindingError(f"{what}: {_no_column(e.message)}") from None


def _constant(text: str) -> Const:
    src = read_source(text)
    checked = check_tokens(src)
    if checked.separated:
        raise ParseError("a single value is expected")
    tree = python_tree(src, checked, "eval")
    dag = Dag(src)
    value = dag.expression(tree.body, 0)  # type: ignore[attr-defined]
    if not isinstance(value, Const):
        names = ", ".join(sorted(dag.inputs)) or "a variable"
        raise ParseError(f"it uses {names}; only numbers, pi and E are allowed")
    return value


def _no_column(message: str) -> str:
    """A message about a value without its ``at column N`` (the value is short and quoted)."""
    return re.sub(r" at (line \d+, )?column \d+", "", message, count=1)

