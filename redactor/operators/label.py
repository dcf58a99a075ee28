"""``label.v1``: the entity type in brackets, ``[PHONE_NUMBER]``. Stateless, keyless."""

from __future__ import annotations

from typing import Any

from redactor.operators.base import RedactorOperator

__all__ = ["LabelOperator"]


class LabelOperator(RedactorOperator):
    NAME = "label.v1"

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        return f"[{self.label_of(params)}]"
