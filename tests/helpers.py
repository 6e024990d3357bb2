"""Helpers shared by several test files: the benchmark's program generator, and pdflatex."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def gen_program() -> ModuleType:
    """``benchmarks/gen_program.py`` as a module (``generate``, ``point``)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import gen_program
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return gen_program


def have_pdflatex() -> bool:
    return shutil.which("pdflatex") is not None


def have_tikz() -> bool:
    if not have_pdflatex() or shutil.which("kpsewhich") is None:
        return False
    found = subprocess.run(["kpsewhich", "tikz.sty"], capture_output=True, text=True,
                           timeout=30, check=False)
    return bool(found.stdout.strip())


def pdflatex(folder: Path, name: str, runs: int = 1, overfull: bool = False) -> int:
    """Compile ``folder/name.tex`` (``runs`` times: longtable settles its widths on the
    second); assert it succeeds and, unless ``overfull``, that no box is overfull.
    Returns the size of the PDF in bytes."""
    for _ in range(runs):
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                               f"{name}.tex"], cwd=folder, capture_output=True, text=True,
                              timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout[-3000:]
    if not overfull:
        log = (folder / f"{name}.log").read_text(errors="replace")
        assert "Overfull" not in log, re.findall(r"Overfull.*", log)
    return (folder / f"{name}.pdf").stat().st_size


def adtrace_command() -> str | None:
    """The installed ``adtrace`` command: the one beside this Python (a virtual
    environment's), else the one on PATH."""
    local = Path(sys.executable).parent / "adtrace"
    return str(local) if local.exists() else shutil.which("adtrace")
