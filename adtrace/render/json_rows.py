"""The ``nodes`` and ``steps`` arrays of a trace, written straight to JSON text.

A 20,000-operation trace has some 50,000 of these objects.  Building a dict for
each and encoding it again costs more than writing the text: here every object
is one ``%`` template at its indentation (a :class:`adtrace.shapes.Layout`
frame), which :class:`adtrace.shapes.ShapePrinter` fuses with the templates of
the row's text and LaTeX, with labels, numbers and literal text already escaped
for JSON by the standard library's C function.  The text is exactly what
``jsontext.dumps(json.to_dict(trace))`` writes for the same arrays (the tests
compare the two); :func:`adtrace.render.json.render` uses it when no ``--exact``
values are asked for.
"""

from __future__ import annotations

from json.encoder import encode_basestring as enc
from typing import Any

from ..shapes import Layout, ShapePrinter
from ..tracing import Step, Sweep, Trace
from .jsontext import Fragment

_float_repr = float.__repr__


def _number(x: Any) -> str:
    """A JSON number, as ``json.dumps`` writes it."""
    if x.__class__ is float and x - x == 0.0:
        return _float_repr(x)
    from .jsontext import dumps

    return dumps(x)  # an int, or a float that is refused as json.dumps refuses it


def _escape(text: str) -> str:
    """``text`` inside a JSON string: ``json.dumps(text)`` without its quotes."""
    return enc(text)[1:-1]


def _literal(text: str) -> str:
    """A JSON string as literal text of a ``%`` format."""
    return enc(text).replace("%", "%%")


def _items(items: list[str], indent: str) -> str | list[str]:
    """A JSON array of items written elsewhere, in pieces: the megabytes of a large trace
    are copied once, when the whole document is joined (see :mod:`.jsontext`)."""
    if not items:
        return "[]"
    inner = indent + "  "
    pieces = [",\n" + inner] * (2 * len(items) + 1)
    pieces[1::2] = items
    pieces[0] = "[\n" + inner
    pieces[-1] = "\n" + indent + "]"
    return pieces


def numbers(mapping: dict[str, Any]) -> Fragment:
    """A JSON object of numbers (a sweep's 20,000 values), written in one go."""

    def write(indent: str) -> str:
        if not mapping:
            return "{}"
        inner = indent + "  "
        return "{\n" + inner + (",\n" + inner).join([
            f"{enc(k)}: {_number(v)}" for k, v in mapping.items()]) + "\n" + indent + "}"

    return Fragment(write)


class JsonRows:
    """The ``nodes`` array and each sweep's ``steps`` array of one trace, as fragments
    of the document (:class:`adtrace.render.jsontext.Fragment`)."""

    def __init__(self, t: Trace, shapes: ShapePrinter) -> None:
        self.t = t
        self.shapes = shapes  # text and LaTeX, in that order
        self.ids = [enc(s) for s in t.labels.ids]

    def nodes(self) -> Fragment:
        """The primal trace: ``{"id", "op", "args", "value", "text", "latex"[, "name"]}``."""
        return Fragment(lambda indent: _items(
            self.shapes.primal_records(_Layout(self, indent)), indent))

    def steps(self, sweep: Sweep) -> Fragment:
        """One sweep's rows: ``{"id", "value", "text", "latex"[, "accumulate"[, "flow"]]}``."""
        return Fragment(lambda indent: _items(
            self.shapes.sweep_records(sweep, _Layout(self, indent)), indent))


class _Layout(Layout):
    """The JSON objects of the rows, as array items at one indentation."""

    escape = staticmethod(_escape)
    number = staticmethod(_number)

    def __init__(self, rows: JsonRows, indent: str) -> None:
        self.t = rows.t
        self.ids = rows.ids
        self.kinds = rows.shapes.kinds
        self.indent = indent
        field = self.field = indent + "    "
        # the fields every step has; the text and LaTeX go inside the quotes
        self.head = ("{\n" + field + '"id": %s,\n' + field + '"value": %s,\n' + field
                     + '"text": "%s",\n' + field + '"latex": "%s"')
        self.end = "\n" + indent + "  }"

    def step_frame(self, sweep: Sweep, step: Step) -> str:
        if sweep.mode == "forward":
            return self.head + self.end
        p = self.t.program
        flow = p.eqns[step.source - p.n_inputs].rule.flow  # type: ignore[operator]
        field = self.field
        frame = self.head + ",\n" + field + '"accumulate": ' + \
            ("true" if step.accumulates else "false")
        if flow:
            frame += ",\n" + field + '"flow": ' + _literal(flow)
        return frame + self.end

    def node_frames(self) -> list[tuple[str, tuple[str, ...]]]:
        p, ids = self.t.program, self.t.labels.ids
        n, field = p.n_inputs, self.field
        between = ",\n" + field + "  "
        frames: dict[tuple[int, bool], str] = {}  # by the equation's kind, and if named
        out: list[tuple[str, tuple[str, ...]]] = []
        plain: tuple[str, ...] = ()
        for k, (kind, eqn) in enumerate(zip(self.kinds, p.eqns)):
            name = eqn.name  # Labels.name: the user's name, where it is not the id
            named = bool(name) and name != ids[n + k]
            frame = frames.get((kind, named))
            if frame is None:
                args = between.join(["%s" if a.__class__ is int else _literal(a.text)
                                     for a in eqn.args])
                frame = frames[kind, named] = (
                    "{\n" + field + '"id": %s,\n' + field + '"op": ' + _literal(eqn.op)
                    + ",\n" + field + '"args": [\n' + field + "  " + args + "\n" + field
                    + '],\n' + field + '"value": %s,\n' + field + '"text": "%s",\n' + field
                    + '"latex": "%s"' + (",\n" + field + '"name": %s' if named else "")
                    + self.end)
            out.append((frame, (enc(name),) if named else plain))  # type: ignore[arg-type]
        return out
