"""The time budget of SymPy's work (the cross-check and ``--exact``).

SymPy's time varies a hundredfold from one formula to the next, so both stop after
:data:`TIME_BUDGET` seconds and say so in a note, whatever they were doing.
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
