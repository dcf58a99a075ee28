"""The store: one implementation over SQLAlchemy Core, two real backends (SQLite, PostgreSQL).

Everything a run produces for one recording is written in one transaction, so a failure
leaves nothing half-written. Files (redacted audio, exports) live under ``artifact_root``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from redactor.crypto import decrypt, new_key
from redactor.errors import NotFoundError, PurgedError, StoreError
from redactor.serialize import (
    redacted_from_dict,
    transcript_from_dict,
)
from redactor.store import schema as s
from redactor.store.lineage import LineageOps
from redactor.store.purging import PurgeOps
from redactor.store.retention import RetentionOps
from redactor.store.writing import aad, insert_processed
from redactor.types import RecordingMeta, RedactedTranscript, Span, Transcript

__all__ = ["RecordingRow", "Store", "now"]


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RecordingRow:
    id: str
    host: str
    source_kind: str
    source_sha256: str
    channels: int
    duration_s: float
    consent_training: bool
    speakers: tuple[str, ...]
    status: str
    created_at: datetime

    @classmethod
    def from_row(cls, r: Any) -> RecordingRow:
        return cls(
            id=r.id,
            host=r.host,
            source_kind=r.source_kind,
            source_sha256=r.source_sha256,
            channels=r.channels,
            duration_s=r.duration_s,
            consent_training=bool(r.consent_training),
            speakers=tuple(json.loads(r.speakers or "[]")),
            status=r.status,
            created_at=r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC),
        )


class Store(LineageOps, PurgeOps, RetentionOps):
    """Recordings, their raw (encrypted) and redacted transcripts, lineage, audit, tombstones.

    Lineage, purge and retention operations live in mixins (``lineage``, ``purging``,
    ``retention``) to keep each module small; they share this engine and artifact root.
    """

    def __init__(self, url: str, *, artifact_root: Path) -> None:
        self.url = url
        self.artifact_root = artifact_root
        self.backend = "postgresql" if url.startswith("postgresql") else "sqlite"
        try:
            self.engine: Engine = create_engine(url, future=True)
            if self.backend == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            self.migrate()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open store ({self.backend}): {type(exc).__name__}") from None

    def __repr__(self) -> str:
        return f"Store(backend={self.backend!r})"

    # -- plumbing ---------------------------------------------------------------------------

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
        if self.backend != "sqlite" or not database or database == ":memory:":
            yield
            return
        import fcntl

        with open(f"{database}.migrate-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

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

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return max(r.version for r in conn.execute(select(s.schema_migrations.c.version)))

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # -- recordings -------------------------------------------------------------------------

    def recording(self, recording_id: str) -> RecordingRow:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(s.recordings).where(s.recordings.c.id == recording_id)
            ).first()
        if row is None:
            raise NotFoundError(f"recording {recording_id}: not found")
        return RecordingRow.from_row(row)

    def has_recording(self, recording_id: str) -> bool:
        with self.engine.connect() as conn:
            q = select(s.recordings.c.id).where(s.recordings.c.id == recording_id)
            return conn.execute(q).first() is not None

    def list_recordings(self, *, host: str | None = None) -> list[RecordingRow]:
        q = select(s.recordings).order_by(s.recordings.c.created_at, s.recordings.c.id)
        if host is not None:
            q = q.where(s.recordings.c.host == host)
        with self.engine.connect() as conn:
            return [RecordingRow.from_row(r) for r in conn.execute(q)]

    def processed_source(self, sha256: str) -> str | None:
        """Id of a finished recording made from a file with this content hash, if any."""
        q = select(s.recordings.c.id).where(
            s.recordings.c.source_sha256 == sha256, s.recordings.c.status == "done"
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        return None if row is None else str(row.id)

    def tombstone_for(self, recording_id: str, sha256: str | None = None) -> str | None:
        """The purged recording id matching this id or source hash, if any."""
        cond = s.tombstones.c.recording_id == recording_id
        if sha256:
            cond = cond | (s.tombstones.c.source_sha256 == sha256)
        with self.engine.connect() as conn:
            row = conn.execute(select(s.tombstones.c.recording_id).where(cond)).first()
        return None if row is None else str(row.recording_id)

    def save_processed(
        self,
        *,
        recording_id: str,
        meta: RecordingMeta,
        source_kind: str,
        source_sha256: str,
        source_suffix: str,
        channels: int,
        raw: Transcript,
        redacted: Sequence[RedactedTranscript],
        spans: Sequence[Span],
        extra: Sequence[dict[str, Any]] = (),
        replace_existing: bool = False,
        allow_purged: bool = False,
        data_key: bytes | None = None,
    ) -> None:
        """Write a processed recording in one transaction (all or nothing).

        ``extra`` are further artifact rows (e.g. redacted audio files) already written to disk.
        If the recording was purged (a tombstone exists, perhaps written while this one was
        being processed) nothing is stored, the ``extra`` files are removed and ``PurgedError``
        is raised; ``allow_purged`` is the explicit override and lifts the tombstone.
        ``data_key`` is the recording's key when the caller already used it (e.g. for
        encrypted tokens); otherwise a fresh one is made.
        """
        ts = now()
        with self.engine.begin() as conn:
            self.lock_recording(conn, recording_id)
            tombstoned = self.is_tombstoned(conn, recording_id)
            if tombstoned and allow_purged:
                conn.execute(
                    delete(s.tombstones).where(s.tombstones.c.recording_id == recording_id)
                )
                conn.execute(
                    delete(s.purge_jobs).where(s.purge_jobs.c.recording_id == recording_id)
                )
                self.audit(
                    actor="pipeline",
                    action="reingest-after-purge",
                    recording_id=recording_id,
                    conn=conn,
                )
            if not (tombstoned and not allow_purged):
                insert_processed(
                    conn,
                    ts,
                    recording_id=recording_id,
                    meta=meta,
                    source_kind=source_kind,
                    source_sha256=source_sha256,
                    source_suffix=source_suffix,
                    channels=channels,
                    raw=raw,
                    redacted=redacted,
                    spans=spans,
                    extra=extra,
                    replace_existing=replace_existing,
                    data_key=data_key or new_key(),
                )
        if tombstoned and not allow_purged:
            for row in extra:
                if row.get("path"):
                    self.artifact_file(str(row["path"])).unlink(missing_ok=True)
            with suppress(OSError):  # the folder a late writer made, if it left it empty
                self.recording_dir(recording_id).rmdir()
            raise PurgedError(f"recording {recording_id} was purged; not stored")

    # -- reading ----------------------------------------------------------------------------

    def redacted(self, recording_id: str, policy: str | None = None) -> RedactedTranscript:
        q = select(s.artifacts.c.body).where(
            s.artifacts.c.recording_id == recording_id, s.artifacts.c.kind == "redacted_transcript"
        )
        if policy is not None:
            q = q.where(s.artifacts.c.policy == policy)
        with self.engine.connect() as conn:
            row = conn.execute(q.order_by(s.artifacts.c.created_at)).first()
        if row is None:
            self.recording(recording_id)  # raises NotFound for an unknown id
            raise NotFoundError(
                f"recording {recording_id}: no redacted transcript"
                + (f" for policy {policy!r}" if policy else "")
            )
        return redacted_from_dict(json.loads(bytes(row.body)))

    def raw_transcript(self, recording_id: str) -> Transcript:
        """Decrypt the raw transcript. Internal: never reachable from support views."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(s.raw_transcripts, s.data_keys.c.key)
                .join(s.data_keys, s.data_keys.c.recording_id == s.raw_transcripts.c.recording_id)
                .where(s.raw_transcripts.c.recording_id == recording_id)
            ).first()
        if row is None:
            raise NotFoundError(
                f"recording {recording_id}: no raw transcript (purged or anonymized)"
            )
        plain = decrypt(
            bytes(row.key),
            bytes(row.nonce),
            bytes(row.ciphertext),
            aad(recording_id, "raw_transcript"),
        )
        return transcript_from_dict(json.loads(plain))

    def detections(self, recording_id: str) -> list[Span]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.detections)
                .where(s.detections.c.recording_id == recording_id)
                .order_by(s.detections.c.segment, s.detections.c.start)
            )
            return [Span(r.segment, r.start, r.end, r.label, r.score, r.recognizer) for r in rows]

    def artifacts_of(self, recording_id: str) -> list[dict[str, Any]]:
        """The full lineage of a recording: every artifact, in one query."""
        cols = [c for c in s.artifacts.c if c.name != "body"]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*cols)
                .where(s.artifacts.c.recording_id == recording_id)
                .order_by(s.artifacts.c.created_at, s.artifacts.c.kind)
            )
            return [dict(r._mapping) for r in rows]

    # -- audit ------------------------------------------------------------------------------

    def audit(
        self,
        *,
        actor: str,
        action: str,
        recording_id: str | None = None,
        ticket: str | None = None,
        detail: dict[str, Any] | None = None,
        conn: Connection | None = None,
    ) -> None:
        stmt = insert(s.audit_log).values(
            at=now(),
            actor=actor,
            action=action,
            recording_id=recording_id,
            ticket=ticket,
            detail=json.dumps(detail or {}, sort_keys=True),
        )
        if conn is not None:
            conn.execute(stmt)
        else:
            with self.engine.begin() as c:
                c.execute(stmt)

    def audit_entries(self, recording_id: str | None = None) -> list[dict[str, Any]]:
        q = select(s.audit_log).order_by(s.audit_log.c.id)
        if recording_id is not None:
            q = q.where(s.audit_log.c.recording_id == recording_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def set_consent(self, recording_id: str, consent_training: bool) -> None:
        self.recording(recording_id)
        with self.engine.begin() as conn:
            conn.execute(
                update(s.recordings)
                .where(s.recordings.c.id == recording_id)
                .values(consent_training=consent_training, updated_at=now())
            )


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
