"""``pseudonym.v1``: keyed HMAC-SHA256 pseudonyms, ``[PERSON:3f9a0c2b71de]``.

The same value maps to the same token across all of one host's recordings (analytics can join
on it), different hosts get unrelated tokens, and without the host's secret nobody can test
guesses (a phone number has only ~10^10 candidates: a plain hash would fall in minutes).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Self

from redactor.errors import InputError
from redactor.operators.base import OperatorContext, RedactorOperator, normalize_value
from redactor.operators.keys import KeyRing

__all__ = ["PseudonymOperator"]

TOKEN_HEX = 12  # 48 bits: collisions within one host's vocabulary are negligible


class PseudonymOperator(RedactorOperator):
    NAME = "pseudonym.v1"
    NEEDS = "host_secret"

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret

    @classmethod
    def for_recording(cls, context: OperatorContext) -> Self:
        """The host's secret from the key ring (InputError naming the host when it has none)."""
        return cls((context.keyring or KeyRing.default()).secret_for(context.host))

    def validate(self, params: dict[str, Any] | None = None) -> None:
        super().validate(params)
        if not self._secret:
            raise InputError(f"operator {self.NAME}: no host secret given")

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        if not self._secret:
            raise InputError(f"operator {self.NAME}: no host secret given")
        label = self.label_of(params)
        msg = f"{label}\x00{normalize_value(text)}".encode()
        digest = hmac.new(self._secret, msg, hashlib.sha256).hexdigest()
        return f"[{label}:{digest[:TOKEN_HEX]}]"
