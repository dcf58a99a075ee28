"""The store: one facade over the repositories that share one database.

One implementation over SQLAlchemy Core, three backends: a SQLite file, an in-memory SQLite
database (tests), and PostgreSQL. Files (redacted audio, exports) live under
``artifact_root``. Each repository owns its tables; see ``docs/architecture.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine

from redactor.store.access import Access
from redactor.store.artifacts import Artifacts
from redactor.store.audit import AuditLog
from redactor.store.datasets import Datasets
from redactor.store.db import Database
from redactor.store.grants import Grants
from redactor.store.logins import Logins
from redactor.store.purges import Purges
from redactor.store.recordings import Recordings
from redactor.store.retention import Retention
from redactor.store.subjects import Subjects
from redactor.store.webhooks import Webhooks

__all__ = ["Store"]


class Store:
    """Recordings, artifacts and lineage, purges, access, grants, subjects, datasets, audit."""

    def __init__(self, url: str, *, artifact_root: Path) -> None:
        self._db = db = Database(url, artifact_root=artifact_root)
        self.audit = AuditLog(db)
        self.recordings = Recordings(db, self.audit)
        self.artifacts = Artifacts(db)
        self.purges = Purges(db, self.artifacts, self.audit)
        self.subjects = Subjects(db, self.audit)
        self.access = Access(db, self.audit)
        self.webhooks = Webhooks(db, self.audit)
        self.datasets = Datasets(db)
        self.retention = Retention(db)
        self.grants = Grants(db, self.audit)
        self.logins = Logins(db, self.audit)

    def __repr__(self) -> str:
        return f"Store(backend={self.backend!r})"

    @property
    def url(self) -> str:
        return self._db.url

    @property
    def backend(self) -> str:
        return self._db.backend

    @property
    def artifact_root(self) -> Path:
        return self._db.artifact_root

    @property
    def schema_version(self) -> int:
        return self._db.schema_version

    def migrate(self) -> None:
        self._db.migrate()

    def close(self) -> None:
        self._db.close()

    # -- files ------------------------------------------------------------------------------

    def artifact_file(self, path: str) -> Path:
        """Where an artifact's file lives (relative paths stay under ``artifact_root``)."""
        return self._db.artifact_file(path)

    def recording_dir(self, recording_id: str) -> Path:
        """The folder for a recording's files (``artifact_root/<id>``); purge removes it whole."""
        return self._db.recording_dir(recording_id)

    def owns_artifact_root(self) -> bool:
        return self._db.owns_artifact_root()

    # -- raw access, for storage tests and maintenance only -----------------------------------

    @property
    def engine(self) -> Engine:
        return self._db.engine

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self._db.begin() as conn:
            yield conn
