"""A last-resort time limit on SymPy's work: ``--exact``, and printing the check's
derivatives.

Neither should ever reach it: both are bounded by size first, deterministically (the
check's verdict is not SymPy's work at all, and never depends on the time taken).  It is
there for SymPy's pathologies, whose time varies a hundredfold from one formula to the
next: past :data:`TIME_BUDGET` seconds the work stops, and a note says so.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

TIME_BUDGET = 10.0  # seconds


class OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` swallows it."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`OutOfTime` in the block after ``seconds`` (on the main thread, where
    there is an interval timer; elsewhere the block runs unbounded)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
            signal, "setitimer"):
        yield
        return

    def _alarm(signum: int, frame: Any) -> None:
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, _alarm)
    # fire again every quarter second: code that swallows one interruption (or is inside
    # a long C call when it lands) still stops soon after the budget
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
