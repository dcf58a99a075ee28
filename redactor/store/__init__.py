"""Storage: embedded SQLite by default, PostgreSQL by URL; same schema, same code."""

from __future__ import annotations

import os
from pathlib import Path

from redactor.errors import InputError
from redactor.store.core import RecordingRow, Store

__all__ = ["DEFAULT_STORE", "RecordingRow", "Store", "open_store", "store_url"]

DEFAULT_STORE = "redactor-data/redactor.db"


def store_url(location: str | None) -> tuple[str, Path]:
    """Map ``--store`` (a SQLite path or a ``postgresql://`` URL) to an engine URL + file root."""
    location = location or os.environ.get("REDACTOR_STORE") or DEFAULT_STORE
    if location.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        url = "postgresql+psycopg://" + location.split("://", 1)[1]
        root = Path(os.environ.get("REDACTOR_ARTIFACTS", "redactor-data/artifacts"))
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
    root = Path(os.environ.get("REDACTOR_ARTIFACTS") or path.parent / "artifacts")
    return f"sqlite:///{path}", root


def open_store(location: str | None = None) -> Store:
    url, root = store_url(location)
    return Store(url, artifact_root=root)
