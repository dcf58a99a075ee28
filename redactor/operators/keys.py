"""Per-host secrets for keyed pseudonyms, kept in key files apart from the store.

Why files and not a table: a pseudonym is only safe while its key is not next to the data it
protects (whoever holds the database and the key can test guesses). ``KEYS_DIR/<host>.key``
holds 32 random bytes as hex, created once with ``redactor host-key create --host H``; the
engine never creates one silently, so a missing key is an error, not a new identity.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from redactor.errors import InputError

__all__ = ["KeyRing"]

KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class KeyRing:
    directory: Path

    @classmethod
    def default(cls, artifact_root: Path | None = None, directory: Path | None = None) -> KeyRing:
        """``directory`` (a run's ``store.keys_dir``), else ``REDACTOR_KEYS_DIR``, else
        ``keys/`` next to the store's artifact folder."""
        if directory is None:
            from redactor.environment import read_environment

            directory = read_environment().keys_dir
        if directory is not None:
            return cls(directory)
        base = artifact_root.parent if artifact_root is not None else Path("redactor-data")
        return cls(base / "keys")

    def path_for(self, host: str) -> Path:
        from redactor.ingest import validate_id

        return self.directory / f"{validate_id(host, 'host id')}.key"

    def secret_for(self, host: str) -> bytes:
        path = self.path_for(host)
        try:
            text = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise InputError(
                f"host {host!r}: no pseudonym key ({path}); create one with "
                f"`redactor host-key create --host {host}`"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read pseudonym key ({type(exc).__name__})") from None
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) != KEY_BYTES:
            raise InputError(f"{path}: pseudonym key must be {KEY_BYTES} bytes as hex")
        return key

    def create(self, host: str) -> Path:
        """Write a new random key for ``host``; refuses to replace one (that breaks pseudonyms)."""
        path = self.path_for(host)
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise InputError(f"host {host!r}: a pseudonym key already exists ({path})") from None
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(KEY_BYTES) + "\n")
        return path
