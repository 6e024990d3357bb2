"""``adtrace compare --format json``: the contract's compare object, schema 1."""

from __future__ import annotations

import json
from typing import Any

from ..compare import Comparison


def render(c: Comparison, **_: Any) -> str:
    return json.dumps(c.as_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
