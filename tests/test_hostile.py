"""Hostile input: the contract's "Errors" section, case by case.

Every case runs the command line in a fresh temporary directory and checks the
exit status (2 bad input, 3 undefined at the point, 0 with a warning), exactly
one ``Error:`` line on stderr (a parse error may add the formula and a caret,
indented), no traceback anywhere, and that no marker file appeared: the
injection payloads would create ``MARKER`` (in the temporary directory) if any
of them were ever run.  ``MARKER`` in a case is replaced by that file's path.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from adtrace import parse


@dataclass
class Case:
    args: list[str]
    status: int
    says: str = ""  # a piece of the Error: (or the first Warning:) line
    file: bytes | str | None = None  # contents of FILE, the @file the args may name
    warnings: int = 0  # Warning: lines expected (status 0)


def bad(*args: str, says: str = "", file: bytes | str | None = None) -> Case:
    return Case(list(args), 2, says, file)


def undefined(*args: str, says: str = "") -> Case:
    return Case(list(args), 3, says)


def kink(*args: str, says: str = "", warnings: int = 1) -> Case:
    return Case(list(args), 0, says, warnings=warnings)


# --- code injection, in every channel -------------------------------------------------

PAYLOADS = {
    "import-system": "__import__('os').system('touch MARKER')",
    "open": "open('MARKER','w')",
    "lambda": "(lambda: open('MARKER','w'))()",
    "class-attr": "().__class__.__base__.__subclasses__()",
    "subscript": "x[0]",
    "fstring": "f'{open(\"MARKER\",\"w\")}'",
    "walrus": "(y := open('MARKER','w'))",
    "comprehension": "[open('MARKER','w') for i in (1,)]",
    "exec": "exec(\"open('MARKER','w')\")",
    "eval": "eval(\"open('MARKER','w')\")",
    "sympy-symbol": "Symbol('x')",
    "sympy-integer": "Integer(2)*x",
    "sympify": "sympify(\"open('MARKER','w')\")",
    "getattr": "getattr(x, 'real')",
    "dunder-name": "__builtins__",
    "semicolon-import": "x; import os; os.system('touch MARKER')",
    "keyword-arg": "sin(x=open('MARKER','w'))",
    "starred": "max(*open('MARKER','w'))",
    "bytes": "b'\\x00'",
    "conditional": "x if open('MARKER','w') else x",
}

INJECTION: dict[str, Case] = {}
for key, payload in PAYLOADS.items():
    INJECTION[f"formula-{key}"] = bad("forward", payload, "--at", "x=1")
for key in ("import-system", "open", "lambda", "class-attr", "fstring", "exec", "sympify",
            "walrus", "comprehension"):
    payload = PAYLOADS[key]
    INJECTION[f"file-{key}"] = bad("reverse", "@FILE", "--at", "x=1",
                                   file=f"# a program\ny = x*2\nz = {payload}\n")
    INJECTION[f"at-value-{key}"] = bad("forward", "x*2", "--at", f"x={payload}",
                                       says="--at x")
for key in ("import-system", "open", "exec", "sympify"):
    payload = PAYLOADS[key]
    INJECTION[f"seed-value-{key}"] = bad("forward", "x*y", "--at", "x=1,y=2", "--seed",
                                         f"x={payload}", says="--seed")
    INJECTION[f"at-name-{key}"] = bad("forward", "x*2", "--at", f"{payload}=1")
    INJECTION[f"wrt-{key}"] = bad("forward", "x*2", "--at", "x=1", "--wrt", payload,
                                  says="--wrt")
    INJECTION[f"out-{key}"] = bad("reverse", "a = x*2; b = a + 1", "--at", "x=1", "--out",
                                  payload, says="--out")
INJECTION.update({
    "seed-name-reverse": bad("reverse", "x*2", "--at", "x=1", "--seed",
                             "__import__('os').system('touch MARKER')=1", says="--seed"),
    "digits-expression": bad("forward", "x", "--at", "x=1", "--digits",
                             "__import__('os').system('touch MARKER')", says="--digits"),
    "labels-payload": bad("forward", "x", "--at", "x=1", "--labels", "open('MARKER','w')",
                          says="--labels"),
    "order-payload": bad("forward", "x", "--at", "x=1", "--order", "exec('1')",
                         says="--order"),
    "format-payload": bad("forward", "x", "--at", "x=1", "--format", "__import__('os')",
                          says="--format"),
    "at-whole-payload": bad("forward", "x", "--at", "__import__('os').system('touch MARKER')"),
    "file-path-payload": bad("forward", "@$(touch MARKER)", "--at", "x=1", says="no such file"),
    "unicode-dunder": bad("forward", "＿＿import＿＿('os')", "--at", "x=1"),
    "unicode-lambda": bad("forward", "ｌａｍｂｄａ", "--at", "x=1", says="plain name"),
    "newline-in-at": bad("forward", "x", "--at", "x=1\nError: injected"),
    "escape-in-formula": bad("forward", "x\x1b[2J", "--at", "x=1", says="control character"),
})

# --- denial of service ----------------------------------------------------------------

DOS = {
    "tower-9-9-9-9": bad("forward", "x*9**9**9**9", "--at", "x=1", says="too large to compute"),
    "exponent-9-9-9": bad("forward", "x**(9**9**9)", "--at", "x=1", says="too large to compute"),
    "caret-tower": bad("reverse", "x^(9^9^9)", "--at", "x=2", says="too large to compute"),
    "small-base-huge-power": bad("forward", "x*(1/3)**(10**6)", "--at", "x=1",
                                 says="too large to compute"),
    "huge-integer": bad("forward", "x*" + "9" * 5000, "--at", "x=1", says="digits"),
    "big-integer-overflows": bad("forward", "x*" + "9" * 400, "--at", "x=1", says="too large"),
    "float-literal-overflow": bad("forward", "x*1e999", "--at", "x=1", says="too large"),
    "million-chars": bad("forward", "x+" * 500_000 + "x", "--at", "x=1", says="limit"),
    "million-char-program": bad("forward", "x;" * 500_000, "--at", "x=1", says="limit"),
    "many-statements": bad("forward", "x\n" * 60_000, "--at", "x=1", says="statements"),
    "300-parens": bad("forward", "(" * 300 + "x" + ")" * 300, "--at", "x=1",
                      says="nested more than"),
    "300-unclosed-parens": bad("forward", "(" * 300 + "x", "--at", "x=1", says="nested"),
    "300-nested-calls": bad("forward", "sin(" * 300 + "x" + ")" * 300, "--at", "x=1",
                            says="nested"),
    "5000-term-sum": bad("forward", "+".join(f"x{k % 7}" for k in range(5000)), "--at",
                         ",".join(f"x{k}=1" for k in range(7)), says="operators in one"),
    "5000-unary-minus": bad("forward", "--at", "x=1", "--", "-" * 5000 + "x",
                            says="operators in one"),
    "5000-power-chain": bad("forward", "x" + "**x" * 5000, "--at", "x=1",
                            says="operators in one"),
    "many-outputs-reverse": bad("reverse", "x*y;" * 20_000, "--at", "x=1,y=2",
                                says="sweeps"),
    "at-tower": bad("forward", "x", "--at", "x=9**9**9", says="--at x"),
    "at-huge": bad("forward", "x", "--at", "x=" + "9" * 2000, says="--at x"),
    "at-long-list": bad("forward", "x", "--at", ",".join(f"x{k}=1" for k in range(30_000))),
    "seed-tower": bad("forward", "x", "--at", "x=1", "--seed", "x=9^9^9", says="--seed x"),
    "digits-huge": bad("forward", "x", "--at", "x=1", "--digits", "9" * 40, says="--digits"),
    "digits-big": bad("forward", "x", "--at", "x=1", "--digits", "1000000", says="--digits"),
    "long-name": bad("forward", "x" * 5000, "--at", "x=1", says="name longer"),
}

# --- syntax ---------------------------------------------------------------------------

SYNTAX = {
    "unclosed-paren": bad("forward", "sin(x1) + (x1*x2", "--at", "x1=1,x2=2",
                          says="unbalanced parenthesis"),
    "extra-close-paren": bad("forward", "sin(x1))", "--at", "x1=1", says="unbalanced parenthesis"),
    "trailing-operator": bad("forward", "x+", "--at", "x=1", says="right operand"),
    "trailing-power": bad("forward", "x**", "--at", "x=1", says="right operand"),
    "leading-times": bad("forward", "*x", "--at", "x=1", says="left operand"),
    "double-operator": bad("forward", "x*/y", "--at", "x=1,y=2", says="'/'"),
    "caret-caret": bad("forward", "x^^2", "--at", "x=1", says="'^'"),
    "implicit-product": bad("forward", "2x", "--at", "x=1", says="2*x"),
    "implicit-paren-product": bad("forward", "2(x+1)", "--at", "x=1", says="2*("),
    "paren-paren": bad("forward", "(x+1)(x-1)", "--at", "x=1", says="')*('"),
    "missing-operator": bad("forward", "x y", "--at", "x=1,y=2", says="missing an operator"),
    "function-no-parens": bad("forward", "sin x", "--at", "x=1", says="sin(x)"),
    "bare-function": bad("forward", "sin", "--at", "x=1", says="is a function"),
    "empty": bad("forward", "", "--at", "x=1", says="empty"),
    "blank": bad("forward", "   \n  ", "--at", "x=1", says="empty"),
    "only-comment": bad("forward", "# nothing here", "--at", "x=1", says="empty"),
    "empty-parens": bad("forward", "x*()", "--at", "x=1", says="empty parentheses"),
    "unknown-function": bad("forward", "sinn(x)", "--at", "x=1", says="did you mean sin?"),
    "unknown-function-exp": bad("forward", "expp(x)", "--at", "x=1", says="did you mean exp?"),
    "python-function": bad("forward", "print(x)", "--at", "x=1", says="unknown function 'print'"),
    "arity-sin": bad("forward", "sin(x, x)", "--at", "x=1", says="sin takes 1 argument, got 2"),
    "arity-max": bad("forward", "max(x)", "--at", "x=1", says="2 or more arguments"),
    "arity-none": bad("forward", "exp()", "--at", "x=1", says="exp takes 1 argument, got 0"),
    "missing-argument": bad("forward", "max(x,,x)", "--at", "x=1", says="missing an argument"),
    "malformed-number": bad("forward", "1.2.3*x", "--at", "x=1", says="not a number"),
    "exponent-no-digits": bad("forward", "1e*x", "--at", "x=1", says="not a number"),
    "hex": bad("forward", "0x1F*x", "--at", "x=1", says="decimal"),
    "leading-zero": bad("forward", "007*x", "--at", "x=1", says="leading zeros"),
    "imaginary": bad("forward", "2j*x", "--at", "x=1", says="imaginary"),
    "factorial": bad("forward", "x!", "--at", "x=1", says="factorial"),
    "modulo": bad("forward", "x % 2", "--at", "x=1", says="'%'"),
    "floor-division": bad("forward", "x // 2", "--at", "x=1", says="floor division"),
    "comparison": bad("forward", "x < 2", "--at", "x=1", says="comparison"),
    "string": bad("forward", "'x'", "--at", "x=1", says="strings"),
    "tuple": bad("forward", "x, x", "--at", "x=1", says="list of values"),
    "augmented": bad("forward", "y = x; y += 1", "--at", "x=1", says="augmented"),
    "chained-assignment": bad("forward", "a = b = x", "--at", "x=1", says="one name"),
    "assign-to-number": bad("forward", "2 = x", "--at", "x=1", says="assigned"),
    "assign-to-call": bad("forward", "sin(x) = 1", "--at", "x=1", says="assigned"),
    "assign-twice": bad("forward", "a = x; a = 2*x", "--at", "x=1", says="assigned twice"),
    "assign-function": bad("forward", "sin = x", "--at", "x=1", says="function"),
    "assign-constant": bad("forward", "pi = x", "--at", "x=1", says="constant"),
    "empty-statement": bad("forward", "x;;x", "--at", "x=1", says="empty statement"),
    "dangling-assign": bad("forward", "y =", "--at", "x=1", says="right operand"),
    "assign-nothing": bad("forward", "= x", "--at", "x=1", says="name on its left"),
    "constant-only": bad("forward", "2*pi", "--at", "x=1", says="constant"),
    "unicode-minus": bad("forward", "x − 1", "--at", "x=1", says="U+2212"),
    "unicode-times": bad("forward", "x × 2", "--at", "x=1", says="write '*'"),
    "superscript": bad("forward", "x²", "--at", "x=1", says="x^2"),
    "fullwidth-name": bad("forward", "ｘ+1", "--at", "x=1", says="plain name"),
    "zero-width-space": bad("forward", "x\u200b+1", "--at", "x=1", says="U+200B"),
    "bidi-override": bad("forward", "x\u202e+1", "--at", "x=1", says="U+202E"),
    "bom-inside": bad("forward", "\ufeffx", "--at", "x=1", says="U+FEFF"),
    "nul": bad("forward", "x\x00+1", "--at", "x=1", says="control character"),
    "bell": bad("forward", "x\a", "--at", "x=1", says="control character"),
    "line-separator": bad("forward", "x\u2028+1", "--at", "x=1", says="U+2028"),
    "tab-between-names": bad("forward", "x\ty", "--at", "x=1,y=2", says="missing an operator"),
    "newline-then-operator": bad("forward", "x\n*2", "--at", "x=1", says="left operand"),
    "operator-then-newline": bad("forward", "x*\n2", "--at", "x=1", says="right operand"),
    "backslash": bad("forward", "x \\ y", "--at", "x=1,y=2", says="'\\'"),
    "dollar": bad("forward", "$x", "--at", "x=1", says="'$'"),
    "question": bad("forward", "x?", "--at", "x=1", says="'?'"),
    "attribute": bad("forward", "x.real", "--at", "x=1", says="attribute"),
    "brackets": bad("forward", "[x]", "--at", "x=1", says="brackets"),
    "braces": bad("forward", "{x}", "--at", "x=1", says="braces"),
    "keyword": bad("forward", "x and y", "--at", "x=1,y=1", says="keyword"),
    "matmul": bad("forward", "x @ x", "--at", "x=1", says="'@'"),
    "semicolon-in-parens": bad("forward", "(x; y)", "--at", "x=1,y=2", says="unbalanced"),
    "call-a-variable": bad("forward", "x(2)", "--at", "x=1", says="unknown function 'x'"),
    "call-a-call": bad("forward", "sin(x)(x)", "--at", "x=1"),
}

# --- --at, --wrt, --seed, --out ---------------------------------------------------------

POINT = {
    "no-at": bad("forward", "x*y", says="--at"),
    "missing-name": bad("forward", "x1*x2", "--at", "x1=1", says="missing a value for 'x2'"),
    "missing-two": bad("forward", "x1*x2*x3", "--at", "x1=1", says="'x2' and 'x3'"),
    "extra-name": bad("forward", "x1*2", "--at", "x1=1,x9=2", says="'x9'"),
    "duplicate": bad("forward", "x*2", "--at", "x=1,x=2", says="twice"),
    "no-equals": bad("forward", "x1*2", "--at", "x1", says="NAME=VALUE"),
    "no-value": bad("forward", "x1*2", "--at", "x1=", says="missing"),
    "no-name": bad("forward", "x1*2", "--at", "=2", says="not a variable name"),
    "nan": bad("forward", "x*2", "--at", "x=nan", says="finite"),
    "inf": bad("forward", "x*2", "--at", "x=inf", says="finite"),
    "minus-inf": bad("forward", "x*2", "--at", "x=-inf", says="finite"),
    "1e999": bad("forward", "x*2", "--at", "x=1e999", says="too large"),
    "overflowing-expression": bad("forward", "x*2", "--at", "x=10**400", says="--at x"),
    "division-by-zero": bad("forward", "x*2", "--at", "x=1/0", says="undefined"),
    "log-zero": bad("forward", "x*2", "--at", "x=log(0)", says="undefined"),
    "variable-value": bad("forward", "x*y", "--at", "x=y,y=1", says="only numbers"),
    "function-value": bad("forward", "x*2", "--at", "x=sin", says="function"),
    "double-equals": bad("forward", "x*2", "--at", "x==1", says="--at x"),
    "unclosed": bad("forward", "x*2", "--at", "x=(1", says="unbalanced"),
    "empty-item": bad("forward", "x*y", "--at", "x=1,,y=2", says="empty item"),
    "empty": bad("forward", "x*2", "--at", "", says="--at"),
    "semicolon": bad("forward", "x*y", "--at", "x=1;y=2", says="--at x"),
    "string-value": bad("forward", "x*2", "--at", "x='1'", says="strings"),
    "complex-value": bad("forward", "x*2", "--at", "x=1j", says="imaginary"),
    "constant-name": bad("forward", "pi*x", "--at", "x=1,pi=3", says="'pi'"),
    "wrt-unknown": bad("forward", "x*y", "--at", "x=1,y=2", "--wrt", "z", says="--wrt: 'z'"),
    "wrt-empty": bad("forward", "x*y", "--at", "x=1,y=2", "--wrt", "", says="--wrt"),
    "wrt-twice": bad("forward", "x*y", "--at", "x=1,y=2", "--wrt", "x,x", says="twice"),
    "wrt-reverse": bad("reverse", "x*y", "--at", "x=1,y=2", "--wrt", "x", says="--wrt"),
    "wrt-and-seed": bad("forward", "x*y", "--at", "x=1,y=2", "--wrt", "x", "--seed", "x=1",
                        says="not both"),
    "seed-unknown-input": bad("forward", "x*y", "--at", "x=1,y=2", "--seed", "z=1",
                              says="--seed: 'z'"),
    "seed-unknown-output": bad("reverse", "x*y", "--at", "x=1,y=2", "--seed", "g=1",
                               says="--seed: 'g'"),
    "seed-nan": bad("forward", "x*y", "--at", "x=1,y=2", "--seed", "x=nan", says="finite"),
    "seed-1e999": bad("forward", "x*y", "--at", "x=1,y=2", "--seed", "x=1e999", says="too large"),
    "seed-malformed": bad("forward", "x*y", "--at", "x=1,y=2", "--seed", "x", says="NAME=VALUE"),
    "out-unknown": bad("reverse", "a = x*2; b = a + 1", "--at", "x=1", "--out", "c",
                       says="--out: 'c'"),
    "out-input": bad("reverse", "a = x*2; b = a + 1", "--at", "x=1", "--out", "x",
                     says="an input"),
    "out-empty": bad("reverse", "a = x*2; b = a + 1", "--at", "x=1", "--out", "", says="--out"),
    "out-twice": bad("reverse", "a = x*2; b = a + 1", "--at", "x=1", "--out", "a,a",
                     says="twice"),
}

# --- options click parses -------------------------------------------------------------

USAGE = {
    "unknown-option": bad("forward", "x", "--at", "x=1", "--bogus", says="--bogus"),
    "missing-formula": bad("forward", says="FORMULA"),
    "bad-format": bad("forward", "x", "--at", "x=1", "--format", "pdf", says="--format"),
    "bad-labels": bad("reverse", "x", "--at", "x=1", "--labels", "q", says="--labels"),
    "digits-negative": bad("forward", "x", "--at", "x=1", "--digits", "-1", says="--digits"),
    "digits-text": bad("forward", "x", "--at", "x=1", "--digits", "many", says="--digits"),
    "unknown-command": bad("differentiate", "x", says="differentiate"),
    "option-missing-value": bad("forward", "x", "--at", says="--at"),
    "extra-argument": bad("forward", "x", "y", "--at", "x=1", says="unexpected extra"),
    "formula-starting-with-minus": bad("forward", "-x**2", "--at", "x=1", says="'--'"),
}

# --- undefined at the point -------------------------------------------------------------

DOMAIN = {
    "log-negative": undefined("forward", "log(x1)", "--at", "x1=-1",
                              says="w1 = log(x1) is undefined at x1 = -1"),
    "ln-zero": undefined("reverse", "ln(x)", "--at", "x=0", says="undefined at x = 0"),
    "divide-by-zero": undefined("forward", "1/x", "--at", "x=0", says="w1 = 1 / x"),
    "divide-by-difference": undefined("reverse", "x/(x-y)", "--at", "x=2,y=2",
                                      says="undefined"),
    "sqrt-negative": undefined("forward", "sqrt(x)", "--at", "x=-1", says="sqrt"),
    "asin-2": undefined("forward", "asin(x)", "--at", "x=2", says="asin"),
    "acos-minus-2": undefined("reverse", "acos(x)", "--at", "x=-2", says="acos"),
    "exp-overflow": undefined("forward", "exp(x)", "--at", "x=1000", says="overflows"),
    "cosh-overflow": undefined("reverse", "cosh(x)", "--at", "x=1000", says="overflows"),
    "product-overflow": undefined("forward", "x*x", "--at", "x=1e200", says="overflows"),
    "power-overflow": undefined("forward", "x^y", "--at", "x=10,y=400", says="overflows"),
    "half-power-at-0": undefined("forward", "x^0.5", "--at", "x=0", says="derivative"),
    "sqrt-at-0": undefined("reverse", "sqrt(x)", "--at", "x=0", says="no finite derivative"),
    "asin-at-1": undefined("forward", "asin(x)", "--at", "x=1", says="no finite derivative"),
    "negative-base-fraction": undefined("forward", "x^(1/3)", "--at", "x=-8", says="undefined"),
    "negative-power-at-0": undefined("forward", "x^-1", "--at", "x=0", says="undefined"),
    "tan-at-pole": undefined("forward", "tan(x)", "--at", "x=pi/2", says="tan"),
    "constant-log-zero": undefined("forward", "x + log(0)", "--at", "x=1",
                                   says="constant log(0)"),
    "constant-division": undefined("forward", "x*(1/0)", "--at", "x=1", says="constant 1/0"),
    "constant-overflow": undefined("forward", "x*2^1024", "--at", "x=1", says="overflows"),
    "tangent-overflow": undefined("forward", "1e300*x", "--at", "x=1", "--seed", "x=1e10",
                                  says="overflows"),
    "adjoint-overflow": undefined("reverse", "y1 = 1e300*x; y2 = 1e300*x", "--at", "x=1",
                                  "--seed", "y1=1e10,y2=1e10", says="overflows"),
    "derivative-overflow": undefined("forward", "1/x", "--at", "x=1e-170", says="derivative"),
    "program-intermediate": undefined("forward", "a = x - 1; b = log(a); c = b*x", "--at",
                                      "x=1", says="b = log(a) is undefined at a = 0"),
}

# --- not differentiable at the point: a warning, and the trace ---------------------------

KINKS = {
    "abs-at-0": kink("forward", "abs(x)", "--at", "x=0", says="abs'(0) = 0"),
    "abs-at-0-reverse": kink("reverse", "abs(x)*y", "--at", "x=0,y=2", says="abs"),
    "two-abs": kink("forward", "abs(x) + abs(y)", "--at", "x=0,y=0", warnings=2),
    "max-tie": kink("forward", "max(x, y)", "--at", "x=1,y=1", says="first"),
    "min-tie": kink("reverse", "min(x, y)", "--at", "x=2,y=2", says="first"),
    "max-three-way": kink("reverse", "max(x, y, z)", "--at", "x=3,y=3,z=3", says="max"),
    "max-of-same": kink("forward", "max(x, x)", "--at", "x=1", says="max"),
}

# --- files ------------------------------------------------------------------------------

FILES = {
    "missing": bad("forward", "@no-such-file.txt", "--at", "x=1", says="no such file"),
    "directory": bad("forward", "@.", "--at", "x=1", says="directory"),
    "binary": bad("forward", "@FILE", "--at", "x=1", says="UTF-8", file=b"\xff\xfe\x00\x81x"),
    "latin-1": bad("forward", "@FILE", "--at", "x=1", says="UTF-8", file="x*é".encode("latin-1")),
    "empty": bad("forward", "@FILE", "--at", "x=1", says="empty", file=""),
    "comments-only": bad("forward", "@FILE", "--at", "x=1", says="empty", file="# a\n# b\n"),
    "huge": bad("forward", "@FILE", "--at", "x=1", says="limit", file="x + 1\n" * 100_000),
    "nul-bytes": bad("forward", "@FILE", "--at", "x=1", says="control character",
                     file=b"x\x00\x00"),
    "no-name": bad("forward", "@", "--at", "x=1", says="file name"),
    "error-on-line-3": bad("forward", "@FILE", "--at", "x=1", says="line 3, column 7",
                           file="a = x\nb = a*2\nc = b $ 2\n"),
    "windows-line-ends": bad("forward", "@FILE", "--at", "x=1", says="line 2",
                             file=b"a = x\r\nb = a +\r\n"),
}

# --- the other commands ------------------------------------------------------------------

PROBLEM_SET = """title = "Homework"
[[problem]]
formula = "__import__('os').system('touch MARKER')"
at = "x=1"
"""

COMMANDS = {
    "graph-injection": bad("graph", "open('MARKER','w')", "--at", "x=1"),
    "graph-at-injection": bad("graph", "x*2", "--at", "x=open('MARKER','w')", says="--at x"),
    "graph-output-directory": bad("graph", "x*2", "--at", "x=1", "-o", ".", says="cannot write"),
    "graph-domain": undefined("graph", "log(x)", "--at", "x=-1", says="log(x)"),
    "compare-injection": bad("compare", "exec('1')", "--at", "x=1"),
    "compare-tower": bad("compare", "x*9**9**9", "--at", "x=1", says="too large"),
    "compare-missing-at": bad("compare", "x*y", "--at", "x=1", says="'y'"),
    "key-injection": bad("key", "FILE", says="problem 1", file=PROBLEM_SET),
    "key-not-toml": bad("key", "FILE", says="TOML", file="title = \n"),
    "key-binary": bad("key", "FILE", says="UTF-8", file=b"\xff\xfe"),
    "key-missing": bad("key", "no-such.toml", says="no such file"),
    "key-directory": bad("key", ".", says="directory"),
    "key-endless": bad("key", "/dev/zero", says="not a regular file"),
}

CATEGORIES = {"injection": INJECTION, "dos": DOS, "syntax": SYNTAX, "point": POINT,
              "usage": USAGE, "domain": DOMAIN, "kink": KINKS, "files": FILES,
              "commands": COMMANDS}
ALL = {f"{cat}/{name}": case for cat, cases in CATEGORIES.items() for name, case in cases.items()}


def test_corpus_is_large() -> None:
    assert len(ALL) >= 120
    assert len(INJECTION) >= 40


def prepare(case: Case, where: Path) -> list[str]:
    """The case's arguments, with MARKER and FILE pointing into ``where``."""
    marker = str(where / "MARKER")
    if case.file is not None:
        data = case.file if isinstance(case.file, bytes) else case.file.encode()
        (where / "input.txt").write_bytes(data.replace(b"MARKER", marker.encode()))
    file = str(where / "input.txt")
    return [file if a == "FILE" else a.replace("MARKER", marker).replace("@FILE", "@" + file)
            for a in case.args]


def check_outcome(case: Case, status: int, out: str, err: str, where: Path) -> None:
    assert "Traceback" not in out and "Traceback" not in err, err
    assert status == case.status, f"status {status}, stderr:\n{err}"
    lines = err.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    warnings = [line for line in lines if line.startswith("Warning:")]
    if case.status:
        assert len(errors) == 1, err
        assert not out, out
        # anything after the Error: line is the formula and a caret, indented
        assert lines[0].startswith("Error: "), err
        assert all(line.startswith("  ") for line in lines[1:]), err
        assert case.says in errors[0], errors[0]
    else:
        assert not errors, err
        assert len(warnings) == case.warnings, err
        assert case.says in warnings[0], warnings[0]
        assert out.strip(), "the trace is still printed"
    assert not (where / "MARKER").exists(), "a payload ran"
    assert {p.name for p in where.iterdir()} <= {"input.txt"}, list(where.iterdir())


@pytest.mark.parametrize("key", list(ALL))
def test_hostile_input(key: str, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = ALL[key]
    monkeypatch.chdir(tmp_path)
    args = prepare(case, tmp_path)
    started = time.monotonic()
    result = run(*args)
    assert time.monotonic() - started < 30, "refused or answered promptly"
    check_outcome(case, result.exit_code, result.stdout, result.stderr, tmp_path)


# --- the installed command, end to end ---------------------------------------------------

END_TO_END = ["injection/formula-import-system", "injection/file-import-system",
              "injection/at-value-open", "injection/newline-in-at", "dos/tower-9-9-9-9",
              "dos/300-parens", "dos/5000-term-sum", "syntax/unclosed-paren",
              "syntax/bidi-override", "usage/unknown-option", "domain/log-negative",
              "kink/max-tie", "files/binary", "files/huge"]


def adtrace_command() -> list[str]:
    exe = shutil.which("adtrace")
    return [exe] if exe else [sys.executable, "-m", "adtrace"]


@pytest.mark.parametrize("key", END_TO_END)
def test_end_to_end(key: str, tmp_path: Path) -> None:
    case = ALL[key]
    args = prepare(case, tmp_path)
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8")
    proc = subprocess.run(adtrace_command() + args, cwd=tmp_path, capture_output=True,
                          timeout=60, env=env)
    check_outcome(case, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"), tmp_path)


def test_undecodable_argument_end_to_end(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 on the command line are reported escaped, in one line."""
    proc = subprocess.run(adtrace_command() + [b"forward", b"x\xff", b"--at", b"x=1"],
                          cwd=tmp_path, capture_output=True, timeout=60)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    assert err.startswith("Error: ") and err.count("Error:") == 1, err


# --- non-differentiable points: the cross-check notes them --------------------------------


@pytest.mark.parametrize("args, noted", [
    (["forward", "abs(x)*y", "--at", "x=0,y=2"], False),  # SymPy's sign(0) = 0 agrees
    (["forward", "abs(x)", "--at", "x=0", "--seed", "x=-1"], False),
    (["reverse", "max(x, y) + x", "--at", "x=1,y=1"], True),  # Heaviside(0) = 1/2 does not
    (["reverse", "min(x1, x2, x1)", "--at", "x1=0,x2=0"], True),
    (["forward", "max(x, y)*y", "--at", "x=2,y=2", "--wrt", "y"], True),
])
def test_kink_check_notes_instead_of_failing(run, args: list[str], noted: bool) -> None:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Warning: ")
    data = json.loads(result.stdout)
    assert data["check"]["agree"] is True
    assert any(e.get("note") for e in data["check"]["entries"]) == noted, data["check"]


def test_abs_and_tie_choices(run) -> None:
    result = run("forward", "abs(x) + max(x, y)", "--at", "x=0,y=0", "--format", "json",
                 "--no-check")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["derivatives"]["f"] == {"x": 1.0, "y": 0.0}  # abs'(0) = 0; the tie goes to x
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2 and all(w.startswith("Warning: ") for w in warnings)
    assert "abs'(0) = 0" in warnings[0] and "first" in warnings[1]


# --- points where floating point misses what happens exactly -----------------------------


@pytest.mark.parametrize("args, says", [
    (["forward", "1/sin(x)", "--at", "x=pi"], "w2 = 1 / w1 is undefined at x = pi: there "
     "w1 = sin(x) is exactly 0 (1.224647e-16 in floating point)"),
    (["reverse", "sqrt(sin(x))", "--at", "x=pi"], "w2 = sqrt(w1) has no finite derivative at "
     "x = pi: there w1 = sin(x) is exactly 0"),
    (["reverse", "y = x*z/sin(x)", "--at", "x=pi,z=2"], "y = w1 / w2 is undefined at x = pi, "
     "z = 2: there w2 = sin(x) is exactly 0"),
])
def test_a_singularity_that_floats_miss_is_a_domain_error(run, args: list[str],
                                                          says: str) -> None:
    """sin(pi) is 1.2e-16 in doubles; the check, which sees the exact point, says so."""
    result = run(*args)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith("Error: " + says), result.stderr
    assert result.stderr.count("\n") == 1
    assert run(*args, "--no-check").exit_code == 0  # floating point alone cannot tell


def test_the_exact_walk_gives_up_on_values_too_large(run, tmp_path: Path) -> None:
    """x*x squared 30 times at x = 1/10 has a denominator of 10^(2^30) digits exactly:
    the walk stops there, and the disagreement stands (status 1) instead of a hang."""
    squares = ["a0 = x*x"] + [f"a{k} = a{k - 1}*a{k - 1}" for k in range(1, 30)]
    path = tmp_path / "squares.txt"
    path.write_text("\n".join(squares + ["f = a29 + 1/sin(3*x - 0.3)"]), encoding="utf-8")
    result = run("forward", f"@{path}", "--at", "x=0.1")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("Error: the symbolic check disagrees for ∂f/∂x: AD -9.73")
    assert "chain rule -1.23" in result.stderr  # at the point, not where the sweeps ran


@pytest.mark.parametrize("formula", ["abs(3*x - 0.9)", "max(3*x, 0.9)"])
def test_a_kink_that_floats_miss_is_noted(run, formula: str) -> None:
    """3*0.3 - 0.9 is -1.1e-16 in doubles and 0 exactly: a kink, not a failed check."""
    result = run("forward", formula, "--at", "x=0.3", "--format", "json")
    assert result.exit_code == 0, result.stderr
    entry = json.loads(result.stdout)["check"]["entries"][0]
    assert entry["agree"] is None
    assert "exactly here, which floating point misses" in entry["note"]


# --- limits: refused for abuse, not for real work -----------------------------------------


def generated_program(lines: int = 13_000, seed: int = 1) -> str:
    """About 20,000 operations in ``lines`` statements like ``t123 = sin(t99)*x3 + t122``."""
    rng = random.Random(seed)
    out = ["t1 = x1*x2 + x3"]
    for k in range(2, lines + 1):
        f = rng.choice(["sin", "cos", "tanh", "atan"])
        if k % 3 == 0:
            out.append(f"t{k} = {f}(t{rng.randint(max(1, k - 40), k - 1)})*x{rng.randint(1, 3)}"
                       f" + t{k - 1}")
        else:
            out.append(f"t{k} = {f}(t{k - 1})")
    out.append(f"y = t{lines}*x1")
    return "\n".join(out) + "\n"


def test_a_20000_operation_program_passes(run, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(generated_program())
    assert path.stat().st_size > 250_000
    result = run("reverse", f"@{path}", "--at", "x1=0.1,x2=0.2,x3=0.3", "--format", "json",
                 "--no-check")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["nodes"]) >= 20_000
    assert set(data["derivatives"]["y"]) == {"x1", "x2", "x3"}


def test_limits_fit_real_work() -> None:
    text = generated_program()
    assert len(text) < parse.MAX_CHARS / 1.5
    assert text.count("\n") < parse.MAX_STATEMENTS / 3
    assert 20_000 < text.count("(") + text.count("*") + text.count("+") < parse.MAX_OPERATIONS
    from adtrace import symbolic

    assert parse.MAX_EXACT_BITS == symbolic.MAX_EXACT_BITS


def slow_for_sympy(n: int = 20) -> str:
    """A short program whose derivative SymPy takes minutes to expand and evaluate (its
    tree has some 21,000 nodes)."""
    lines = ["t1 = sin(x)", "t2 = cos(y)"]
    lines += [f"t{k} = sin(t{k - 1})*t{k - 2} + x" for k in range(3, n + 1)]
    return "; ".join(lines)


def test_a_formula_sympy_is_slow_on_is_checked_and_not_printed(run) -> None:
    """The verdict is the chain rule's, whatever SymPy would take; SymPy's derivative of a
    formula this large is not printed, by its size, not by a clock."""
    result = run("reverse", slow_for_sympy(), "--at", "x=0.3,y=0.2", "--format", "json")
    assert result.exit_code == 0, result.stderr
    check = json.loads(result.stdout)["check"]
    assert "skipped" not in check and check["agree"] is True
    assert [e["symbolic"] for e in check["entries"]] == ["not shown (too large)"] * 2


def test_a_formula_sympy_is_slow_on_end_to_end(tmp_path: Path) -> None:
    """With the installed command: checked, in the time the chain rule takes."""
    proc = subprocess.run(adtrace_command() + ["forward", slow_for_sympy(), "--at",
                                               "x=0.3,y=0.2", "--wrt", "x"],
                          cwd=tmp_path, capture_output=True, timeout=120,
                          env=dict(os.environ, NO_COLOR="1"))
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert "not shown (too large)" in out and "✓" in out and "skipped" not in out
