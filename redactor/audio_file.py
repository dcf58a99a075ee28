"""Redacted audio files at rest: sealed with a key of their own, that key sealed in the store.

A recording's redacted audio is written before the transaction that stores the recording
(and creates its content key), so each file is sealed with a fresh key (``crypto.seal_file``,
layout ``sealed-file.v1``) and that key travels in the file's artifact row, whose body the
store seals with the recording's content key like every other body. A purge destroys the
content key first: from that commit the file key is unreadable, and with it every copy of the
file (a backup of the artifact root, a file a failed unlink left behind). The encoder writes
into memory, so no plaintext audio ever reaches the disk.

Files written before audio was sealed have a row without a body; they are read as they are
(the purge still deletes them), and a forced re-run of ``process`` replaces them by sealed ones.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag

from redactor.crypto import (
    FILE_MAGIC,
    is_sealed_file,
    new_key,
    open_file,
    open_file_range,
    seal_file,
    sealed_file_size,
)
from redactor.errors import NotFoundError, StoreError

__all__ = ["FORMAT", "SealedAudio", "key_body", "key_from_body", "media_type", "write_sealed"]

FORMAT = "sealed-file.v1"  # recorded in the artifact's producer list and in the key body
_READ = 1 << 20
_MEDIA_TYPES = {
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
}


def _aad(recording_id: str) -> bytes:
    return f"{recording_id}\x00redacted_audio".encode()


def media_type(path: Path) -> str:
    return _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def key_body(key: bytes) -> bytes:
    """The artifact body that carries a file's key (sealed by the store, never in clear)."""
    return json.dumps({"format": FORMAT, "key": base64.b64encode(key).decode()}).encode()


def key_from_body(body: bytes | None) -> bytes | None:
    """The file key in an artifact body; None for a row of a plain (older) file."""
    if not body:
        return None
    try:
        data = json.loads(body)
        if data.get("format") != FORMAT:
            raise ValueError(data.get("format"))
        return base64.b64decode(data["key"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise StoreError("redacted audio: the artifact row holds no usable file key") from None


@dataclass(frozen=True, slots=True)
class SealedAudio:
    """One redacted audio file and what it takes to read it; ``key`` None: a plain file."""

    path: Path
    recording_id: str
    key: bytes | None = field(repr=False)
    sha256: str | None = None

    @property
    def media_type(self) -> str:
        return media_type(self.path)

    @property
    def size(self) -> int:
        """The size of the decoded (plain) file, from the sealed file's size."""
        stored = self.path.stat().st_size
        return stored if self.key is None else sealed_file_size(stored)

    def chunks(self) -> Iterator[bytes]:
        """The decoded (plain) file, in blocks. StoreError if it cannot be decrypted."""
        try:
            with self.path.open("rb") as fh:
                head = fh.read(len(FILE_MAGIC))
                fh.seek(0)
                if self.key is None:
                    if is_sealed_file(head):  # its key is gone: the recording is being purged
                        raise NotFoundError(f"recording {self.recording_id}: no redacted audio")
                    yield from iter(lambda: fh.read(_READ), b"")
                    return
                if not is_sealed_file(head):
                    raise StoreError(f"recording {self.recording_id}: audio file is not sealed")
                yield from open_file(self.key, fh, _aad(self.recording_id))
        except InvalidTag:
            raise StoreError(
                f"recording {self.recording_id}: redacted audio file fails its integrity check"
            ) from None

    def read(self) -> bytes:
        return b"".join(self.chunks())

    def byte_range(self, start: int, stop: int) -> Iterator[bytes]:
        """Decoded bytes ``[start, stop)`` (``0 <= start < stop <= size``), reading and
        decrypting only the chunks that hold them."""
        try:
            with self.path.open("rb") as fh:
                if self.key is None:
                    fh.seek(start)
                    yield fh.read(stop - start)
                    return
                sealed = self.path.stat().st_size
                yield from open_file_range(
                    self.key, fh, _aad(self.recording_id), sealed, start, stop
                )
        except (InvalidTag, ValueError):
            raise StoreError(
                f"recording {self.recording_id}: redacted audio file fails its integrity check"
            ) from None

    def as_file(self) -> io.BytesIO:
        """The decoded file as an in-memory binary file (for decoders that take one)."""
        return io.BytesIO(self.read())


def write_sealed(path: Path, plaintext: bytes, recording_id: str) -> SealedAudio:
    """Seal ``plaintext`` (an encoded audio file) into ``path`` with a fresh key.

    The caller registers ``key_body(result.key)`` with the artifact, and removes the file if
    that fails. ``sha256`` is of the bytes on disk (ciphertext: it says nothing of the audio).
    """
    key = new_key()
    digest = hashlib.sha256()
    try:
        with path.open("xb") as fh:
            for block in seal_file(key, plaintext, _aad(recording_id)):
                digest.update(block)
                fh.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return SealedAudio(path, recording_id, key, digest.hexdigest())
