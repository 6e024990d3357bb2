"""``adtrace graph --format svg|png``: the DOT drawing rendered by Graphviz's ``dot``.

``dot`` runs as a subprocess with an argument list (never a shell) and a time limit;
the graph's text goes in on stdin.  Without Graphviz the error says how to install
it, and ``--format dot`` still works.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from ..errors import LimitError
from ..graph import Graph, GraphvizFailed, GraphvizMissing
from . import dot

#: seconds Graphviz may take before adtrace gives up
TIMEOUT = 60
#: PNG resolution: labels stay readable when the picture is shown at full size
PNG_DPI = 110

INSTALL_HINT = ("install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: "
                "brew install graphviz; or your OS package manager), or use --format dot")


def graph(g: Graph, *, fmt: str = "svg", timeout: float = TIMEOUT, **_: Any) -> str | bytes:
    """The DOT drawing as SVG text or PNG bytes (``fmt``)."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing(f"--format {fmt} needs Graphviz's 'dot' program, which is not "
                              f"installed: {INSTALL_HINT}")
    args = [exe, f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={PNG_DPI}")
    source = dot.graph(g).encode("utf-8")
    try:
        proc = subprocess.run(args, input=source, capture_output=True, timeout=timeout,
                              check=False, shell=False)
    except subprocess.TimeoutExpired:
        raise LimitError(f"Graphviz took longer than {timeout:g} s to lay out "
                         f"{len(g.nodes):,} nodes; use --format dot or mermaid "
                         "for a graph this large") from None
    except OSError as e:
        raise GraphvizFailed(f"could not run Graphviz's dot ({e.strerror or e})") from None
    if proc.returncode != 0 or not proc.stdout:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizFailed("Graphviz's dot failed" + (f": {detail[0]}" if detail else ""))
    return proc.stdout if fmt == "png" else proc.stdout.decode("utf-8")
