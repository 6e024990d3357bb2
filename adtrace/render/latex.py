r"""``--format latex``: booktabs tables to ``\input``, or a whole document (``--standalone``).

Each trace is one table whose rows read ``v_{1} = \ln v_{-1} = \ln 2 = 0.6931`` with the
equals signs in their own columns and the values aligned on the decimal point; an
accumulating adjoint reads ``\bar{v}_{0} = \bar{v}_{0} + \bar{v}_{2} v_{-1}`` as the
textbook writes it.  A fragment needs ``\usepackage{amsmath,amssymb,array,booktabs,longtable}``
in the including document (the first lines of the fragment say so).

Every string from the user (names, titles, statements) is escaped; statements may
contain ``$...$`` math, which is kept as math.  ``sections`` is also used by
``adtrace key``.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ..expr import Bin, D, LatexPrinter, Leaf, TextPrinter, latex_number
from ..program import Program, _latex_mark, latex_name
from ..rows import Row, RowPrinter, primal_rows, sweep_rows
from ..tracing import Sweep, Trace, primal_display
from .common import one_line

PACKAGES = ("amsmath", "amssymb", "array", "booktabs", "longtable")
PREAMBLE = [
    r"\documentclass[11pt]{article}",
    r"\usepackage[a4paper,margin=2.2cm]{geometry}",
    rf"\usepackage{{{','.join(PACKAGES)}}}",
    r"\setlength{\parindent}{0pt}",
    r"\setlength{\parskip}{0.6ex plus 0.3ex}",
]
#: a line to write on, for worksheets
MACROS = [r"\providecommand{\adblank}[1][4em]{\rule[-0.6ex]{#1}{0.4pt}}"]

#: row spacing in tables (room for fractions), and on worksheets (room to write)
STRETCH = r"\renewcommand{\arraystretch}{1.25}"
STRETCH_WORKSHEET = r"\renewcommand{\arraystretch}{2}"
#: a table longer than this is a longtable (it may break across pages)
LONG_ROWS = 15
#: exact forms up to this many characters are a column of the table; longer ones are
#: listed under it, typeset up to EXACT_TYPESET characters and as text beyond
EXACT_IN_TABLE = 30
EXACT_TYPESET = 90
#: characters the flow notes add to a row ("(mul switches)")
FLOW_WIDTH = 16
#: a symbolic derivative longer than this is listed under the check's table, as text
SYMBOLIC_IN_TABLE = 50
#: the typeset function is broken into lines of about this many characters
FORMULA_WIDTH = 72
#: above these many statements (or nodes to inline) the function is shown verbatim
MAX_FORMULA_LINES = 30
MAX_FORMULA_NODES = 400


# --- escaping -----------------------------------------------------------------------------------

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
    from .markdown import split_math

    return "".join(f"${part}$" if k % 2 else escape(part)
                   for k, part in enumerate(split_math(text)))


def comment(text: str) -> str:
    """A LaTeX comment line (no line breaks can escape it)."""
    return "% " + " ".join(text.split())


# --- the function as written ----------------------------------------------------------------------


def formula_lines(program: Program) -> list[str] | None:
    """The function typeset from the program, one ``name &= ...`` line per statement.

    Unnamed operations are inlined into the statement that wrote them, in the written
    order (parentheses come from precedence).  Returns None when the program is too
    large to typeset (the caller then shows the text verbatim).
    """
    p = program
    n = p.n_inputs
    named = {i: p.eqns[i - n].name for i in range(n, p.n_nodes) if p.eqns[i - n].name}
    size = [0] * p.n_nodes
    for i in range(n, p.n_nodes):
        size[i] = 1 + sum(size[a] for a in p.node_args(i) if a not in named)
        if size[i] > MAX_FORMULA_NODES or p.depth[i] > 60:
            return None
    trees: dict[int, D] = {}

    def inline(d: D) -> D:
        if isinstance(d, Leaf):
            if d.node >= n and d.node not in named:
                return tree(d.node)
            return d
        if isinstance(d, Bin):
            return Bin(d.op, inline(d.left), inline(d.right))
        if hasattr(d, "operand"):
            return type(d)(inline(d.operand))  # type: ignore[attr-defined,call-arg]
        if hasattr(d, "args") and hasattr(d, "fname"):
            return type(d)(d.fname, tuple(inline(a) for a in d.args))  # type: ignore[attr-defined,call-arg]
        return d

    def tree(node: int) -> D:
        if node not in trees:
            trees[node] = inline(primal_display(p, node))
        return trees[node]

    def leaf_name(leaf: Leaf) -> str:
        return p.inputs[leaf.node] if leaf.node < n else named[leaf.node]

    latex = LatexPrinter(lambda leaf: latex_name(leaf_name(leaf)))
    text = TextPrinter(leaf_name)
    statements: list[tuple[str, D]] = [(name, tree(i)) for i, name in named.items()]
    for name, node in p.outputs:
        if named.get(node) != name:
            statements.append((name, Leaf(node) if node < n or node in named else tree(node)))
    if len(statements) > MAX_FORMULA_LINES:
        return None
    lines: list[str] = []
    for name, d in statements:
        pieces = _split_sum(d, text)
        first = True
        line = ""
        width = 0
        for op, term in pieces:
            shown = latex.doprint(term)
            w = len(text.doprint(term)) + 3
            if not first and width + w > FORMULA_WIDTH and line:
                lines.append(line + r" \\")
                line, width = r"&\quad", 0
            if first:
                line = f"{latex_name(name)} &= {shown}"
                first = False
            else:
                line += f" {op} {shown}"
            width += w
        lines.append(line)
    return [line + r" \\" if not line.endswith(r" \\") and k < len(lines) - 1 else line
            for k, line in enumerate(lines)]


def _split_sum(d: D, text: TextPrinter) -> list[tuple[str, D]]:
    """A top-level chain ``a + b - c`` as [("", a), ("+", b), ("-", c)] (left to right)."""
    terms: list[tuple[str, D]] = []
    while isinstance(d, Bin) and d.op in "+-" and not d.right.signed and (
            not isinstance(d.right, Bin) or d.right.op not in "+-"):
        terms.append((d.op, d.right))
        d = d.left
    terms.append(("", d))
    return terms[::-1]


def formula_block(program: Program) -> list[str]:
    lines = formula_lines(program)
    if lines is None:
        src = [line.split("#", 1)[0].rstrip() for line in program.source.splitlines()]
        shown = [rf"\texttt{{{escape(line)}}}" for line in src if line.strip()]
        return [r"\begin{quote}\small", r"\\".join(shown[:200]) +
                (r"\\ \dots" if len(shown) > 200 else ""), r"\end{quote}"]
    return [r"\begin{align*}", *lines, r"\end{align*}"]


def point_latex(t: Trace) -> str:
    return ", ".join(f"${latex_name(name)} = {c.latex}$"
                     for name, c in zip(t.program.inputs, t.point))


# --- tables -------------------------------------------------------------------------------------


def _split_number(s: str) -> tuple[str, str]:
    """``-0.2837`` -> (``-0``, ``.2837``): the two halves of a decimal-aligned column."""
    head, dot, tail = s.partition(".")
    return (head, dot + tail) if dot else (s, "")


def exact_latex(exact: Any, decimal: str) -> str:
    if exact is None or exact.text == decimal:
        return ""
    return exact.latex  # type: ignore[no-any-return]


def _size(width: int) -> str:
    r"""A font size for a table whose widest row has about ``width`` characters of text.

    Calibrated on A4 with 2.2 cm margins: a character of a typeset row is about 6.6 pt
    wide in ``\small`` (math spacing and ``\left(`` included).
    """
    for limit, size in ((66, r"\small"), (74, r"\footnotesize"), (84, r"\scriptsize")):
        if width <= limit:
            return size
    return r"\tiny"


class _Table:
    """One booktabs table of ``lhs = rule = with values = value [exact] [note]`` rows.

    The exact forms are a column when they are short; long ones (which LaTeX cannot
    break inside a table cell) are listed under the table, one per line.
    """

    def __init__(self, title: str, *, exact: bool, flows: bool, worksheet: bool) -> None:
        self.title = title
        self.exact = exact
        self.flows = flows
        self.worksheet = worksheet
        self.rows: list[list[str]] = []
        self.exacts: list[tuple[str, str, str]] = []  # (lhs, exact LaTeX, exact text)
        self.notes: list[str] = []
        self.width = 0

    def add(self, cells: list[str], width: int, exact: tuple[str, str, str] | None = None,
            note: str = "") -> None:
        """``cells``: lhs, =, rule, =, with values, =, value (integer part), value (decimals)."""
        self.rows.append(cells)
        self.exacts.append(exact or ("", "", ""))
        self.notes.append(note)
        self.width = max(self.width, width)

    def _exact_layout(self) -> str:
        if not self.exact:
            return "none"
        if self.worksheet:
            return "column"
        longest = max((len(text) for _, _, text in self.exacts), default=0)
        if longest == 0:
            return "none"
        return "column" if longest <= EXACT_IN_TABLE else "below"

    def lines(self) -> list[str]:
        eq = r"@{\hspace{0.4em}}c@{\hspace{0.4em}}"
        spec = r"@{}>{$}l<{$}" + (eq + r">{$}l<{$}") * 2 + eq + r">{$}r<{$}@{}>{$}l<{$}"
        head = rf"\multicolumn{{8}}{{@{{}}l}}{{{self.title}}}"
        layout = self._exact_layout()
        width = self.width
        if layout == "column":
            spec += r"@{\hspace{1.5em}}>{$}l<{$}"
            head += r" & \multicolumn{1}{@{\hspace{1.5em}}l}{\textit{exact}}"
            width += max((len(text) for _, _, text in self.exacts), default=8)
        # the flow notes are a teaching aid: dropped when the table would not fit otherwise
        flows = self.flows and any(self.notes) and width + FLOW_WIDTH <= 84
        if flows:
            spec += r"@{\hspace{1.5em}}>{\footnotesize\itshape}l"
            head += " &"
            width += FLOW_WIDTH
        spec += "@{}"
        body = []
        for cells, (_, ex, _), note in zip(self.rows, self.exacts, self.notes):
            row = list(cells)
            if layout == "column":
                row.append(ex)
            if flows:
                row.append(note)
            body.append(" & ".join(row) + r" \\")
        size = _size(width)
        stretch = [STRETCH_WORKSHEET if self.worksheet else STRETCH]
        if len(self.rows) > LONG_ROWS:
            out = ["{" + size, *stretch, rf"\begin{{longtable}}{{{spec}}}", r"\toprule",
                   head + r" \\", r"\midrule", r"\endhead", r"\bottomrule", r"\endfoot",
                   *body, r"\end{longtable}", "}"]
        else:
            out = [r"\begin{center}" + size, *stretch, rf"\begin{{tabular}}{{{spec}}}",
                   r"\toprule", head + r" \\", r"\midrule", *body, r"\bottomrule",
                   r"\end{tabular}", r"\end{center}"]
        if layout == "below":
            out += _exact_list([(lhs, ex, text) for lhs, ex, text in self.exacts if ex])
        return out


def _exact_list(items: list[tuple[str, str, str]]) -> list[str]:
    """Long exact forms under their table: typeset when they fit a line, else as text."""
    lines = [r"\begin{flushleft}\small", r"\textit{Exact values:}\\"]
    for k, (lhs, ex, text) in enumerate(items):
        end = r"\\[0.4ex]" if k < len(items) - 1 else ""
        if len(text) <= EXACT_TYPESET:
            lines.append(rf"$\displaystyle {lhs} = {ex}$" + end)
        else:
            lines.append(rf"${lhs} = {{}}$\texttt{{{escape(text)}}}" + end)
    return lines + [r"\end{flushleft}"]


def trace_table(t: Trace, title: str, rows: list[Row], *, worksheet: Any = None,
                flows: bool = False) -> list[str]:
    printer = RowPrinter(t.labels, digits=t.digits, latex=True)
    text = RowPrinter(t.labels, digits=t.digits)
    table = _Table(title, exact=t.exact is not None, flows=flows, worksheet=worksheet is not None)
    for row in rows:
        lhs, rhs, subst, value = printer.parts(row)
        tparts = text.parts(row)
        hide = worksheet.hidden(row) if worksheet is not None else (False, False, False)
        if hide[0]:
            rhs = r"\adblank[7em]"
        if hide[1]:
            subst = r"\adblank[7em]"
        whole, frac = (r"\adblank[4.5em]", "") if hide[2] else _split_number(value)
        cells = [lhs, "$=$" if rhs else "", rhs, "$=$" if subst else "", subst, "$=$", whole,
                 frac]
        exact = None
        if t.exact is not None:
            if hide[2]:
                exact = (lhs, r"\adblank[5em]", "")
            else:
                ex = exact_latex(row.exact, tparts[3])
                exact = (lhs, ex, row.exact.text if ex else "")
        note = escape(f"({row.flow})") if flows and row.flow and not hide[0] else ""
        table.add(cells, sum(len(x) for x in tparts), exact, note)
    return table.lines()


def sweep_title(t: Trace, sweep: Sweep, index: int) -> str:
    hot = {k: v for k, v in sweep.seed.items() if v != 0}
    mark = "dot" if sweep.mode == "forward" else "bar"
    seed = ", ".join(f"{_latex_mark(latex_name(k), mark)} = {latex_number(v, t.digits)}"
                     for k, v in hot.items())
    kind = "Tangent" if sweep.mode == "forward" else "Adjoint"
    return rf"\textbf{{{kind} sweep {index}:}} " + (f"${seed}$" if seed else "zero seed")


def result_latex(sweep: Sweep, name: str) -> str:
    """``\\partial f/\\partial x_{1}`` for unit seeds, ``\\dot{f}``/``\\bar{x}_{1}`` otherwise."""
    unit = sweep.unit
    if sweep.mode == "forward":
        return (rf"\partial {latex_name(name)}/\partial {latex_name(unit)}" if unit
                else _latex_mark(latex_name(name), "dot"))
    return (rf"\partial {latex_name(unit)}/\partial {latex_name(name)}" if unit
            else _latex_mark(latex_name(name), "bar"))


def check_name(output: str, inp: str) -> str:
    if "=" in output:
        return rf"\text{{{escape(output)}}} \cdot \partial/\partial {latex_name(inp)}"
    if "=" in inp:
        return rf"\partial {latex_name(output)} \text{{ along {escape(inp)}}}"
    return rf"\partial {latex_name(output)}/\partial {latex_name(inp)}"


def sections(t: Trace, *, worksheet: Any = None, primal: bool = True, derivatives: bool = True,
             check: bool = True, derivatives_title: str = "Derivatives") -> list[str]:
    """The trace's tables as LaTeX lines: primal trace, sweeps, derivatives, check."""
    lines: list[str] = []
    if primal:
        lines += trace_table(t, r"\textbf{Primal trace}", primal_rows(t), worksheet=worksheet)
    for k, sweep in enumerate(t.sweeps, start=1):
        lines += trace_table(t, sweep_title(t, sweep, k), sweep_rows(t, sweep),
                             worksheet=worksheet, flows=sweep.mode == "reverse")
    if derivatives:
        lines += derivatives_table(t, derivatives_title, worksheet=worksheet)
    if check and t.check is not None:
        lines += check_table(t, worksheet=worksheet)
    lines += notes(t)
    return lines


def derivatives_table(t: Trace, title: str, *, worksheet: Any = None) -> list[str]:
    text = RowPrinter(t.labels, digits=t.digits)
    table = _Table(rf"\textbf{{{escape(title)}}}", exact=t.exact is not None, flows=False,
                   worksheet=worksheet is not None)
    for sweep in t.sweeps:
        for name, value in sweep.result.items():
            shown = text.number(value)
            lhs = result_latex(sweep, name)
            whole, frac = (r"\adblank[4.5em]", "") if worksheet is not None else _split_number(
                latex_number(value, t.digits))
            cells = [lhs, "", "", "", "", "$=$", whole, frac]
            exact = None
            if t.exact is not None:
                if worksheet is not None:
                    exact = (lhs, r"\adblank[5em]", "")
                else:
                    ex = t.exact.result(sweep, name)
                    shown_ex = exact_latex(ex, shown)
                    exact = (lhs, shown_ex, ex.text if shown_ex else "")
            table.add(cells, 12 + len(shown), exact)
    return table.lines()


def check_table(t: Trace, *, worksheet: Any = None) -> list[str]:
    """SymPy's derivatives at the point against AD's; long derivatives are listed below."""
    c = t.check
    assert c is not None
    if c.skipped:
        return [rf"\par\textbf{{Symbolic check (SymPy):}} skipped: {escape(c.skipped)}."]
    blank = worksheet is not None
    long = any(len(e.symbolic) > SYMBOLIC_IN_TABLE for e in c.entries) and not blank
    rows = []
    for e in c.entries:
        mark = {True: r"\checkmark", False: r"\times", None: "-"}[e.agree]
        name = check_name(e.output, e.input)
        if blank:
            rows.append([name, r"\adblank[10em]", r"\adblank[3em]", "", r"\adblank[3em]", "", ""])
            continue
        symbolic = [] if long else [e.latex or rf"\text{{\texttt{{{escape(e.symbolic)}}}}}"]
        rows.append([name, *symbolic, *_split_number(latex_number(e.value, t.digits)),
                     *_split_number(latex_number(e.ad, t.digits)), mark])
    gap = r"@{\hspace{1.5em}}"
    g = gap[:-1]
    spec = (r"@{}>{$}l<{$}" + ("" if long else gap + r">{$}l<{$}") + gap +
            r">{$}r<{$}@{}>{$}l<{$}" + gap + r">{$}r<{$}@{}>{$}l<{$}" + gap + r">{$}c<{$}@{}")
    head = (r"\multicolumn{1}{@{}l}{\textbf{Symbolic check}}" +
            ("" if long else r" & \multicolumn{1}{" + g + r"}l}{\textit{SymPy}}") +
            r" & \multicolumn{2}{" + g + r"}c}{\textit{at the point}}"
            r" & \multicolumn{2}{" + g + r"}c}{\textit{AD}} & \\")
    stretch = [STRETCH_WORKSHEET if blank else STRETCH]
    width = 40 + (0 if long else max((len(e.symbolic) for e in c.entries), default=0))
    lines = [r"\begin{center}" + _size(width), *stretch, rf"\begin{{tabular}}{{{spec}}}",
             r"\toprule", head, r"\midrule"]
    lines += [" & ".join(r) + r" \\" for r in rows]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    if long:
        lines += [r"\begin{flushleft}\small", r"\textit{SymPy's derivatives:}\\"]
        for k, e in enumerate(c.entries):
            end = r"\\" if k < len(c.entries) - 1 else ""
            lines.append(rf"${check_name(e.output, e.input)} = {{}}$"
                         rf"\texttt{{{escape(e.symbolic)}}}" + end)
        lines.append(r"\end{flushleft}")
    if not blank:
        for e in c.entries:
            if e.note:
                lines.append(rf"\par\textit{{Note:}} {escape(e.note)}.")
                break
    return lines


def notes(t: Trace) -> list[str]:
    lines = [rf"\par\textit{{Warning:}} {escape(w)}" for w in t.warnings]
    if t.exact is not None:
        lines += [rf"\par\textit{{Note:}} {escape(n)}." for n in t.exact.notes]
    return lines


# --- documents ----------------------------------------------------------------------------------


def document(body: list[str]) -> list[str]:
    return [*PREAMBLE, *MACROS, r"\begin{document}", *body, r"\end{document}"]


def render(t: Trace, *, standalone: bool = False, **_: Any) -> str:
    mode = "Forward" if t.mode == "forward" else "Reverse"
    body = [rf"{mode} mode for", *formula_block(t.program), rf"at {point_latex(t)}.",
            *sections(t)]
    if standalone:
        lines = [comment(f"adtrace {t.mode}: {one_line(t.program.source)}"), *document(body)]
    else:
        lines = [comment(f"adtrace {t.mode}: {one_line(t.program.source)}"),
                 comment(r"needs \usepackage{" + ",".join(PACKAGES) + "}"), *MACROS, *body]
    return "\n".join(lines) + "\n"
