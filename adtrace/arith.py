"""The numbers a sweep computes with: floats for the trace, SymPy values for ``--exact``.

:func:`~adtrace.forward.forward_sweep` and :func:`~adtrace.reverse.reverse_sweep`
use only ``+`` and ``*`` of their values and what an :class:`Arithmetic` adds:
its zero, and what to do with a value that does not fit (a float that overflowed:
a domain error; an exact value too large to carry further: an unknown and a note).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .program import Labels
from .tracing import check_finite


@dataclass(frozen=True)
class Arithmetic:
    zero: Any
    fits: Callable[[Any], bool]  # may the sweep carry on with this value?
    #: called where it may not, with (labels, node, value, role "dot" | "bar", sweep's
    #: name): raises, or gives the value to carry on with
    misfit: Callable[[Labels, int, Any, str, str], Any]


FLOATS = Arithmetic(0.0, math.isfinite, check_finite)
