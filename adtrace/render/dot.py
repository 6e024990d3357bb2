"""``adtrace graph --format dot``: Graphviz, left to right, one column per depth.

Inputs are blue rounded boxes, intermediates grey boxes, outputs amber double boxes;
a node whose value goes to more than one place has a heavy border and violet
out-edges (the fan-out).  Each node shows its operation, its value and (with
``--mode``) its tangent or adjoint, as the sum of what its edges carry when there is
more than one term; each edge its local partial derivative and what the sweep carries
along it.  Nodes at the same depth share a rank, so
the columns are the trace's levels.  The output is deterministic: nodes and edges
appear in row order.
"""

from __future__ import annotations

from typing import Any

from ..graph import Graph, GraphEdge, GraphNode
from ..notation import sym
from .common import one_line

FONT = "DejaVu Sans"

#: role -> node attributes
STYLE: dict[str, dict[str, str]] = {
    "input": {"shape": "box", "style": "rounded,filled", "fillcolor": "#dbeafe",
              "color": "#1d4ed8"},
    "intermediate": {"shape": "box", "fillcolor": "#f3f4f6", "color": "#4b5563"},
    "output": {"shape": "box", "fillcolor": "#fde68a", "color": "#b45309", "peripheries": "2"},
}
DERIVATIVE_COLOR = {"forward": "#047857", "reverse": "#b91c1c"}
DEFAULT_COLOR = "black"  # a kind of sweep without a colour of its own


def _color(g: Graph) -> str:
    """The colour of the sweep's derivatives on the graph."""
    return DERIVATIVE_COLOR.get(g.mode or "", DEFAULT_COLOR)
SHARED_COLOR = "#7c3aed"


def html(text: str) -> str:
    """Escape text for a Graphviz HTML-like label."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def quote(text: str) -> str:
    """A double-quoted DOT string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def node_label(g: Graph, n: GraphNode) -> str:
    lines = [f"<b>{html(n.title)}</b>"]
    value = g.value_text(n)
    if value is not None:
        lines.append(html(value))
    deriv = g.derivative_text(n)
    if deriv is not None and g.mode is not None:
        lines.append(f'<font color="{_color(g)}">{html(deriv)}</font>')
    if n.use_text:
        lines.append(f'<font color="{SHARED_COLOR}" point-size="9">{html(n.use_text)}</font>')
    return "<" + "<br/>".join(lines) + ">"


def edge_label(g: Graph, e: GraphEdge) -> str:
    """``∂w1/∂x1`` over ``= x2 = 3`` (short lines keep the columns narrow), and under
    them what the sweep carries along the edge."""
    text = g.edge_text(e)
    name, sep, rest = text.partition(" = ")
    lines = [html(name), html(f"= {rest}")] if sep and len(text) > 16 else [html(text)]
    flow = g.flow_text(e)
    if flow is not None and g.mode is not None:
        lines.append(f'<font color="{_color(g)}">{html(flow)}</font>')
    return "<" + "<br/>".join(lines) + ">"


def title(g: Graph) -> list[str]:
    lines = [one_line(g.source)]
    if len(lines[0]) > 160:
        lines[0] = lines[0][:159] + sym("…")
    point = g.point_text()
    if point:
        lines.append(f"at {point}")
    sweep = g.sweep_text()
    if sweep:
        lines.append(sweep)
    return lines


def graph(g: Graph, **_: Any) -> str:
    """The graph as a ``digraph``, one rank per depth."""
    out = ["digraph adtrace {"]
    label = "".join(html(line) + '<br align="left"/>' for line in title(g))
    out.append(f'  graph [rankdir=LR, ranksep=0.45, nodesep=0.3, fontname="{FONT}", '
               f"fontsize=12, labelloc=t, labeljust=l, label=<{label}>];")
    out.append(f'  node [fontname="{FONT}", fontsize=11, style=filled, penwidth=1.3, '
               "margin=\"0.12,0.06\"];")
    out.append(f'  edge [fontname="{FONT}", fontsize=10, color="#4b5563", '
               'fontcolor="#1f2937", arrowsize=0.7];')
    for depth, layer in enumerate(g.layers()):
        if not layer:
            continue
        out.append(f"  subgraph depth{depth} {{")
        out.append("    rank=same;")
        for i in layer:
            n = g.nodes[i]
            attrs = dict(STYLE[n.role])
            if n.fans_out:
                attrs["penwidth"] = "2.2"
            attrs_text = ", ".join(f"{k}={quote(v)}" for k, v in attrs.items())
            out.append(f"    n{i} [id={quote(n.id)}, label={node_label(g, n)}, {attrs_text}];")
        out.append("  }")
    for e in g.edges:
        attrs = [f"label={edge_label(g, e)}"]
        if g.nodes[e.source].fans_out:
            attrs.append(f'color="{SHARED_COLOR}"')
        out.append(f"  n{e.source} -> n{e.target} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"
