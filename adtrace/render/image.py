"""``adtrace graph --format svg|png``: the DOT drawing rendered by Graphviz's ``dot``.

``dot`` runs as a subprocess with an argument list (never a shell), under a size limit
(:data:`MAX_NODES`, checked before it starts) and a time limit (:data:`TIMEOUT`); the
graph's text goes in on stdin.  However adtrace stops (the time limit, an error,
Ctrl-C, SIGTERM), ``dot`` is killed and waited for before adtrace exits.  Without
Graphviz the error says how to install it, and ``--format dot`` still works.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from typing import Any

from ..errors import LimitError
from ..graph import Graph, GraphvizFailed, GraphvizMissing
from . import dot

#: seconds Graphviz may take before adtrace stops it
TIMEOUT = 15
#: nodes Graphviz is asked to lay out at most: its time grows steeply with the size (a
#: chain of 200 nodes with a sweep takes about a second, 300 nodes half a minute)
MAX_NODES = 300
#: PNG resolution: labels stay readable when the picture is shown at full size
PNG_DPI = 110
#: the signals that stop adtrace (and with it ``dot``)
STOPS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}

INSTALL_HINT = ("install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: "
                "brew install graphviz; or your OS package manager), or use --format dot")
LARGE_HINT = "use --format dot or mermaid for the complete graph, or text for a summary"


def graph(g: Graph, *, fmt: str = "svg", timeout: float | None = None,
          **_: Any) -> str | bytes:
    """The DOT drawing as SVG text or PNG bytes (``fmt``), within ``timeout`` seconds
    (default :data:`TIMEOUT`)."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing(f"--format {fmt} needs Graphviz's 'dot' program, which is not "
                              f"installed: {INSTALL_HINT}")
    if len(g.nodes) > MAX_NODES:
        raise LimitError(f"--format {fmt}: the graph has {len(g.nodes):,} nodes, more than the "
                         f"{MAX_NODES} Graphviz is asked to lay out; {LARGE_HINT}")
    args = [exe, f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={PNG_DPI}")
    out, err, status = _run(args, dot.graph(g).encode("utf-8"),
                            TIMEOUT if timeout is None else timeout, len(g.nodes))
    if status != 0 or not out:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizFailed("Graphviz's dot failed" + (f": {detail[0]}" if detail else ""))
    return out if fmt == "png" else out.decode("utf-8")


def _run(args: list[str], source: bytes, timeout: float, nodes: int) -> tuple[bytes, bytes, int]:
    """Run ``dot`` on ``source``: (stdout, stderr, exit status).  It never outlives this
    call: past ``timeout``, or when anything interrupts the wait, it is killed."""
    # a signal that lands while Popen starts ``dot`` would leave it running with nobody to
    # kill it: signals wait (blocked) until ``proc`` exists and the ``finally`` guards it
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, shell=False,
                                preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_SETMASK,
                                                                          blocked))
    except OSError as e:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        raise GraphvizFailed(f"could not run Graphviz's dot ({e.strerror or e})") from None
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        out, err = proc.communicate(source, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LimitError(f"Graphviz took longer than {timeout:g} s to lay out {nodes:,} "
                         f"nodes, the time limit; {LARGE_HINT}") from None
    finally:
        if proc.poll() is None:
            proc.kill()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
        proc.wait()
    return out, err, proc.returncode
