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
    """Compile ``folder/name.tex`` ``runs`` times (one is enough for adtrace's documents:
    tests/test_key_pages.py shows it); assert it succeeds and, unless ``overfull``, that
    no box is overfull.
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


#: how pdfTeX draws a rule: ``1 0 0 1 x y cm [] 0 d 0 J width w 0 0 m dx dy l S``, or a
#: filled rectangle ``x y w h re f``
_LINE = re.compile(rb"1 0 0 1 (-?[\d.]+) (-?[\d.]+) cm\s*\[\]\s*0 d 0 J ([\d.]+) w 0 0 m "
                   rb"(-?[\d.]+) (-?[\d.]+) l S")
_RECT = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re f")


def pdf_rules(path: Path) -> list[tuple[int, tuple[float, ...]]]:
    """Every rule the PDF draws, in order, with the number of the content stream that
    draws it: (stream, (x, y, thickness, dx, dy)) or (stream, (x, y, width, height))."""
    import zlib

    data = path.read_bytes()
    rules = []
    streams = re.findall(rb"/Filter\s*/FlateDecode.*?stream\r?\n(.*?)endstream", data, re.S)
    for k, stream in enumerate(streams):
        try:
            text = zlib.decompress(stream)
        except zlib.error:
            continue
        for pattern in (_LINE, _RECT):
            rules += [(k, tuple(float(x) for x in m.groups())) for m in pattern.finditer(text)]
    return rules


def pdf_words(path: Path, page: int | None = None) -> list[tuple[str, float, float, float, float]]:
    """Every word with its box (word, xMin, yMin, xMax, yMax; y grows down the page), from
    ``pdftotext -bbox``, of one page or of all."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-bbox", *pages, str(path), "-"], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    return [(html_unescape(w), float(a), float(b), float(c), float(d)) for a, b, c, d, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">(.*?)</word>', out)]


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def have_poppler() -> bool:
    return shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None
