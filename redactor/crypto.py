"""Per-recording data keys and AES-GCM encryption of everything stored of a recording.

``seal``/``unseal`` wrap one artifact body as ``SEALED_PREFIX + nonce + ciphertext``; the
associated data binds it to its recording, so a body copied onto another recording does not
decrypt. Destroying the recording's key makes every copy unreadable (crypto-shredding).

``seal_file``/``open_file`` do the same for files too large to hold twice in memory (redacted
audio): a header, then the content in chunks of ``FILE_CHUNK`` bytes, each its own AES-GCM
message. Every file gets a fresh key, so the nonce of chunk ``i`` can be the counter ``i`` and
a flag for the last chunk (the STREAM construction): chunks cannot be reordered, dropped or
cut off at the end without the tag failing, and the file can be decrypted chunk by chunk.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "FILE_MAGIC",
    "SEALED_PREFIX",
    "decrypt",
    "encrypt",
    "is_sealed",
    "is_sealed_file",
    "new_key",
    "open_file",
    "open_file_range",
    "seal",
    "seal_file",
    "sealed_file_size",
    "unseal",
]

SEALED_PREFIX = b"rdx1"  # version of the sealed-body layout: prefix, 12-byte nonce, ciphertext
_NONCE = 12
# Version of the sealed-file layout (``sealed-file.v1``): magic, chunk size (4 bytes, big
# endian), then the chunks, each ``chunk size + 16`` bytes (the last one may be shorter).
FILE_MAGIC = b"rdxf1\n"
FILE_CHUNK = 1 << 20
_TAG = 16
_HEADER = struct.Struct(">6sI")


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


def _chunk_nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(_NONCE - 1, "big") + (b"\x01" if last else b"\x00")


def seal_file(key: bytes, plaintext: bytes, aad: bytes) -> Iterator[bytes]:
    """The sealed-file bytes of ``plaintext``, header first, one chunk at a time. ``key`` must
    be used for this one file only (the nonces are counters)."""
    header = _HEADER.pack(FILE_MAGIC, FILE_CHUNK)
    yield header
    aead, bound = AESGCM(key), header + aad
    view = memoryview(plaintext)
    n = max(1, -(-len(view) // FILE_CHUNK))
    for i in range(n):
        chunk = view[i * FILE_CHUNK : (i + 1) * FILE_CHUNK]
        yield aead.encrypt(_chunk_nonce(i, i == n - 1), bytes(chunk), bound)


def is_sealed_file(head: bytes) -> bool:
    """Whether a file starting with ``head`` (its first bytes) is a sealed file."""
    return head.startswith(FILE_MAGIC)


def open_file(key: bytes, fh: BinaryIO, aad: bytes) -> Iterator[bytes]:
    """The plaintext of a sealed file, chunk by chunk. Raises ``InvalidTag`` for a wrong key,
    a wrong ``aad``, a changed, reordered or truncated file; ``ValueError`` if ``fh`` does not
    start with a sealed-file header."""
    header = fh.read(_HEADER.size)
    if len(header) != _HEADER.size or not is_sealed_file(header):
        raise ValueError("not a sealed file")
    _, chunk = _HEADER.unpack(header)
    aead, bound, size = AESGCM(key), header + aad, chunk + _TAG
    block, i = fh.read(size), 0
    while True:
        ahead = fh.read(size) if len(block) == size else b""
        last = not ahead
        yield aead.decrypt(_chunk_nonce(i, last), block, bound)
        if last:
            return
        block, i = ahead, i + 1


def open_file_range(
    key: bytes, fh: BinaryIO, aad: bytes, sealed_size: int, start: int, stop: int
) -> Iterator[bytes]:
    """Plaintext bytes ``[start, stop)`` of a sealed file of ``sealed_size`` bytes, decrypting
    only the chunks that hold them (a player seeking). The chunk count comes from the size, so
    a file cut short at a chunk boundary fails its last chunk's tag as ``open_file`` does."""
    header = fh.read(_HEADER.size)
    if len(header) != _HEADER.size or not is_sealed_file(header):
        raise ValueError("not a sealed file")
    _, chunk = _HEADER.unpack(header)
    aead, bound, size = AESGCM(key), header + aad, chunk + _TAG
    n = max(1, -(-(sealed_size - _HEADER.size) // size))
    first, last = start // chunk, (stop - 1) // chunk
    for i in range(first, min(last, n - 1) + 1):
        fh.seek(_HEADER.size + i * size)
        plain = aead.decrypt(_chunk_nonce(i, i == n - 1), fh.read(size), bound)
        yield plain[max(0, start - i * chunk) : stop - i * chunk]


def sealed_file_size(sealed_size: int) -> int:
    """The plaintext size of a sealed file of ``sealed_size`` bytes (written by this module)."""
    body = sealed_size - _HEADER.size
    return body - _TAG * max(1, -(-body // (FILE_CHUNK + _TAG)))
