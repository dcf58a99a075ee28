"""``encrypt.v1``: reversible AES-GCM tokens with the recording's data key, ``[ENC:PERSON:...]``.

For authorised re-identification only (``redactor reveal``, audited, admin role). The key is
the recording's own data key, so a purge (which deletes the key) makes every token unreadable.
The recording id and the label are bound as associated data: a token copied into another
recording, or relabelled, does not decrypt.
"""

from __future__ import annotations

import base64
import re
from typing import Any, Self

from cryptography.exceptions import InvalidTag

from redactor.crypto import decrypt, encrypt
from redactor.errors import InputError
from redactor.operators.base import OperatorContext, RedactorOperator

__all__ = ["TOKEN_RE", "EncryptOperator", "reveal_text"]

TOKEN_RE = re.compile(r"\[ENC:([A-Z_]{1,40}):([A-Za-z0-9_-]{20,})\]")


def _aad(recording_id: str, label: str) -> bytes:
    return f"{recording_id}\x00reveal\x00{label}".encode()


class EncryptOperator(RedactorOperator):
    NAME = "encrypt.v1"
    NEEDS = "data_key"

    def __init__(self, key: bytes | None = None, recording_id: str = "") -> None:
        self._key = key
        self._recording_id = recording_id

    @classmethod
    def for_recording(cls, context: OperatorContext) -> Self:
        if not context.data_key:
            raise InputError(
                f"policy {context.policy!r}: operator {cls.NAME} needs the recording's "
                "data key, and none was given"
            )
        return cls(context.data_key, context.recording_id)

    def validate(self, params: dict[str, Any] | None = None) -> None:
        super().validate(params)
        if not self._key or not self._recording_id:
            raise InputError(f"operator {self.NAME}: no recording data key given")

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        self.validate(params)
        assert self._key is not None
        label = self.label_of(params)
        nonce, ct = encrypt(self._key, text.encode(), _aad(self._recording_id, label))
        token = base64.urlsafe_b64encode(nonce + ct).decode().rstrip("=")
        return f"[ENC:{label}:{token}]"


def reveal_text(text: str, *, key: bytes, recording_id: str) -> tuple[str, int]:
    """Replace every ``encrypt.v1`` token in ``text`` by its value; return the text and count."""
    count = 0

    def one(m: re.Match[str]) -> str:
        nonlocal count
        label, token = m.group(1), m.group(2)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        try:
            plain = decrypt(key, raw[:12], raw[12:], _aad(recording_id, label))
        except (InvalidTag, ValueError):
            raise InputError(
                f"recording {recording_id}: an encrypted token does not belong to this recording"
            ) from None
        count += 1
        return plain.decode()

    return TOKEN_RE.sub(one, text), count
