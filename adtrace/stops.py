"""Signals that stop a command: Ctrl-C, SIGTERM and SIGHUP become :class:`Stopped`.

Python's default would end the process at once on SIGTERM (leaving a child such as
Graphviz running) and raise KeyboardInterrupt on Ctrl-C, which click reports after an
empty line.  Raised as an exception where the command is, a signal lets every
``finally`` run (a child killed, a temporary file removed) before the command line
reports it in one line, with status 128 + the signal's number.
"""

from __future__ import annotations

import signal
from typing import Any


class Stopped(BaseException):
    """A signal asked adtrace to stop (Ctrl-C, SIGTERM, SIGHUP).  Raised wherever the
    command is, so that its ``finally`` blocks run: Graphviz is killed, a half-written
    output file removed.  A BaseException: no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def stop_on_signals() -> None:
    """Turn SIGINT, SIGTERM and SIGHUP into :class:`Stopped` (once: a second signal while
    the first is being handled is ignored).  A signal the parent set to be ignored
    (``nohup``, a background job) stays ignored."""
    stopping: list[int] = []

    def stop(signum: int, frame: Any) -> None:
        if not stopping:
            stopping.append(signum)
            raise Stopped(signum)

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, stop)
