"""Exceptions and exit statuses.  The CLI maps each exception to one status, in one place."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    CHECK_FAILED = 1  # the symbolic cross-check disagrees with the AD values
    BAD_INPUT = 2  # a formula, option, point or file that cannot be used
    UNDEFINED = 3  # a valid formula that is undefined (or not finite) at the point
    INTERNAL = 70  # a bug in adtrace itself (reported in one line, never a traceback)
    OUTPUT = 74  # the output could not be written: a full disk, an I/O error, a closed stream
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    READER_GONE = 141  # standard output's reader went away (128 + SIGPIPE, as Unix tools)
    TERMINATED = 143  # SIGTERM or SIGHUP (128 + SIGTERM)


def one_line(text: str) -> str:
    """``text`` safe to print as (part of) one line of a terminal.

    Messages quote what the user typed, and that may hold a newline (which would
    start a second ``Error:`` line), escape sequences, bidirectional controls or
    undecodable bytes from the command line; each of these is shown escaped
    (``\\n``, ``\\x1b``, ``\\u202e``) instead.
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif 0xD800 <= ord(ch) <= 0xDFFF:  # a byte the command line could not decode
            out.append(f"\\x{ord(ch) - 0xDC00:02x}" if ord(ch) >= 0xDC80 else f"\\u{ord(ch):04x}")
        else:
            out.append(repr(ch)[1:-1])
    return "".join(out)


class AdtraceError(Exception):
    """Base class: ``str(err)`` is the one-line message shown after ``Error:``."""

    status = ExitStatus.BAD_INPUT

    def __init__(self, message: str, *, context: list[str] | None = None) -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message
        #: optional extra lines shown under the error (the formula and a caret)
        self.context = context or []


class ParseError(AdtraceError):
    """The formula (or a point value) is not in adtrace's notation."""


class BindingError(AdtraceError):
    """``--at``, ``--wrt``, ``--seed`` or ``--out`` do not fit the formula."""


class LimitError(AdtraceError):
    """Input larger than adtrace accepts (length, operations, nesting)."""


class ProblemSetError(AdtraceError):
    """A malformed problem-set file for ``adtrace key``."""


class DomainError(AdtraceError):
    """A valid formula that is undefined, infinite or overflows at the point."""

    status = ExitStatus.UNDEFINED
