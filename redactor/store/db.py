"""The database every repository shares: engine, migrations, the per-recording lock, files.

Writers of a recording and a purge of it are serialised: each takes ``lock_recording`` as the
first statement of its transaction and then checks the tombstone, so a write either lands
before the purge takes its snapshot (and is purged) or sees the tombstone (and is refused).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from redactor.errors import StoreError
from redactor.store import schema as s

__all__ = ["MEMORY", "Database", "new_artifact_id", "now", "sha256_bytes"]

MEMORY = ":memory:"


def now() -> datetime:
    return datetime.now(UTC)


def new_artifact_id() -> str:
    return "art-" + uuid.uuid4().hex


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Database:
    """One engine (SQLite file, in-memory SQLite, or PostgreSQL) and the artifact root."""

    def __init__(self, url: str, *, artifact_root: Path) -> None:
        self.url = url
        self.artifact_root = artifact_root
        self.backend = "postgresql" if url.startswith("postgresql") else "sqlite"
        try:
            if url == f"sqlite:///{MEMORY}" or url == "sqlite://":
                # One connection shared by every thread: each new connection to an in-memory
                # SQLite database would otherwise be a new, empty database.
                self.engine: Engine = create_engine(
                    url, poolclass=StaticPool, connect_args={"check_same_thread": False}
                )
            else:
                self.engine = create_engine(url)
            if self.backend == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            self.migrate()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open store ({self.backend}): {type(exc).__name__}") from None

    @property
    def in_memory(self) -> bool:
        return self.backend == "sqlite" and self.engine.url.database in (None, "", MEMORY)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # -- migrations -------------------------------------------------------------------------

    def migrate(self) -> None:
        """Apply pending migrations. Serialised across processes (workers opening a new store
        at the same moment would otherwise both create the tables)."""
        with self._migration_lock(), self.engine.begin() as conn:
            if self.backend == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7270001)")
            s.schema_migrations.create(conn, checkfirst=True)
            done = {r.version for r in conn.execute(select(s.schema_migrations.c.version))}
            if done and max(done) > len(s.MIGRATIONS):
                raise StoreError(
                    f"store schema version {max(done)} is newer than this redactor "
                    f"({len(s.MIGRATIONS)}); upgrade redactor"
                )
            for version, (name, fn) in enumerate(s.MIGRATIONS, start=1):
                if version not in done:
                    fn(conn)
                    conn.execute(
                        insert(s.schema_migrations).values(
                            version=version, name=name, applied_at=now()
                        )
                    )

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        database = self.engine.url.database
        if self.backend != "sqlite" or self.in_memory or not database:
            yield
            return
        import fcntl

        with open(f"{database}.migrate-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return max(r.version for r in conn.execute(select(s.schema_migrations.c.version)))

    # -- locking ----------------------------------------------------------------------------

    def lock_recording(self, conn: Connection, recording_id: str) -> None:
        """Serialise writers of one recording. Call it first in the transaction.

        PostgreSQL: a transaction-scoped advisory lock on the id. SQLite has one writer at a
        time; a no-op UPDATE as the first statement takes the write lock now, so every read
        after it in the transaction sees the latest committed state.
        """
        if self.backend == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                {"k": "redactor:" + recording_id},
            )
        else:
            conn.execute(
                update(s.schema_migrations)
                .where(s.schema_migrations.c.version == -1)
                .values(version=s.schema_migrations.c.version)
            )

    def is_tombstoned(self, conn: Connection, recording_id: str) -> bool:
        q = select(s.tombstones.c.recording_id).where(s.tombstones.c.recording_id == recording_id)
        return conn.execute(q).first() is not None

    def content_key(self, conn: Connection, recording_id: str) -> bytes | None:
        """The key of everything derived from a recording's content; None once purged (or
        for a recording stored before content was encrypted: its bodies are plain)."""
        q = select(s.content_keys.c.key).where(s.content_keys.c.recording_id == recording_id)
        value = conn.execute(q).scalar_one_or_none()
        return None if value is None else bytes(value)

    def recording_exists(self, conn: Connection, recording_id: str) -> bool:
        q = select(s.recordings.c.id).where(s.recordings.c.id == recording_id)
        return conn.execute(q).first() is not None

    # -- files ------------------------------------------------------------------------------

    def artifact_file(self, path: str) -> Path:
        """Where an artifact's file lives: relative paths are under ``artifact_root``.

        Absolute paths are allowed for files written elsewhere (exports); a relative path that
        climbs out of the root is refused, so a bad row cannot make a purge delete elsewhere.
        """
        p = Path(path)
        if p.is_absolute():
            return p
        root = self.artifact_root.resolve()
        full = (root / p).resolve()
        if full != root and root not in full.parents:
            raise StoreError(f"artifact path {path!r} is outside the artifact root")
        return full

    def recording_dir(self, recording_id: str) -> Path:
        """The folder for a recording's files (``artifact_root/<id>``); purge removes it whole."""
        return self.artifact_root / recording_id

    def owns_artifact_root(self) -> bool:
        """Whether the artifact root is this store's alone.

        The first store to use a root claims it with a marker file holding the store's
        instance id. Cleanup that deletes files no row of *this* store names (orphans of a
        killed run) only runs on a root the store owns: two stores pointed at one root (two
        SQLite files in one folder, two PostgreSQL databases with the default root) must never
        delete each other's files.
        """
        with self.engine.begin() as conn:
            row = conn.execute(
                select(s.server_secrets.c.value).where(s.server_secrets.c.name == "store_instance")
            ).first()
            if row is None:
                ident = uuid.uuid4().hex.encode()
                conn.execute(insert(s.server_secrets).values(name="store_instance", value=ident))
            else:
                ident = bytes(row.value)
        marker = self.artifact_root / ".redactor-store"
        self.artifact_root.mkdir(parents=True, exist_ok=True)
        try:
            with marker.open("xb") as f:  # first comer claims the root
                f.write(ident)
            return True
        except FileExistsError:
            return marker.read_bytes() == ident


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    # 32 MiB page cache (default 2 MiB): keeps index pages hot so that per-recording work
    # (a purge, a view) costs the same in a store of 100 or of 100,000 recordings.
    cur.execute("PRAGMA cache_size=-32768")
    cur.close()
