"""The fast paths of large JSON traces: that they are taken, that they fall back safely,
and that their helpers write what the plain ones write.

``tests/test_programs.py`` compares the JSON of random programs with the rows printed
one by one; these tests make sure that comparison exercises the fused templates of
:mod:`adtrace.shapes` (and not only their fallback), and check the pieces they rely on.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_programs import json_values

from adtrace import trace
from adtrace.render import json_rows
from adtrace.render.json import render
from adtrace.render.jsontext import Fragment, dumps
from adtrace.shapes import Layout, ShapePrinter

CHAIN = "\n".join(["t1 = sin(x1)*x2"] + [f"t{k} = sin(t{k - 1})*x2 + cos(t{k - 1} - x1)"
                                          for k in range(2, 41)])
POINT = "x1=0.5,x2=-0.75"


def _count(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Count the calls of a ShapePrinter method (the ordinary record of one row)."""
    calls = [0]
    method = getattr(ShapePrinter, name)

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return method(self, *args, **kwargs)

    monkeypatch.setattr(ShapePrinter, name, counted)
    return calls


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_most_rows_are_filled_templates_not_printed_rows(monkeypatch, mode):
    t = trace(CHAIN, POINT, mode=mode, check=False)
    steps = sum(len(s.steps) for s in t.sweeps)
    step_records = _count(monkeypatch, "_step_record")
    node_records = _count(monkeypatch, "_node_record")
    render(t)
    # the ordinary way only for the first row of each template (a few dozen at most)
    assert 0 < step_records[0] < steps / 4
    assert 0 < node_records[0] < len(t.program.eqns) / 4


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_a_template_that_fills_differently_is_never_used(monkeypatch, mode):
    """The safety net: every fused template is checked on its first row."""
    from adtrace import shapes

    t = trace(CHAIN, POINT, mode=mode, check=False)
    expected = render(t)
    step_records = _count(monkeypatch, "_step_record")
    monkeypatch.setattr(shapes, "_fill_record", lambda *args: "wrong")
    monkeypatch.setattr(shapes, "_fill_node", lambda *args: "wrong")
    assert render(t) == expected
    assert step_records[0] >= sum(len(s.steps) for s in t.sweeps)  # every row the plain way


def test_mixed_tall_and_flat_labels_take_the_plain_way_and_agree(monkeypatch):
    """Where some labels are tall in LaTeX and others flat, a row's shape depends on its
    labels: the records are then written from the printed lines, one by one."""
    from adtrace import shapes

    t = trace(CHAIN, POINT, mode="reverse", check=False)
    expected = render(t)
    # x_{1}, t_{1} and w_{1} (marked or not) tall, the others flat: a mix
    monkeypatch.setattr(shapes, "_is_tall", lambda latex: "_{1}" in latex)
    fills = _count(monkeypatch, "_fuse_step")
    assert render(t) == expected
    assert fills[0] == 0


@pytest.mark.parametrize("scheme", ["w", "v", "h"])
@pytest.mark.parametrize("formula,at", [
    ("α1 = sin(x1)*β; γ_2 = α1 + Ω", "x1=1,β=2,Ω=3"),
    ("é = sin(x1)*Ж; y = é*_a + xy_z + λ", "x1=1,Ж=2,_a=1,xy_z=3,λ=0.5"),
    ("x1y2 = sin(ab)*a_1 + Δx1 + Γ2; q = x1y2*ab", "ab=1,a_1=2,Δx1=3,Γ2=0.5"),
])
def test_marked_names_are_the_labels_of_every_node(formula, at, scheme):
    lab = trace(formula, at, mode="reverse", labels=scheme, check=False).labels
    nodes = range(len(lab.ids))
    assert lab.marked_names("val") == lab.text
    assert lab.marked_names("val", latex=True) == lab.latex
    assert lab.marked_names("dot") == [lab.dot(i) for i in nodes]
    assert lab.marked_names("bar") == [lab.bar(i) for i in nodes]
    assert lab.marked_names("dot", latex=True) == [lab.dot_latex(i) for i in nodes]
    assert lab.marked_names("bar", latex=True) == [lab.bar_latex(i) for i in nodes]


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_the_json_escape_works_character_by_character(a, b):
    assert json_rows._escape(a + b) == json_rows._escape(a) + json_rows._escape(b)
    assert '"' + json_rows._escape(a) + '"' == json.dumps(a, ensure_ascii=False)


labels = st.lists(st.text(alphabet=st.sampled_from('ab\\"\n\x01{}_ē'), max_size=6), max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.one_of(labels, st.lists(st.text(), max_size=4)))
def test_escaping_every_label_at_once_escapes_each(texts):
    assert json_rows._escape_all(texts) == [json_rows._escape(s) for s in texts]


def _as_fragments(value, pieces):  # type: ignore[no-untyped-def]
    """Replace every list of the value by a fragment writing it (in pieces or whole)."""
    if isinstance(value, list):
        inner = [_as_fragments(v, pieces) for v in value]

        def write(indent: str):  # type: ignore[no-untyped-def]
            text = dumps(inner) if not indent else \
                "\n".join(indent + line if k else line
                          for k, line in enumerate(dumps(inner).split("\n")))
            return [text[:len(text) // 2], text[len(text) // 2:]] if pieces else text

        return Fragment(write)
    if isinstance(value, dict):
        return {k: _as_fragments(v, pieces) for k, v in value.items()}
    return value


@settings(max_examples=200, deadline=None)
@given(json_values, st.booleans(), st.sampled_from(["", "\n", "%s"]))
def test_fragments_in_pieces_write_what_json_dumps_writes(value, pieces, end):
    expected = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + end
    assert dumps(_as_fragments(value, pieces), end=end) == expected


class _Plain(Layout):
    """Records as plain lines, ``id | value | line per style``, with a marker escaped."""

    def __init__(self, t, n_styles: int) -> None:  # type: ignore[no-untyped-def]
        self.t, self.n = t, n_styles
        self.ids = [f"<{s}>" for s in t.labels.ids]

    @staticmethod
    def escape(text: str) -> str:
        return text.replace("%", "%%%").replace("=", "~")  # character by character

    @staticmethod
    def number(x: float) -> str:
        return repr(x)

    def step_frame(self, sweep, step) -> str:  # type: ignore[no-untyped-def]
        return "%s | %s" + " | %s" * self.n + (" +" if step.accumulates else "") + " 100%%"

    def node_frames(self):  # type: ignore[no-untyped-def]
        p = self.t.program
        return [("%s(" + ", ".join("%s" if isinstance(a, int) else a.text.replace("%", "%%")
                                   for a in e.args) + ") %s" + " | %s" * self.n + " %s",
                 (e.op,)) for e in p.eqns]


@pytest.mark.parametrize("styles", [("text",), ("latex",), ("latex", "text"),
                                    ("text", "latex")])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_records_of_any_styles_are_the_lines_in_their_frames(styles, mode):
    t = trace(CHAIN + "\ny = max(t40, x1, 2) - abs(t39)", POINT, mode=mode, check=False,
              digits=2)
    shapes = ShapePrinter(t, styles)
    layout = _Plain(t, len(styles))
    for sweep in t.sweeps:
        expected = [layout.step_frame(sweep, step) % (
            layout.ids[step.node], repr(step.value), *map(layout.escape, lines))
            for step, lines in zip(sweep.steps, shapes.sweep_lines(sweep))]
        assert shapes.sweep_records(sweep, layout) == expected
    p = t.program
    expected = []
    for k, (frame, extra) in enumerate(layout.node_frames()):
        node = p.n_inputs + k
        names = [shapes.styles[i].names_of("val")[node] for i in range(len(styles))]
        lines = [f"{name} = {rule}" for name, rule in zip(names, shapes.primal_rule(node))]
        expected.append(frame % (layout.ids[node], *[layout.ids[a] for a in p.node_args(node)],
                                 repr(t.values[node]), *map(layout.escape, lines), *extra))
    assert shapes.primal_records(layout) == expected
