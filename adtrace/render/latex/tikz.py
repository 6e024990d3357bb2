"""LaTeX's graph (``adtrace graph --format tikz``): a ``tikzpicture``, also the figure of
a LaTeX answer key.

Plain TikZ (``\\usepackage{amsmath,tikz}``; no TikZ libraries, no graph drawing, no
LuaLaTeX): adtrace places the nodes itself, one column per depth from left to right.  Within a
column the nodes are ordered to keep edges from crossing (the barycentre heuristic
of layered drawing), and an edge that skips columns bends through a waypoint in
each column it crosses, so it never runs through a node.  Every edge carries its
partial above the line and, with a sweep, what the sweep carries along it below.

``picture(g, standalone=True)`` wraps the picture in a complete ``article`` document (loading
only ``amsmath``, ``tikz`` and ``geometry`` for the page size).
"""

from __future__ import annotations

from ...errors import LimitError
from ...graph import PAGE_MAX_NODES, Graph, GraphEdge, GraphNode

#: the ``tikzpicture`` needs only this in the preamble (amsmath for ``\operatorname``)
PREAMBLE = r"\usepackage{amsmath}" + "\n" + r"\usepackage{tikz}"

DERIVATIVE_COLOR = {"forward": "green!45!black", "reverse": "red!70!black"}
DEFAULT_COLOR = "black"  # a kind of sweep without a colour of its own


def _color(g: Graph) -> str:
    """The colour of the sweep's derivatives on the graph."""
    return DERIVATIVE_COLOR.get(g.mode or "", DEFAULT_COLOR)

STYLES = r"""  adtnode/.style={draw, align=center, font=\small, inner sep=3pt, minimum height=7mm},
  adtinput/.style={adtnode, rounded corners=5pt, fill=blue!8, draw=blue!70!black},
  adtintermediate/.style={adtnode, fill=black!4, draw=black!65},
  adtoutput/.style={adtnode, fill=orange!25, draw=orange!70!black, double,
    double distance=1.2pt},
  adtshared/.style={line width=1.3pt},
  adtedge/.style={->, >=stealth, draw=black!60, rounded corners=8pt},
  adtsharededge/.style={adtedge, draw=violet!75!black},
  adtpartial/.style={font=\scriptsize, sloped, above, inner sep=1.5pt},
  adtflow/.style={font=\scriptsize, sloped, below, inner sep=1.5pt},"""

#: TeX cannot handle a picture wider than about 575 cm
MAX_WIDTH_CM = 500
#: waypoints for edges that skip columns, at most; past it such edges are drawn straight
MAX_WAYPOINTS = 3000

#: centimetres per character at \small (nodes) and \scriptsize (edge labels), roughly
NODE_CHAR, LABEL_CHAR = 0.19, 0.15


Slot = tuple[str, int, int]  # ("n", node, 0) or ("d", edge, column): a node or a waypoint


def _order(g: Graph) -> list[list[Slot]]:
    """Columns of slots, ordered.  Long edges get a waypoint slot in every column they
    cross; a few barycentre sweeps down and up order each column."""
    layers = g.layers()
    columns: list[list[Slot]] = [[("n", i, 0) for i in layer] for layer in layers]
    prev: dict[Slot, list[Slot]] = {}
    nxt: dict[Slot, list[Slot]] = {}
    bend = _waypoints_needed(g) <= MAX_WAYPOINTS
    for k, e in enumerate(g.edges):
        d0, d1 = g.nodes[e.source].depth, g.nodes[e.target].depth
        chain: list[Slot] = [("n", e.source, 0)]
        for d in range(d0 + 1, d1 if bend else d0 + 1):
            columns[d].append(("d", k, d))
            chain.append(("d", k, d))
        chain.append(("n", e.target, 0))
        for a, b in zip(chain, chain[1:]):
            nxt.setdefault(a, []).append(b)
            prev.setdefault(b, []).append(a)
    for _ in range(4):
        for d in range(1, len(columns)):
            _sort(columns[d], columns[d - 1], prev)
        for d in range(len(columns) - 2, -1, -1):
            _sort(columns[d], columns[d + 1], nxt)
    return columns


def _waypoints_needed(g: Graph) -> int:
    return sum(max(0, g.nodes[e.target].depth - g.nodes[e.source].depth - 1) for e in g.edges)


def _sort(col: list[Slot], other: list[Slot], neighbours: dict[Slot, list[Slot]]) -> None:
    """Order ``col`` by the mean position of each slot's neighbours in ``other``
    (a stable sort: slots without neighbours keep their place)."""
    where = {slot: i for i, slot in enumerate(other)}

    def key(item: tuple[int, Slot]) -> tuple[float, int]:
        pos, slot = item
        ns = [where[n] for n in neighbours.get(slot, []) if n in where]
        return (sum(ns) / len(ns) * len(col) / max(len(other), 1) if ns else float(pos), pos)

    col[:] = [slot for _, slot in sorted(enumerate(col), key=key)]


def _node_lines(g: Graph, n: GraphNode) -> list[str]:
    lines = [f"${n.title_latex}$"]
    if n.value is not None:
        lines.append(f"$= {g.number_latex(n.value)}$")
    deriv = g.derivative_text_latex(n)
    if deriv is not None and g.mode is not None:
        lines.append(rf"\textcolor{{{_color(g)}}}{{${deriv}$}}")
    if n.use_text:
        use = n.use_text.replace("×", r"$\times$")
        lines.append(rf"\textcolor{{violet!75!black}}{{\scriptsize {use}}}")
    return lines


def _width(g: Graph, n: GraphNode) -> float:
    """A rough width in cm, from the plain-text lines the node shows."""
    texts = [n.title, g.value_text(n) or "", g.derivative_text(n) or ""]
    return max(len(t) for t in texts) * NODE_CHAR + 0.4


def _label_width(g: Graph, e: GraphEdge) -> float:
    texts = [g.edge_text(e), g.flow_text(e) or ""]
    return max(len(t) for t in texts) * LABEL_CHAR + 0.6


def picture(g: Graph, *, standalone: bool = False) -> str:
    """The ``tikzpicture``, or with ``standalone`` a document of its own size."""
    if len(g.nodes) > PAGE_MAX_NODES:
        raise LimitError(f"the graph has {len(g.nodes):,} nodes, too many for a TikZ picture "
                         f"(at most {PAGE_MAX_NODES}); use --format dot or mermaid")
    columns = _order(g)
    xs, widths = _columns_x(g, columns)
    lines_per_node = 1 + (g.point is not None) + (g.mode is not None)
    step = 1.0 + 0.45 * lines_per_node
    pos: dict[Slot, tuple[float, float]] = {}
    for d, col in enumerate(columns):
        for i, slot in enumerate(col):
            pos[slot] = (xs[d], ((len(col) - 1) / 2 - i) * step)

    out: list[str] = []
    if standalone:
        paper_w = xs[-1] + widths[-1] / 2 + widths[0] / 2 + 1.5
        paper_h = max(len(c) for c in columns) * step + 2.5
        out += [r"\documentclass{article}", PREAMBLE,
                rf"\usepackage[paperwidth={paper_w:.1f}cm,paperheight={paper_h:.1f}cm,"
                r"margin=0.5cm]{geometry}",
                r"\pagestyle{empty}", r"\begin{document}", r"\noindent"]
    out.append("% adtrace graph: " + " ".join(g.source.split())[:300])
    point = g.point_text()
    if point:
        out.append(f"% at {point}")
    out += [r"\begin{tikzpicture}[", STYLES, "]", *_nodes(g, columns, pos), *_edges(g, pos),
            r"\end{tikzpicture}"]
    if standalone:
        out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _columns_x(g: Graph, columns: list[list[Slot]]) -> tuple[list[float], list[float]]:
    """Each column's x position and width: node widths plus room for the widest edge label
    into the next column."""
    widths = [max((_width(g, g.nodes[s[1]]) for s in col if s[0] == "n"), default=0.5)
              for col in columns]
    gaps = [1.5] * len(columns)
    for e in g.edges:
        d = g.nodes[e.target].depth - 1  # labels sit on the last segment, before the target
        gaps[d] = max(gaps[d], _label_width(g, e))
    xs = [0.0]
    for d in range(1, len(columns)):
        xs.append(xs[-1] + widths[d - 1] / 2 + gaps[d - 1] + widths[d] / 2)
    if xs[-1] + widths[-1] + widths[0] > MAX_WIDTH_CM:
        raise LimitError(f"the graph is {len(columns):,} levels deep, too wide for a TikZ "
                         "picture (TeX's largest dimension is about 5.7 m); use --format dot "
                         "or mermaid")
    return xs, widths


def _nodes(g: Graph, columns: list[list[Slot]], pos: dict[Slot, tuple[float, float]]) -> list[str]:
    out = []
    for col in columns:
        for slot in col:
            if slot[0] != "n":
                continue
            n = g.nodes[slot[1]]
            x, y = pos[slot]
            style = f"adt{n.role}" + (", adtshared" if n.fans_out else "")
            body = r" \\ ".join(_node_lines(g, n))
            out.append(f"\\node[{style}] (n{n.node}) at ({x:.2f},{y:.2f}) {{{body}}};")
    return out


def _edges(g: Graph, pos: dict[Slot, tuple[float, float]]) -> list[str]:
    """Each edge through its waypoints, its partial above and the sweep's flow below."""
    out = []
    for k, e in enumerate(g.edges):
        style = "adtsharededge" if g.nodes[e.source].fans_out else "adtedge"
        path = [f"(n{e.source})"]
        for d in range(g.nodes[e.source].depth + 1, g.nodes[e.target].depth):
            if ("d", k, d) in pos:
                x, y = pos[("d", k, d)]
                path.append(f"({x:.2f},{y:.2f})")
        label = rf"node[adtpartial] {{${g.edge_latex(e)}$}}"
        flow = g.flow_latex(e)
        if flow is not None and g.mode is not None:
            label += (rf" node[adtflow] {{\textcolor{{{_color(g)}}}"
                      rf"{{${flow}$}}}}")
        out.append(f"\\draw[{style}] " + " -- ".join(path) + f" -- {label} (n{e.target});")
    return out
