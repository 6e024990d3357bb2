"""Problem sets (``adtrace key``): a TOML file read into checked problems.

The file format is documented in ``docs/answer-keys.md``.  :func:`load_problem_set`
reads and validates the file; every mistake is a :class:`ProblemSetError` naming the
problem and the key.  A new problem option is one entry in :data:`PROBLEM_KEYS` (its
check in :func:`_value`) and one field of :class:`Problem`.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import AdtraceError, ProblemSetError

MODES = ("forward", "reverse", "both", "compare")
#: what a worksheet may give away: the whole primal trace, or the rule of every row
GIVEN = ("primal", "rules")
MAX_FILE_CHARS = 1_000_000
MAX_PROBLEMS = 200

#: key -> what it must be (the text of the error message); the checks are in _value
PROBLEM_KEYS: dict[str, str] = {
    "statement": "a string",
    "formula": "a string (a formula, a program or \"@file\")",
    "program": "a string (a program, or \"@file\")",
    "at": "a string such as \"x1=2,x2=5\" or a table such as {x1 = 2, x2 = \"pi/4\"}",
    "mode": "forward, reverse, both or compare",
    "wrt": "a string such as \"x1,x2\" or a list of names",
    "seed": "a string such as \"x1=1,x2=0.5\" or a table",
    "labels": "w, v or h",
    "letter": "a single letter, for the intermediates' labels (as --letter)",
    "order": "level or written",
    "out": "a string such as \"y1,y2\" or a list of names",
    "digits": "an integer from 0 to 17",
    "exact": "true or false",
    "check": "true or false",
    "given": "a list of \"primal\" and \"rules\"",
    "graph": "true or false",
    "points": "a positive number, printed in the problem's heading",
    "new_page": "true or false: start the problem on a new page",
    "worksheet_check": "true or false: keep the symbolic check, blank, on the worksheet",
}
TOP_KEYS = ("title", "course", "defaults", "problem")


@dataclass
class Problem:
    number: int
    formula: str  # the text as written (read from the file for "@file")
    at: str
    mode: str = "both"
    statement: str | None = None
    wrt: str | None = None
    seed: str | None = None
    labels: str = "w"
    letter: str | None = None
    order: str = "level"
    out: str | None = None
    digits: int = 4
    exact: bool = False
    check: bool = True
    given: frozenset[str] = frozenset()
    graph: bool = False
    points: float | None = None
    new_page: bool = False
    worksheet_check: bool = False
    options: dict[str, Any] = field(default_factory=dict)  # every key as given (for extensions)


@dataclass
class ProblemSet:
    title: str
    course: str | None
    problems: list[Problem]
    path: str


def _toml() -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def _unknown(key: str, known: tuple[str, ...] | list[str], where: str) -> ProblemSetError:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return ProblemSetError(f"{where}unknown key '{key}'{hint}; known keys: {', '.join(known)}")


def _names(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ",".join(value)
    return None


def _assignments(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value:
        items = []
        for k, v in value.items():
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                return None
            items.append(f"{k}={v if not isinstance(v, float) else repr(v)}")
        return ",".join(items)
    return None


def _value(key: str, value: Any) -> Any:
    """The checked value of one problem key, or None when it has the wrong type."""
    if key in ("statement", "formula", "program"):
        return value if isinstance(value, str) else None
    if key == "at" or key == "seed":
        return _assignments(value)
    if key in ("wrt", "out"):
        return _names(value)
    if key == "mode":
        return value if value in MODES else None
    if key == "labels":
        return value if value in ("w", "v", "h") else None
    if key == "letter":
        return value if isinstance(value, str) and len(value) == 1 and value.isascii() \
            and value.isalpha() else None
    if key == "order":
        return value if value in ("level", "written") else None
    if key == "digits":
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 17
        return value if ok else None
    if key in ("exact", "check", "graph", "new_page", "worksheet_check"):
        return value if isinstance(value, bool) else None
    if key == "points":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) \
            and 0 < value < 1e6 and value == value
        return value if ok else None
    if key == "given":
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(v, str) and v in GIVEN for v in items):
            return frozenset(items)
        return None
    return value  # keys added by extensions check their own values


def _checked(table: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in PROBLEM_KEYS:
            raise _unknown(key, list(PROBLEM_KEYS), where)
        checked = _value(key, value)
        if checked is None or (checked == "" and key != "statement"):
            raise ProblemSetError(f"{where}'{key}' must be {PROBLEM_KEYS[key]}")
        out[key] = checked
    return out


def load_problem_set(path: str) -> ProblemSet:
    """Read and check a problem set; every mistake names the problem and the key."""
    from .files import read_text_file

    text = read_text_file(path, MAX_FILE_CHARS, ProblemSetError)
    tomllib = _toml()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ProblemSetError(f"{path}: not valid TOML: {e}") from None
    except RecursionError:
        raise ProblemSetError(f"{path}: nested too deeply") from None
    for key in data:
        if key not in TOP_KEYS:
            raise _unknown(key, TOP_KEYS, "")
    title = data.get("title", "Problems")
    if not isinstance(title, str):
        raise ProblemSetError("'title' must be a string")
    course = data.get("course")
    if course is not None and not isinstance(course, str):
        raise ProblemSetError("'course' must be a string")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ProblemSetError("'defaults' must be a table: [defaults]")
    defaults = _checked(defaults, "defaults: ")
    for key in ("formula", "program", "statement", "at"):
        if key in defaults:
            raise ProblemSetError(f"defaults: '{key}' belongs to each problem, not to [defaults]")
    problems = data.get("problem")
    if not isinstance(problems, list) or not problems or not all(
            isinstance(x, dict) for x in problems):
        raise ProblemSetError("a problem set needs at least one [[problem]] table")
    if len(problems) > MAX_PROBLEMS:
        raise ProblemSetError(f"{len(problems):,} problems is more than the limit of "
                              f"{MAX_PROBLEMS}")
    folder = Path(path).parent
    out = [_problem(k, table, defaults, folder) for k, table in enumerate(problems, start=1)]
    return ProblemSet(title, course, out, str(path))


def _problem(number: int, table: dict[str, Any], defaults: dict[str, Any],
             folder: Path) -> Problem:
    where = f"problem {number}: "
    given = _checked(table, where)
    options = {**defaults, **given}
    if "formula" in given and "program" in given:
        raise ProblemSetError(f"{where}give 'formula' or 'program', not both")
    text = given.get("formula", given.get("program"))
    if text is None:
        raise ProblemSetError(f"{where}'formula' is missing")
    if "at" not in given:
        raise ProblemSetError(f"{where}'at' is missing: give a value for every variable, "
                              "e.g. at = \"x1=2,x2=5\"")
    if text.startswith("@"):
        text = _read(folder, text[1:], where)
    mode = options.get("mode", "both")
    if "wrt" in options and mode not in ("forward", "both"):
        raise ProblemSetError(f"{where}'wrt' is for forward mode (this problem's mode is {mode})")
    if "wrt" in options and "seed" in options and mode == "forward":
        raise ProblemSetError(f"{where}give 'wrt' or 'seed', not both")
    if "seed" in options and mode == "compare":
        raise ProblemSetError(f"{where}'seed' does not apply to mode = \"compare\" "
                              "(it computes the whole Jacobian)")
    known = {k: v for k, v in options.items() if k in Problem.__dataclass_fields__}
    known.pop("formula", None)
    known.pop("program", None)
    return Problem(number=number, formula=text, options=options, **known)


def _read(folder: Path, name: str, where: str) -> str:
    from .api import read_formula

    if not name:
        raise ProblemSetError(f"{where}'@' must be followed by a file name")
    path = Path(name) if os.path.isabs(name) else folder / name
    try:
        text, _ = read_formula("@" + str(path))
    except AdtraceError as e:
        raise ProblemSetError(f"{where}{e.message}") from None
    return text
