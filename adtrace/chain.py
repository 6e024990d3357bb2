"""The cross-check's verdict: the chain rule over the program's DAG, in mpmath at 30 digits.

Nothing here is what the sweeps use.  Each op's local partials are SymPy's ``diff`` of the
op's own *value* rule (``ops.py``), not its ``partials``, derived once per op and number
of arguments and evaluated at mpmath numbers by a small interpreter of SymPy trees (no
``eval``, ``exec`` or ``lambdify``).  The accumulation is this module's own: tangents
forward for a sweep that seeds inputs, adjoints backward for one that seeds outputs.

Beside every derivative goes a bound on the error floating point may make computing it
(:class:`Derivative`).  A partial undefined where its op is defined (``x^y·ln(x)`` at
``x = 0``) is taken as its limit there, by SymPy's ``limit``, a bounded number of times.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy
from mpmath import mpf

from .ops import RULES, Namespace, called
from .program import Const, Program, const_eval
from .symbolic import SYMPY, symbol
from .tracing import Trace

DIGITS = 30
U = 2.0**-53  # the unit roundoff of a double: one rounding is off by at most U relative
# The tolerance.  In floating point every product ∂·u̇ and every sum rounds once (U), each
# partial's formula loses U per operation and whatever its terms cancel, and all of it is
# carried to the result times the partials on the way.  The walk computes that first-order
# bound beside each derivative, from the magnitudes |∂|·|u̇| of the contributions and of the
# terms inside each partial: it grows with the paths' length and with cancellation, never
# with the derivative's scale, so ``sin(x)^2 + cos(x)^2`` (derivative 0) passes.  SAFETY
# times it is allowed: libm's functions are within one ulp (2U), sinh/cosh/tanh two, and
# the sweeps' formula for a partial (1/cos(a)^2) rounds a few times more or less than
# SymPy's (tan(a)^2 + 1).  A factor 1 + 1e-7 in a contribution, or a flipped sign, moves it
# by 1e-7 or 200% of its size, against 8·U (1e-15) per operation on its path.
SAFETY = 8.0
# Below 2^-1022 doubles lose digits (underflow): every rounding may also be off by 2^-1074
# absolutely (ETA, in units of U; a partial's formula, by a few times that), and
# differences below TINY do not count.
ETA = 2.0**-1074 / U
TINY = 2.0**-1022
MAX_LIMITS = 16  # SymPy limits taken per walk, at most (each some 10-50 ms)

NAN, ZERO = mpf("nan"), mpf(0)
Fn = Callable[[Sequence[Any]], tuple[Any, Any]]  # args -> (value, error bound in units of U)


class Undefined(Exception):
    """Not a finite real number at these arguments."""


@contextmanager
def precision() -> Iterator[None]:
    """mpmath at :data:`DIGITS` significant digits, for everything in this module."""
    with mpmath.workdps(DIGITS):
        yield


# --- the interpreter: a SymPy tree as a function of mpmath numbers ------------------------


def _real(v: Any) -> Any:
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            raise Undefined
        v = v.real
    if not mpmath.isfinite(v):
        raise Undefined
    return v


def _heaviside(x: Any, h0: Any = None) -> Any:
    """SymPy's Heaviside: 1/2 at 0 unless its second argument says otherwise."""
    return mpf(1) if x > 0 else mpf(0) if x < 0 else mpf(0.5) if h0 is None else h0


#: SymPy's function -> (its value in mpmath, its slope for the error bound (None: piecewise
#: constant), ulps of rounding): every function the op table's value rules and their
#: derivatives call
FUNCTIONS: dict[str, tuple[Callable[..., Any], Callable[[Any], Any] | None, float]] = {
    "sin": (mpmath.sin, mpmath.cos, 1), "cos": (mpmath.cos, mpmath.sin, 1),
    "tan": (mpmath.tan, lambda x: 1 + mpmath.tan(x)**2, 1),
    "asin": (mpmath.asin, lambda x: 1 / mpmath.sqrt(1 - x**2), 1),
    "acos": (mpmath.acos, lambda x: 1 / mpmath.sqrt(1 - x**2), 1),
    "atan": (mpmath.atan, lambda x: 1 / (1 + x**2), 1),
    "sinh": (mpmath.sinh, mpmath.cosh, 1), "cosh": (mpmath.cosh, mpmath.sinh, 1),
    "tanh": (mpmath.tanh, lambda x: 1 - mpmath.tanh(x)**2, 1),
    "exp": (mpmath.exp, mpmath.exp, 1), "log": (mpmath.log, lambda x: 1 / x, 1),
    "Abs": (abs, lambda x: 1, 0), "Max": (max, lambda x: 1, 0), "Min": (min, lambda x: 1, 0),
    "sign": (lambda x: mpf((x > 0) - (x < 0)), None, 0), "Heaviside": (_heaviside, None, 0),
}


def _number(expr: Any) -> tuple[Any, Any]:
    """A SymPy number: its value and its rounding as a double (0 where it is one)."""
    if expr.is_Rational:
        p, q = int(expr.p), int(expr.q)
        v = mpf(p) / q
        return v, ZERO if q & (q - 1) == 0 and abs(p) < 2**53 else abs(v)
    if expr.is_extended_real and expr.is_finite:  # pi, E, a float
        v = +mpf(sympy.Float(expr, DIGITS + 5)._mpf_)
        return v, abs(v)
    raise Undefined  # zoo, nan, oo


def compile_expr(expr: Any, symbols: Sequence[Any]) -> Fn:
    """``expr`` as a function of the values of ``symbols``, giving (value, error bound)."""
    if expr.is_Symbol:
        i = list(symbols).index(expr)
        return lambda a: (a[i], ZERO)
    if expr.is_Atom:
        try:
            const = _number(expr)
        except Undefined:
            return _undefined
        return lambda a: const
    parts = [compile_expr(arg, symbols) for arg in expr.args]
    if expr.is_Add:
        return _add(parts)
    if expr.is_Mul:
        return _mul(parts)
    if expr.is_Pow:
        return _pow(parts[0], parts[1], symbolic=not expr.exp.is_Number)
    return _call(type(expr).__name__, parts)


def _undefined(a: Sequence[Any]) -> tuple[Any, Any]:
    raise Undefined


def _add(parts: list[Fn]) -> Fn:
    def add(a: Sequence[Any]) -> tuple[Any, Any]:
        total = err = mag = ZERO
        for f in parts:
            v, e = f(a)
            total += v
            err += e
            mag += abs(v)
        return total, err + (len(parts) - 1) * mag  # each addition rounds

    return add


def _mul(parts: list[Fn]) -> Fn:
    def mul(a: Sequence[Any]) -> tuple[Any, Any]:
        vs = [f(a) for f in parts]
        total = mpf(1)
        for v, _ in vs:
            total *= v
        err = (len(parts) - 1) * abs(total)  # each product rounds
        for i, (_, e) in enumerate(vs):  # and a factor's error is times the others
            if e:
                err += e * mpmath.fprod(abs(w) for j, (w, _) in enumerate(vs) if j != i)
        return total, err

    return mul


def _pow(base: Fn, exponent: Fn, symbolic: bool) -> Fn:
    def power(a: Sequence[Any]) -> tuple[Any, Any]:
        (b, eb), (x, ex) = base(a), exponent(a)
        try:
            v = _real(mpmath.power(b, x))
        except ZeroDivisionError:
            raise Undefined from None
        err = 2 * abs(v)  # pow is within one ulp
        if v != 0 and (symbolic or ex):
            # a variable exponent is often computed (the sweeps' b·a^(b-1) rounds b - 1):
            # an error of U·(|x| + 1) in it is an error of |ln b|·U·(|x| + 1) relative in v
            err += abs(mpmath.log(abs(b)) * v) * (abs(x) + 1 + ex)
        if eb:
            if b == 0:
                raise Undefined
            err += abs(x * v / b) * eb
        return v, err

    return power


def _call(name: str, parts: list[Fn]) -> Fn:
    if name not in FUNCTIONS:
        raise TypeError(f"the check cannot evaluate SymPy's {name}")
    fn, slope, ulps = FUNCTIONS[name]

    def call(a: Sequence[Any]) -> tuple[Any, Any]:
        vs = [f(a) for f in parts]
        v = _real(fn(*[x for x, _ in vs]))
        err = 2 * ulps * abs(v)
        if slope is not None:
            for x, e in vs:
                if e:
                    err += abs(slope(x)) * e
        return v, err

    return call


# --- each operation's value and partials, from its value rule ------------------------------


@dataclass
class Local:
    """One operation with ``n`` arguments: its value and its partials, compiled."""

    symbols: list[Any]
    value: Fn
    partial_exprs: list[Any]
    partials: list[Fn]


_LOCAL: dict[tuple[str, int], Local] = {}


def local(op: str, n: int) -> Local:
    """SymPy's value and ``diff`` of operation ``op`` over ``n`` arguments, derived once."""
    key = (op, n)
    if key not in _LOCAL:
        with precision():
            syms = [symbol(f"a{k}") for k in range(n)]
            value = RULES[op].value(SYMPY, *syms)
            exprs = [sympy.diff(value, s) for s in syms]
            _LOCAL[key] = Local(syms, compile_expr(value, syms), exprs,
                                [compile_expr(e, syms) for e in exprs])
    return _LOCAL[key]


def _rational(v: Any) -> sympy.Rational:
    man, exp = mpf(v).man_exp
    if abs(exp) > 4096:
        raise Undefined
    return sympy.Integer(man) * sympy.Integer(2)**exp


def _limit(loc: Local, k: int, args: Sequence[Any]) -> Any:
    """Partial ``k`` at ``args`` as its limit along one argument, from every side where the
    operation is defined: ``x^y·ln(x)`` is 0 at ``x = 0`` (from the right)."""
    for i, s in enumerate(loc.symbols):
        others = {t: _rational(args[j]) for j, t in enumerate(loc.symbols) if j != i}
        expr = loc.partial_exprs[k].xreplace(others)
        at = _rational(args[i])
        found = set()
        for side in (1, -1):
            moved = list(args)
            moved[i] = args[i] + side * mpf(2)**-90 * max(1, abs(args[i]))
            try:
                loc.value(moved)
            except Undefined:
                continue
            try:
                found.add(sympy.limit(expr, s, at, "+" if side > 0 else "-"))
            except Exception:  # SymPy's own failures: no limit found
                found.add(sympy.nan)
        if len(found) == 1:
            (limit,) = found
            if limit.is_Rational:
                return _number(limit)[0]
            if limit.is_real and limit.is_finite:
                return mpf(sympy.N(limit, DIGITS + 5)._mpf_)
    raise Undefined


# --- the walk ----------------------------------------------------------------------------


Partial = tuple[Any, float, float]  # (value, error bound in units of U, |value| as a float)


class Walk:
    """Every node's value and the local partials of every equation, at one point: ``values``
    of the inputs (the others computed here), or of every node."""

    def __init__(self, program: Program, constant: Callable[[Const], Any],
                 values: Sequence[Any]) -> None:
        self.program, self.limits = program, 0
        vals = list(values) + [NAN] * (program.n_nodes - len(values))
        self.partials: list[list[Partial | None]] = []
        for node, eqn in enumerate(program.eqns, program.n_inputs):
            args = [constant(a) if isinstance(a, Const) else vals[a] for a in eqn.args]
            loc = local(eqn.op, len(args))
            if node >= len(values):
                try:
                    vals[node] = loc.value(args)[0]
                except Undefined:
                    pass  # stays nan, and so does all that depends on it
            self.partials.append([None if isinstance(a, Const) else
                                  self._partial(loc, j, args, vals[node])
                                  for j, a in enumerate(eqn.args)])
        self.values = vals

    def _partial(self, loc: Local, j: int, args: list[Any], value: Any) -> Partial:
        try:
            v, err = loc.partials[j](args)
            return v, float(err) + 8 * ETA, abs(float(v))
        except Undefined:
            pass
        if mpmath.isfinite(value) and self.limits < MAX_LIMITS:
            self.limits += 1
            try:
                v = _limit(loc, j, args)
                return v, 2 * abs(float(v)) + 8 * ETA, abs(float(v))
            except Undefined:
                pass
        return NAN, 0.0, math.nan


def point_walk(trace: Trace) -> Walk:
    """At the exact point: inputs and constants as given (``pi`` is π, ``0.1`` is 1/10)."""
    inputs = [const_eval(c.tree, MPMATH) for c in trace.point]
    return Walk(trace.program, lambda c: const_eval(c.tree, MPMATH), inputs)


def float_walk(trace: Trace) -> Walk:
    """At the values the sweeps computed with: every node and constant as its double."""
    return Walk(trace.program, lambda c: mpf(c.value), [mpf(v) for v in trace.values])


def primal_holds(trace: Trace) -> bool:
    """Whether every node's double is its value rule at its arguments' doubles, to rounding."""
    p, vals = trace.program, trace.values
    for k, eqn in enumerate(p.eqns):
        args = [mpf(a.value) if isinstance(a, Const) else mpf(vals[a]) for a in eqn.args]
        try:
            v, err = local(eqn.op, len(args)).value(args)
        except Undefined:
            return False
        if abs(v - vals[p.n_inputs + k]) > SAFETY * U * err + TINY:
            return False
    return True


# --- accumulation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Derivative:
    """A derivative by the chain rule, and how far floating point may be from it."""

    value: Any  # mpf; nan where undefined
    bound: float  # in units of U

    def agrees(self, ad: float) -> bool:
        if not (mpmath.isfinite(self.value) and math.isfinite(self.bound)):
            return False
        return bool(abs(mpf(ad) - self.value) <= SAFETY * U * self.bound + TINY)

    def __float__(self) -> float:
        return float(self.value)


def forward(walk: Walk, seed: dict[str, float]) -> dict[str, Derivative]:
    """Tangents ``v̇ = Σₖ ∂ₖ·u̇ₖ`` from the inputs' ``seed``: each output's derivative."""
    p = walk.program
    n = p.n_inputs
    dots: list[Any] = [mpf(seed.get(name, 0)) for name in p.inputs] + [ZERO] * len(p.eqns)
    sizes = [abs(float(d)) for d in dots]  # |dots|, as floats
    errs = [0.0] * p.n_nodes
    for k, eqn in enumerate(p.eqns):
        total, err, mag, terms = ZERO, 0.0, 0.0, 0
        for a, pe in zip(eqn.args, walk.partials[k]):
            if pe is None or (not dots[a] and not errs[a]):  # type: ignore[index]
                continue  # a constant, or an argument with no tangent
            partial, ep, ap = pe
            total += partial * dots[a]  # type: ignore[index]
            err += ap * errs[a] + ep * sizes[a]  # type: ignore[index]
            mag += ap * sizes[a]  # type: ignore[index]
            terms += 1
        node = n + k
        dots[node], sizes[node] = total, abs(float(total))
        errs[node] = err + terms * (mag + ETA)  # each product and each sum rounds
    return {name: Derivative(dots[node], errs[node]) for name, node in p.outputs}


def reverse(walk: Walk, weights: dict[str, float]) -> dict[str, Derivative]:
    """Adjoints ``ūₖ += v̄·∂ₖ`` from the outputs' ``weights``: each input's derivative."""
    p = walk.program
    n = p.n_inputs
    bars: list[Any] = [ZERO] * p.n_nodes
    errs, mags, counts = [0.0] * p.n_nodes, [0.0] * p.n_nodes, [0] * p.n_nodes
    for name, node in p.outputs:
        w = weights.get(name, 0)
        if w:
            bars[node] += mpf(w)
            mags[node] += abs(w)
            counts[node] += 1
    for node in range(p.n_nodes - 1, n - 1, -1):
        errs[node] += counts[node] * (mags[node] + ETA)  # each contribution rounded twice
        bar, eb = bars[node], errs[node]
        if not bar and not eb:
            continue
        size = abs(float(bar))
        for a, pe in zip(p.eqns[node - n].args, walk.partials[node - n]):
            if pe is None:
                continue
            partial, ep, ap = pe
            bars[a] += bar * partial  # type: ignore[index]
            errs[a] += ap * eb + ep * size  # type: ignore[index]
            mags[a] += ap * size  # type: ignore[index]
            counts[a] += 1  # type: ignore[index]
    return {name: Derivative(bars[i], errs[i] + counts[i] * (mags[i] + ETA))
            for i, name in enumerate(p.inputs)}


def sweep_results(trace: Trace, walk: Walk) -> list[dict[str, Derivative]]:
    """For every sweep of ``trace``, what its result should be, keyed like ``Sweep.result``."""
    return [(forward if s.kind.seeds == "inputs" else reverse)(walk, s.seed)
            for s in trace.sweeps]


#: Constants' trees in mpmath (for ``const_eval``): the op table's functions by SymPy's name
MPMATH = Namespace(**{name: {"Pow": mpmath.power, "sqrt": mpmath.sqrt}.get(
    decl.sympy_name) or FUNCTIONS[decl.sympy_name][0] for name, decl in called()},
                   number=mpf, constant=lambda name: +mpmath.pi if name == "pi" else +mpmath.e)
