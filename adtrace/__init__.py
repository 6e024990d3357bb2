"""adtrace: automatic differentiation, step by step, as textbooks print it.

    >>> from adtrace import trace
    >>> t = trace("x1*x2 + sin(x1)", "x1=2,x2=3", mode="reverse")
    >>> t.derivatives["f"]["x1"]
    2.5838531634528574

The package imports neither SymPy nor rich until a command needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["trace", "forward", "reverse", "__version__"]

if TYPE_CHECKING:
    from .tracing import Trace


def trace(formula: str, at: Any, **options: Any) -> Trace:
    """Trace ``formula`` at ``at`` (``"x1=2,x2=3"`` or a dict); see :func:`adtrace.api.trace`."""
    from .api import trace as _trace

    return _trace(formula, at, **options)


def forward(formula: str, at: Any, **options: Any) -> Trace:
    """Forward mode: one tangent sweep per seeded input."""
    return trace(formula, at, mode="forward", **options)


def reverse(formula: str, at: Any, **options: Any) -> Trace:
    """Reverse mode: one adjoint sweep per output."""
    return trace(formula, at, mode="reverse", **options)
