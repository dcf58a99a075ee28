"""``mask.v1``: letters and digits become ``*``; separators stay; optionally keep the last N.

``keep_last`` (default 0) keeps that many trailing letters/digits visible, for the types a
policy allows it ("card ending 1111"). Only ever the end: the rest of a value cannot be read.
"""

from __future__ import annotations

from typing import Any

from redactor.errors import InputError
from redactor.operators.base import RedactorOperator

__all__ = ["MaskOperator"]

MAX_KEEP = 4


class MaskOperator(RedactorOperator):
    NAME = "mask.v1"
    PARAMS = frozenset({"keep_last", "char"})

    def check_options(self, params: dict[str, Any] | None = None) -> None:
        super().check_options(params)
        keep = (params or {}).get("keep_last", 0)
        if not isinstance(keep, int) or isinstance(keep, bool) or not 0 <= keep <= MAX_KEEP:
            raise InputError(f"operator {self.NAME}: keep_last must be an integer 0-{MAX_KEEP}")
        char = (params or {}).get("char", "*")
        if not isinstance(char, str) or len(char) != 1 or char.isalnum():
            raise InputError(f"operator {self.NAME}: char must be one non-alphanumeric character")

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        params = params or {}
        keep = int(params.get("keep_last", 0))
        char = str(params.get("char", "*"))
        alnum = sum(ch.isalnum() for ch in text)
        # Never keep so much that most of a short value shows: at most half of it.
        keep = min(keep, alnum // 2)
        out, seen = [], 0
        for ch in text:
            if ch.isalnum():
                seen += 1
                out.append(ch if seen > alnum - keep else char)
            else:
                out.append(ch)
        return "".join(out)
