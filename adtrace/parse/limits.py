"""The limits on what the parser and the sweeps accept (documented in README.md).

Oversized input is refused with a clear error, never left to run out of time or memory.
"""

from __future__ import annotations

from ..errors import LimitError
from ..program import Program

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


def check_trace_size(program: Program, sweeps: int, mode: str,
                     fewer: str | None = None, limit: int = MAX_TRACE_ROWS) -> None:
    """Refuse a trace of more than ``limit`` tangent or adjoint rows.

    A forward sweep has a row per operation; a reverse sweep at most one per
    argument.  Both also fill a value per input and output, which a program with
    thousands of outputs (one reverse sweep each) would otherwise make quadratic.
    ``fewer`` names the options that ask for fewer sweeps ("" for none).
    """
    from ..kinds import SWEEP_KINDS

    kind = SWEEP_KINDS[mode]
    per_sweep = kind.rows(program)
    what = kind.seeds[:-1]  # one sweep per input, or per output
    options = kind.fewer if fewer is None else fewer
    rows = sweeps * per_sweep
    if rows > limit:
        raise LimitError(f"{sweeps:,} {mode} sweeps (one per {what}) would make some {rows:,} "
                         f"rows, more than the limit of {limit:,}" +
                         (f"; ask for fewer sweeps with {options}" if options else ""))
