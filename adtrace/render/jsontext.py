"""JSON text, indented by two spaces, faster than ``json.dumps`` for large traces.

:func:`dumps` gives exactly ``json.dumps(obj, indent=2, ensure_ascii=False,
allow_nan=False)`` for the plain data the renderers build (dicts with string keys,
lists, strings, floats, ints, booleans, None).  The standard library encodes an
indented document in pure Python, one generator step per token; here every
dict with the same keys at the same depth shares one ``%`` template, and strings
are encoded by the standard library's C function.  A 20,000-operation trace is
some 400,000 values.
"""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any

_float_repr = float.__repr__


def _bad_float(x: float) -> str:
    raise ValueError(f"Out of range float values are not JSON compliant: {x!r}")


def dumps(obj: Any, end: str = "") -> str:
    """``json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + end``, faster."""
    enc = encode_basestring
    templates: dict[tuple[tuple[str, ...], str], tuple[str, str]] = {}

    def value(v: Any, indent: str) -> str:
        """Any JSON value; strings and finite floats are handled inline by the callers."""
        tp = type(v)
        if tp is dict:
            if not v:
                return "{}"
            key = (tuple(v), indent)
            template = templates.get(key)
            if template is None:
                if not all(type(k) is str for k in v):
                    raise TypeError("keys must be str")
                inner = indent + "  "
                heads = [("{\n" if i == 0 else ",\n") + inner + enc(k) + ": "
                         for i, k in enumerate(v)]
                template = templates[key] = (
                    "%s".join(h.replace("%", "%%") for h in heads) + "%s\n" + indent + "}",
                    inner)
            fmt, inner = template
            return fmt % tuple([enc(x) if x.__class__ is str else
                                _float_repr(x) if x.__class__ is float and x - x == 0.0 else
                                "true" if x is True else "false" if x is False else
                                value(x, inner) for x in v.values()])
        if tp is str:
            return enc(v)
        if tp is float:
            return _float_repr(v) if v - v == 0.0 else _bad_float(v)
        if tp is list or tp is tuple:
            if not v:
                return "[]"
            inner = indent + "  "
            return "[\n" + inner + (",\n" + inner).join([
                enc(x) if x.__class__ is str else
                _float_repr(x) if x.__class__ is float and x - x == 0.0 else
                value(x, inner) for x in v]) + "\n" + indent + "]"
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if tp is int:
            return int.__repr__(v)
        if isinstance(v, float):
            return value(float(v), indent)
        if isinstance(v, int):
            return int.__repr__(int(v))
        raise TypeError(f"Object of type {tp.__name__} is not JSON serializable")

    return value(obj, "") + end
