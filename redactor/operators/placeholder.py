"""``placeholder.v1``: numbered placeholders, consistent within one recording.

The same value (after ``normalize_value``) gets the same ``[PERSON_1]`` every time it occurs in
the recording, and a different value of the same type the next number. Presidio lacks this
(its issue #1102), and support engineers need it to follow who said what.
"""

from __future__ import annotations

from typing import Any

from redactor.operators.base import RedactorOperator, normalize_value

__all__ = ["PlaceholderOperator"]


class PlaceholderOperator(RedactorOperator):
    NAME = "placeholder.v1"

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, str], int] = {}
        self._counts: dict[str, int] = {}

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        label = self.label_of(params)
        key = (label, normalize_value(text))
        if key not in self._numbers:
            self._counts[label] = self._counts.get(label, 0) + 1
            self._numbers[key] = self._counts[label]
        return f"[{label}_{self._numbers[key]}]"
