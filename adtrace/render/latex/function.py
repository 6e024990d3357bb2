"""The function as written, typeset: one ``name &= ...`` line per statement.

Unnamed operations are inlined into the statement that wrote them, in the written
order; a program too large to typeset is shown verbatim.
"""

from __future__ import annotations

from ...expr import Bin, D, Leaf
from ...notation import LatexPrinter, TextPrinter
from ...program import Program, latex_name
from ...tracing import Trace, primal_display
from ..common import code_lines
from .escaping import escape

#: the typeset function is broken into lines of about this many characters
FORMULA_WIDTH = 72
#: above these many statements (or nodes to inline) the function is shown verbatim
MAX_FORMULA_LINES = 30
MAX_FORMULA_NODES = 400


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
    lines = [line for name, d in statements for line in _statement(name, d, latex, text)]
    return [line + r" \\" if not line.endswith(r" \\") and k < len(lines) - 1 else line
            for k, line in enumerate(lines)]


def _statement(name: str, d: D, latex: LatexPrinter, text: TextPrinter) -> list[str]:
    """``name &= a + b - c``, broken before a term that would pass FORMULA_WIDTH."""
    lines: list[str] = []
    line, width = "", 0
    for k, (op, term) in enumerate(_split_sum(d, text)):
        shown = latex.doprint(term)
        w = len(text.doprint(term)) + 3
        if k and width + w > FORMULA_WIDTH and line:
            lines.append(line + r" \\")
            line, width = r"&\quad", 0
        line = f"{latex_name(name)} &= {shown}" if k == 0 else f"{line} {op} {shown}"
        width += w
    return lines + [line]


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
    """The function typeset in an ``align*``, or verbatim when too large to typeset."""
    lines = formula_lines(program)
    if lines is None:
        shown = [rf"\texttt{{{escape(line)}}}" for line in code_lines(program.source)]
        return [r"\begin{quote}\small", r"\\".join(shown[:200]) +
                (r"\\ \dots" if len(shown) > 200 else ""), r"\end{quote}"]
    return [r"\begin{align*}", *lines, r"\end{align*}"]


def point_latex(t: Trace) -> str:
    """The point as math: ``$x_{1} = 2$, $x_{2} = 5$``."""
    return ", ".join(f"${latex_name(name)} = {c.latex}$"
                     for name, c in zip(t.program.inputs, t.point))
