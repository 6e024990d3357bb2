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

from dataclasses import dataclass, field

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
#: a downward layout's edge labels: boxed, over the edge, above its target
LABEL_STYLE = "  adtlabel/.style={font=\\scriptsize, fill=white, align=center, inner sep=1.5pt},"

#: TeX cannot handle a picture wider than about 575 cm
MAX_WIDTH_CM = 500
#: waypoints for edges that skip columns, at most; past it such edges are drawn straight
MAX_WAYPOINTS = 3000

#: centimetres per character at \small (nodes) and \scriptsize (edge labels), roughly
NODE_CHAR, LABEL_CHAR = 0.19, 0.15
#: cm between neighbours in a row of a downward layout
GAP = 0.6


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


def _lines(g: Graph, n: GraphNode) -> list[str]:
    """The lines a node shows, as text (for its size)."""
    lines = [n.title, g.value_text(n) or "", g.derivative_text(n) or "", n.use_text or ""]
    return [line for line in lines if line]


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


#: the page a key's figure is fitted to (cm): the text block of the key's A4 page with
#: 2.2 cm margins, and the most of its height a figure may take
PAGE = (16.6, 0.8 * 25.3)


@dataclass
class _Layout:
    """Where everything goes: each slot's centre; for a downward layout, where each edge's
    label sits (above its target); and the picture's rough size in cm."""

    pos: dict[Slot, tuple[float, float]]
    size: tuple[float, float]
    labels: dict[int, tuple[float, float]] = field(default_factory=dict)

    def scale(self, page: tuple[float, float]) -> float:
        """The scale that fits the picture on ``page`` (at most 1)."""
        return min(1.0, page[0] / max(self.size[0], 0.1), page[1] / max(self.size[1], 0.1))


def picture(g: Graph, *, standalone: bool = False,
            page: tuple[float, float] | None = None) -> str:
    """The ``tikzpicture``, or with ``standalone`` a document of its own size.

    The graph flows to the right, one column per depth (as Baydin's figures and the
    other formats draw it).  With ``page`` (width, height in cm) it flows down instead,
    one row per depth with each edge's label boxed above its target, when that lets it
    print larger on the page: a deep graph fits a portrait page without being turned.
    """
    if len(g.nodes) > PAGE_MAX_NODES:
        raise LimitError(f"the graph has {len(g.nodes):,} nodes, too many for a TikZ picture "
                         f"(at most {PAGE_MAX_NODES}); use --format dot or mermaid")
    columns = _order(g)
    layout = _right(g, columns)
    if page is not None:
        down = _down(g, columns)
        if down.scale(page) > 1.05 * layout.scale(page):
            layout = down
    out: list[str] = []
    if standalone:
        paper_w, paper_h = layout.size[0] + 1.5, layout.size[1] + 2.5
        out += [r"\documentclass{article}", PREAMBLE,
                rf"\usepackage[paperwidth={paper_w:.1f}cm,paperheight={paper_h:.1f}cm,"
                r"margin=0.5cm]{geometry}",
                r"\pagestyle{empty}", r"\begin{document}", r"\noindent"]
    out.append("% adtrace graph: " + " ".join(g.source.split())[:300])
    point = g.point_text()
    if point:
        out.append(f"% at {point}")
    styles = [STYLES, LABEL_STYLE] if layout.labels else [STYLES]
    out += [r"\begin{tikzpicture}[", *styles, "]", *_nodes(g, columns, layout.pos),
            *_edges(g, layout), r"\end{tikzpicture}"]
    if standalone:
        out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _right(g: Graph, columns: list[list[Slot]]) -> _Layout:
    """One column per depth, left to right; each column centred on the middle line."""
    xs, widths = _columns_x(g, columns)
    lines_per_node = 1 + (g.point is not None) + (g.mode is not None)
    step = 1.0 + 0.45 * lines_per_node
    pos: dict[Slot, tuple[float, float]] = {}
    for d, col in enumerate(columns):
        for i, slot in enumerate(col):
            pos[slot] = (xs[d], ((len(col) - 1) / 2 - i) * step)
    width = xs[-1] + widths[-1] / 2 + widths[0] / 2
    return _Layout(pos, (width, max(len(c) for c in columns) * step))


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


def _label_lines(g: Graph, e: GraphEdge) -> list[str]:
    return [g.edge_text(e)] + ([g.flow_text(e)] if g.flow_text(e) and g.mode else [])  # type: ignore[list-item]


def _down(g: Graph, columns: list[list[Slot]]) -> _Layout:
    """One row per depth, top to bottom, each row centred; a node is as wide as itself or
    as the labels of the edges into it, which sit side by side above it, left to right
    in the order their edges come from."""
    into: dict[int, list[int]] = {}
    for k, e in enumerate(g.edges):
        into.setdefault(e.target, []).append(k)
    label_w = {k: max(len(t) for t in _label_lines(g, e)) * LABEL_CHAR + 0.3
               for k, e in enumerate(g.edges)}
    label_h = {k: 0.42 * len(_label_lines(g, e)) + 0.2 for k, e in enumerate(g.edges)}
    pos: dict[Slot, tuple[float, float]] = {}
    labels: dict[int, tuple[float, float]] = {}
    y, width = 0.0, 0.0
    for col in columns:
        ins = {slot: _sources_left_to_right(g, into.get(slot[1], []), pos)
               for slot in col if slot[0] == "n"}
        heights = {slot: 0.5 * len(_lines(g, g.nodes[slot[1]])) + 0.3 for slot in ins}
        band = max((label_h[k] for ks in ins.values() for k in ks), default=0.0)
        y -= band + 1.3 if band else 0.0
        row_h = max(heights.values(), default=0.5)
        feet = [max(_width(g, g.nodes[s[1]]), sum(label_w[k] + 0.2 for k in ins[s]) - 0.2)
                if s[0] == "n" else 0.5 for s in col]
        total = sum(feet) + GAP * (len(col) - 1)
        x = -total / 2
        for slot, foot in zip(col, feet):
            pos[slot] = (x + foot / 2, y - row_h / 2)
            if slot[0] == "n":
                top = y - row_h / 2 + heights[slot] / 2
                lx = x + foot / 2 - (sum(label_w[k] + 0.2 for k in ins[slot]) - 0.2) / 2
                for k in ins[slot]:
                    labels[k] = (lx + label_w[k] / 2, top + 0.3 + label_h[k] / 2)
                    lx += label_w[k] + 0.2
            x += foot + GAP
        y -= row_h
        width = max(width, total)
    return _Layout(pos, (width, -y), labels)


def _sources_left_to_right(g: Graph, edges: list[int],
                           pos: dict[Slot, tuple[float, float]]) -> list[int]:
    """The edges into a node ordered by where they come from: the last waypoint or the
    source, whichever is in the row above it."""
    def x(k: int) -> float:
        e = g.edges[k]
        before = ("d", k, g.nodes[e.target].depth - 1)
        return pos.get(before, pos.get(("n", e.source, 0), (0.0, 0.0)))[0]

    return sorted(edges, key=x)


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


def _edges(g: Graph, layout: _Layout) -> list[str]:
    """Each edge through its waypoints, its partial above and the sweep's flow below
    (flowing right), or both in a box above its target (flowing down)."""
    out, boxes = [], []
    pos = layout.pos
    for k, e in enumerate(g.edges):
        style = "adtsharededge" if g.nodes[e.source].fans_out else "adtedge"
        path = [f"(n{e.source})"]
        for d in range(g.nodes[e.source].depth + 1, g.nodes[e.target].depth):
            if ("d", k, d) in pos:
                x, y = pos[("d", k, d)]
                path.append(f"({x:.2f},{y:.2f})")
        flow = g.flow_latex(e)
        flow = rf"\textcolor{{{_color(g)}}}{{${flow}$}}" if flow is not None and g.mode else None
        if k in layout.labels:
            x, y = layout.labels[k]
            path.append(f"({x:.2f},{y:.2f})")
            out.append(f"\\draw[{style}] " + " -- ".join(path) + f" -- (n{e.target});")
            text = rf"${g.edge_latex(e)}$" + (rf" \\ {flow}" if flow else "")
            boxes.append(rf"\node[adtlabel] at ({x:.2f},{y:.2f}) {{{text}}};")
            continue
        label = rf"node[adtpartial] {{${g.edge_latex(e)}$}}"
        if flow is not None:
            label += rf" node[adtflow] {{{flow}}}"
        out.append(f"\\draw[{style}] " + " -- ".join(path) + f" -- {label} (n{e.target});")
    return out + boxes
