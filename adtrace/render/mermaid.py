"""``adtrace graph --format mermaid``: a ``flowchart LR`` block for GitHub and Markdown.

Every label is quoted and escaped with Mermaid's entity codes (``#quot;``, ``#35;``,
``#lt;``), so parentheses, ``=`` signs, ``*`` and Unicode marks (``x̄1``, ``∂``) reach
the picture as written.  Inputs are stadiums, intermediates rectangles, outputs
double-edged boxes, each role with its own colour; a node whose value goes to more
than one place (two operations, or an operation and the outputs) has a violet border
and violet out-edges.  Mermaid lays the graph out itself, left to right.
"""

from __future__ import annotations

from typing import Any

from ..graph import Graph, GraphEdge, GraphNode
from .common import one_line
from .dot import SHARED_COLOR

#: role -> (opening, closing) of the node shape
SHAPES = {"input": ('(["', '"])'), "intermediate": ('["', '"]'), "output": ('[["', '"]]')}
CLASSES = {
    "input": "fill:#dbeafe,stroke:#1d4ed8,color:#111827",
    "intermediate": "fill:#f3f4f6,stroke:#4b5563,color:#111827",
    "output": "fill:#fde68a,stroke:#b45309,stroke-width:2px,color:#111827",
}


def escape(text: str) -> str:
    """Text for inside a quoted Mermaid label (HTML is added by the caller only)."""
    out = []
    for ch in text:
        if ch == '"':
            out.append("#quot;")
        elif ch == "#":
            out.append("#35;")
        elif ch == "<":
            out.append("#lt;")
        elif ch == ">":
            out.append("#gt;")
        elif ch == "&":
            out.append("#amp;")
        elif ch in "\n\r\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def comment(text: str) -> str:
    """A ``%%`` comment line; braces could start a directive, so they are dropped."""
    return "%% " + text.replace("{", "(").replace("}", ")").replace("\n", " ")


def node_label(g: Graph, n: GraphNode) -> str:
    lines = [f"<b>{escape(n.title)}</b>"]
    value = g.value_text(n)
    if value is not None:
        lines.append(escape(value))
    deriv = g.derivative_text(n)
    if deriv is not None:
        lines.append(escape(deriv))
    if n.use_text:
        lines.append(f"<i>{escape(n.use_text)}</i>")
    return "<br/>".join(lines)


def edge_label(g: Graph, e: GraphEdge) -> str:
    lines = [escape(g.edge_text(e))]
    flow = g.flow_text(e)
    if flow is not None:
        lines.append(escape(flow))
    return "<br/>".join(lines)


def graph(g: Graph, **_: Any) -> str:
    """The graph as a ``flowchart LR``."""
    out = ["flowchart LR"]
    out.append("  " + comment(f"adtrace graph: {one_line(g.source)[:300]}"))
    point = g.point_text()
    if point:
        out.append("  " + comment(f"at {point}"))
    sweep = g.sweep_text()
    if sweep:
        out.append("  " + comment(sweep))
    for n in g.nodes:
        opening, closing = SHAPES[n.role]
        out.append(f"  n{n.node}{opening}{node_label(g, n)}{closing}")
    shared_links = []
    for k, e in enumerate(g.edges):
        out.append(f'  n{e.source} -->|"{edge_label(g, e)}"| n{e.target}')
        if g.nodes[e.source].fans_out:
            shared_links.append(str(k))
    for role, style in CLASSES.items():
        members = [f"n{n.node}" for n in g.nodes if n.role == role]
        out.append(f"  classDef {role} {style}")
        if members:
            out.append(f"  class {','.join(members)} {role}")
    shared = [f"n{n.node}" for n in g.nodes if n.fans_out]
    if shared:
        out.append("  classDef shared stroke:" + SHARED_COLOR + ",stroke-width:3px")
        out.append(f"  class {','.join(shared)} shared")
    if shared_links:
        out.append(f"  linkStyle {','.join(shared_links)} stroke:{SHARED_COLOR},stroke-width:2px")
    return "\n".join(out) + "\n"
