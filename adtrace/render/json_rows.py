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

import re
from collections.abc import Callable
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


# what encode_basestring escapes (ensure_ascii=False): quote, backslash, control characters
_SPECIAL = re.compile(r'["\\\x00-\x1f]')


def _escape_all(texts: list[str]) -> list[str]:
    """:func:`_escape` of each text; labels need at most their backslashes doubled."""
    special = set(_SPECIAL.findall("".join(texts)))
    if not special:
        return list(texts)
    if special == {"\\"}:
        return [s.replace("\\", "\\\\") for s in texts]
    return [_escape(s) for s in texts]


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


class JsonRows:
    """The ``nodes`` array and each sweep's ``steps`` array of one trace, as fragments
    of the document (:class:`adtrace.render.jsontext.Fragment`)."""

    def __init__(self, t: Trace, shapes: ShapePrinter) -> None:
        self.t = t
        self.shapes = shapes  # text and LaTeX, in that order
        self.ids = [f'"{s}"' for s in _escape_all(t.labels.ids)]
        self.unique = len(set(self.ids)) == len(self.ids)

    def nodes(self) -> Fragment:
        """The primal trace: ``{"id", "op", "args", "value", "text", "latex"[, "name"]}``."""
        return Fragment(lambda indent: _items(
            self.shapes.primal_records(_Layout(self, indent)), indent))

    def steps(self, sweep: Sweep) -> Fragment:
        """One sweep's rows: ``{"id", "value", "text", "latex"[, "accumulate"[, "flow"]]}``."""
        return Fragment(lambda indent: _items(
            self.shapes.sweep_records(sweep, _Layout(self, indent)), indent))

    def values(self, sweep: Sweep, inputs: Callable[[float], Any] | None = None) -> Fragment | None:
        """A sweep's tangents or adjoints by id, ``{"x1": 1, "w1": 0.5}``, the nodes it did
        not reach left out, ``inputs`` applied to the inputs' values; None where two nodes
        share an id (a dict keeps one of them)."""
        if not self.unique:
            return None
        n = self.t.program.n_inputs if inputs is not None else 0

        def write(indent: str) -> str:
            ids = self.ids
            items = [f"{ids[i]}: {_float_repr(v)}" if v.__class__ is float and v - v == 0.0
                     and i >= n else f"{ids[i]}: {_number(inputs(v) if i < n else v)}"  # type: ignore[misc]
                     for i, v in enumerate(sweep.values) if v is not None]
            if not items:
                return "{}"
            inner = indent + "  "
            return "{\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "}"

        return Fragment(write)


class _Layout(Layout):
    """The JSON objects of the rows, as array items at one indentation."""

    escape = staticmethod(_escape)
    number = staticmethod(_number)
    escape_all = staticmethod(_escape_all)

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
        # by the equation's kind: without, and with a "name" (Labels.name, where the
        # user's name is not the id)
        frames: tuple[dict[int, str], dict[int, str]] = ({}, {})

        def frame(kind: int, eqn: Any, named: bool) -> str:
            args = between.join(["%s" if a.__class__ is int else _literal(a.text)
                                 for a in eqn.args])
            made = frames[named][kind] = (
                "{\n" + field + '"id": %s,\n' + field + '"op": ' + _literal(eqn.op)
                + ",\n" + field + '"args": [\n' + field + "  " + args + "\n" + field
                + '],\n' + field + '"value": %s,\n' + field + '"text": "%s",\n' + field
                + '"latex": "%s"' + (",\n" + field + '"name": %s' if named else "")
                + self.end)
            return made

        without, with_name = frames
        out: list[tuple[str, tuple[str, ...]]] = []
        for k, (kind, eqn) in enumerate(zip(self.kinds, p.eqns)):
            name = eqn.name
            if name and name != ids[n + k]:
                out.append((with_name.get(kind) or frame(kind, eqn, True), (enc(name),)))
            else:
                out.append((without.get(kind) or frame(kind, eqn, False), ()))
        return out
