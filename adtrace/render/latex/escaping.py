"""LaTeX escaping: plain text, prose with ``$...$`` math, comments.

Every string from the user (names, titles, statements) goes through :func:`escape`;
statements may contain ``$...$`` math, which :func:`text_with_math` keeps as math.
"""

from __future__ import annotations

import unicodedata

from ..common import split_math

_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}", "\t": " ", "\n": " ", "\r": " ",
}
_UNICODE = {
    "∂": r"$\partial$", "·": r"$\cdot$", "×": r"$\times$", "÷": r"$\div$", "−": "-",
    "≈": r"$\approx$", "→": r"$\to$", "←": r"$\leftarrow$", "≤": r"$\le$", "≥": r"$\ge$",
    "≠": r"$\ne$", "∇": r"$\nabla$", "∑": r"$\sum$", "∞": r"$\infty$", "–": "--", "—": "---",
    "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\dots{}", "✓": r"$\checkmark$",
    "✗": r"$\times$", "°": r"$^\circ$", "±": r"$\pm$", "\u00a0": "~", "≫": r"$\gg$",
    "≪": r"$\ll$", "⋅": r"$\cdot$", "√": r"$\surd$", "∈": r"$\in$", "ℝ": r"$\mathbb{R}$",
    "⁄": "/", "′": "'", "″": "''", "•": r"\textbullet{}",
}
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
          "rho varsigma sigma tau upsilon phi chi psi omega").split()
for _k, _g in enumerate(_GREEK):
    _UNICODE[chr(0x3B1 + _k)] = "o" if _g == "omicron" else rf"$\{_g}$"
for _k, _g in enumerate(("Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu "
                         "Nu Xi Omicron Pi Rho _ Sigma Tau Upsilon Phi Chi Psi Omega").split()):
    if _g != "_":
        _UNICODE[chr(0x391 + _k)] = (rf"$\{_g}$" if _g in ("Gamma", "Delta", "Theta", "Lambda",
                                                           "Xi", "Pi", "Sigma", "Upsilon", "Phi",
                                                           "Psi", "Omega") else _g[0])
for _src, _dst in (("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁽⁾", "0123456789-()"),):
    for _a, _b in zip(_src, _dst):
        _UNICODE[_a] = f"$^{{{_b}}}$"
for _a, _b in zip("₀₁₂₃₄₅₆₇₈₉₋", "0123456789-"):
    _UNICODE[_a] = f"$_{{{_b}}}$"
_MARKS = {"\u0307": "dot", "\u0304": "bar"}


def escape(text: str) -> str:
    """Plain text for LaTeX: specials escaped, known Unicode symbols typeset.

    ``ẋ1`` becomes ``$\\dot{x}$1``; accented Latin letters pass (LaTeX reads UTF-8);
    any other character LaTeX cannot typeset without extra packages becomes ``?``.
    """
    out: list[str] = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isascii():
            out.append(ch)
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        else:
            nfd = unicodedata.normalize("NFD", ch)
            if len(nfd) == 2 and nfd[1] in _MARKS and nfd[0].isascii():
                out.append(rf"$\{_MARKS[nfd[1]]}{{{nfd[0]}}}$")
            elif ch in _MARKS and out and len(out[-1]) == 1:
                out[-1] = rf"$\{_MARKS[ch]}{{{out[-1]}}}$"
            elif 0xC0 <= ord(ch) <= 0xFF:
                out.append(ch)
            else:
                out.append("?")
    return "".join(out).replace("$$", "")


def text_with_math(text: str) -> str:
    """Prose with ``$...$`` kept as math and everything else escaped."""
    return "".join(f"${part}$" if k % 2 else escape(part)
                   for k, part in enumerate(split_math(text)))


def comment(text: str) -> str:
    """A LaTeX comment line (no line breaks can escape it)."""
    return "% " + " ".join(text.split())
