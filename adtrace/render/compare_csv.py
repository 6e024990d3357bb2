"""``adtrace compare --format csv``: one row per sweep of each mode, then the summaries.

Columns (a header row comes first)::

    mode,sweep,kind,id,wrt,seed,sweeps,primal,multiply_adds,operations,stored,value,note

Rows, in this order (``kind`` says which):

* ``input`` and ``output``: ``id`` is the user's name, ``value`` its value at the point;
* ``sweep``: one per sweep, ``mode`` ``forward`` or ``reverse``, ``sweep`` 1, 2, ...;
  ``seed`` the input (forward) or output (reverse) seeded with 1; ``primal`` the
  primal rows the sweep evaluates, ``multiply_adds`` its tangent terms or adjoint
  contributions, ``operations`` their sum;
* ``total``: one per mode, the contract's JSON numbers: ``sweeps``, ``operations``
  and ``stored`` (``note`` says what is stored), with ``primal`` and
  ``multiply_adds`` summed over the sweeps;
* ``cheaper``: ``mode`` is ``forward``, ``reverse`` or ``either``; ``note`` says why;
* ``derivative``: one per Jacobian entry, ``id`` the output, ``wrt`` the input;
* ``difference``: ``value`` is the largest difference between the forward and the
  reverse Jacobian entries (0 when they agree exactly);
* ``warning``: ``note`` says which node and which one-sided choice was taken.

Counts are plain integers; values have full float precision (the shortest text that
reads back as the same float).  UTF-8, ``\\n`` line ends, minimal quoting.
"""

from __future__ import annotations

from typing import Any

from ..compare import Comparison
from .csv import number, write

COLUMNS = ["mode", "sweep", "kind", "id", "wrt", "seed", "sweeps", "primal", "multiply_adds",
           "operations", "stored", "value", "note"]


def records(c: Comparison) -> list[dict[str, str]]:
    """The rows of the CSV as dictionaries (column -> cell)."""
    out: list[dict[str, str]] = []

    def add(**cells: Any) -> None:
        out.append({k: "" if cells.get(k) is None else str(cells[k]) for k in COLUMNS})

    for name, value in c.inputs:
        add(kind="input", id=name, value=number(value))
    for name, value in c.outputs:
        add(kind="output", id=name, value=number(value))
    for cost in (c.forward, c.reverse):
        for k, s in enumerate(cost.sweeps, start=1):
            add(mode=cost.mode, sweep=k, kind="sweep", seed=s.seed, primal=s.primal,
                multiply_adds=s.multiply_adds, operations=s.operations)
    for cost in (c.forward, c.reverse):
        add(mode=cost.mode, kind="total", sweeps=cost.n_sweeps,
            primal=sum(s.primal for s in cost.sweeps),
            multiply_adds=sum(s.multiply_adds for s in cost.sweeps),
            operations=cost.operations, stored=cost.stored, note=cost.stored_what)
    add(mode=c.cheaper, kind="cheaper", note=c.why)
    view = c.jacobian
    for i, output in enumerate(view.outputs):
        for j, inp in enumerate(view.inputs):
            add(kind="derivative", id=output, wrt=inp, value=number(view.entries[i][j]))
    add(kind="difference", value=number(c.max_difference),
        note="largest difference between the forward and the reverse Jacobian entries")
    for w in c.warnings:
        add(kind="warning", note=w)
    return out


def render(c: Comparison, **_: Any) -> str:
    return write(records(c), COLUMNS)
