"""Per-recording data keys and AES-GCM encryption of everything stored of a recording.

``seal``/``unseal`` wrap one artifact body as ``SEALED_PREFIX + nonce + ciphertext``; the
associated data binds it to its recording, so a body copied onto another recording does not
decrypt. Destroying the recording's key makes every copy unreadable (crypto-shredding).
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["SEALED_PREFIX", "decrypt", "encrypt", "is_sealed", "new_key", "seal", "unseal"]

SEALED_PREFIX = b"rdx1"  # version of the sealed-body layout: prefix, 12-byte nonce, ciphertext
_NONCE = 12


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def encrypt(key: bytes, plaintext: bytes, aad: bytes | None) -> tuple[bytes, bytes]:
    """Return ``(nonce, ciphertext)``. ``aad`` binds the ciphertext to its recording and kind."""
    nonce = os.urandom(_NONCE)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes | None) -> bytes:
    return AESGCM(key).decrypt(nonce, ciphertext, aad)


def seal(key: bytes, plaintext: bytes, recording_id: str) -> bytes:
    """One self-contained encrypted body, bound to ``recording_id``."""
    nonce, ct = encrypt(key, plaintext, recording_id.encode())
    return SEALED_PREFIX + nonce + ct


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(SEALED_PREFIX)


def unseal(key: bytes, blob: bytes, recording_id: str) -> bytes:
    """The plaintext of a ``seal``ed body (raises ``cryptography.exceptions.InvalidTag`` if the
    key or the recording is wrong)."""
    body = blob[len(SEALED_PREFIX) :]
    return decrypt(key, body[:_NONCE], body[_NONCE:], recording_id.encode())
