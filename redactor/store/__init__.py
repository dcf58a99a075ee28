"""Storage: embedded SQLite by default, PostgreSQL by URL; same schema, same code.

The only package that knows SQL: everything else goes through the repositories of
:class:`Store` (``store.recordings``, ``store.artifacts``, ``store.purges``, ...) and the typed
records in :mod:`redactor.store.records`.
"""

from __future__ import annotations

from pathlib import Path

from redactor.environment import DEFAULT_STORE, read_environment, store_location
from redactor.errors import InputError
from redactor.store.core import Store
from redactor.store.db import MEMORY
from redactor.store.grants import Grant, GrantUse
from redactor.store.records import (
    ArtifactKind,
    ArtifactRef,
    ArtifactRow,
    AuditEntry,
    DataCategory,
    NewArtifact,
    ProcessedRecording,
    PurgeJob,
    PurgeReceipt,
    PurgeStatus,
    PurgeStep,
    RecordingRow,
    RecordingStatus,
)

__all__ = [
    "DEFAULT_STORE",
    "MEMORY",
    "ArtifactKind",
    "ArtifactRef",
    "ArtifactRow",
    "AuditEntry",
    "DataCategory",
    "Grant",
    "GrantUse",
    "NewArtifact",
    "ProcessedRecording",
    "PurgeJob",
    "PurgeReceipt",
    "PurgeStatus",
    "PurgeStep",
    "RecordingRow",
    "RecordingStatus",
    "Store",
    "open_store",
    "store_url",
]


def store_url(location: str | None) -> tuple[str, Path]:
    """Map ``--store`` (a SQLite path or a ``postgresql://`` URL) to an engine URL + file root."""
    location = store_location(location)
    artifacts = read_environment().artifacts
    if location.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        url = "postgresql+psycopg://" + location.split("://", 1)[1]
        root = artifacts or Path("redactor-data/artifacts")
        return url, root
    if "://" in location:
        raise InputError(
            f"--store: unsupported URL scheme {location.split('://', 1)[0]!r}; "
            "use a SQLite file path or a postgresql:// URL"
        )
    path = Path(location)
    if path.is_dir():
        path = path / "redactor.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    root = artifacts or path.parent / "artifacts"
    return f"sqlite:///{path}", root


def open_store(location: str | None = None, *, artifact_root: Path | None = None) -> Store:
    """Open (and migrate) a store. ``":memory:"`` is an in-memory SQLite store for tests:
    every connection shares one database, gone when the store is closed; its files go under
    ``artifact_root`` (required)."""
    if location == MEMORY:
        if artifact_root is None:
            raise InputError("an in-memory store needs an artifact_root for its files")
        return Store(f"sqlite:///{MEMORY}", artifact_root=artifact_root)
    url, root = store_url(location)
    return Store(url, artifact_root=artifact_root or root)
