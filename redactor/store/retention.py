"""Store operations for retention: per-host settings, age queries, anonymization."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, insert, select, update

from redactor.store import schema as s

__all__ = ["RetentionOps", "RetentionSetting"]


@dataclass(frozen=True, slots=True)
class RetentionSetting:
    host: str
    older_than_days: int
    action: str  # purge | anonymize


class RetentionOps:
    """Mixin for ``Store``."""

    engine: Engine
    lock_recording: Callable[[Connection, str], None]
    artifact_file: Callable[[str], Path]

    def set_retention(self, host: str, older_than_days: int, action: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(s.retention_settings).where(s.retention_settings.c.host == host))
            conn.execute(
                insert(s.retention_settings).values(
                    host=host,
                    older_than_days=older_than_days,
                    action=action,
                    updated_at=datetime.now(UTC),
                )
            )

    def clear_retention(self, host: str) -> bool:
        with self.engine.begin() as conn:
            res = conn.execute(
                delete(s.retention_settings).where(s.retention_settings.c.host == host)
            )
            return bool(res.rowcount)

    def retention_settings(self) -> dict[str, RetentionSetting]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.retention_settings).order_by(s.retention_settings.c.host))
            return {r.host: RetentionSetting(r.host, r.older_than_days, r.action) for r in rows}

    def recordings_created_before(
        self, cutoff: datetime, *, host: str | None = None
    ) -> list[tuple[str, str, str]]:
        """``(id, host, status)`` of recordings created before ``cutoff`` (indexed on time)."""
        q = (
            select(s.recordings.c.id, s.recordings.c.host, s.recordings.c.status)
            .where(s.recordings.c.created_at < cutoff)
            .order_by(s.recordings.c.created_at, s.recordings.c.id)
        )
        if host is not None:
            q = q.where(s.recordings.c.host == host)
        with self.engine.connect() as conn:
            return [(r.id, r.host, r.status) for r in conn.execute(q)]

    def anonymize_recording(self, recording_id: str) -> dict[str, int]:
        """Destroy everything raw of a recording and keep what is redacted or inferred.

        Deletes the data key (crypto-shredding), the encrypted raw transcript and every
        artifact of category ``raw`` (with its file, e.g. a raw audio reference); the recording
        is marked ``anonymized``. Returns counts per removed kind. Idempotent.
        """
        counts: dict[str, int] = {}
        # Files first: if we crash after this, the rows still name them and a re-run finishes.
        with self.engine.connect() as conn:
            files = conn.execute(
                select(s.artifacts.c.path).where(
                    s.artifacts.c.recording_id == recording_id,
                    s.artifacts.c.data_category == "raw",
                    s.artifacts.c.path.is_not(None),
                )
            ).all()
        for f in files:
            self.artifact_file(f.path).unlink(missing_ok=True)
        with self.engine.begin() as conn:
            self.lock_recording(conn, recording_id)
            raw = conn.execute(
                select(s.artifacts.c.kind).where(
                    s.artifacts.c.recording_id == recording_id,
                    s.artifacts.c.data_category == "raw",
                )
            ).all()
            for r in raw:
                counts[r.kind] = counts.get(r.kind, 0) + 1
            keys = conn.execute(
                delete(s.data_keys).where(s.data_keys.c.recording_id == recording_id)
            ).rowcount
            if keys:
                counts["data_key"] = keys
            conn.execute(
                delete(s.raw_transcripts).where(s.raw_transcripts.c.recording_id == recording_id)
            )
            conn.execute(
                delete(s.artifacts).where(
                    s.artifacts.c.recording_id == recording_id,
                    s.artifacts.c.data_category == "raw",
                )
            )
            conn.execute(
                update(s.recordings)
                .where(s.recordings.c.id == recording_id)
                .values(status="anonymized", updated_at=datetime.now(UTC))
            )
        return counts
