"""Store operations a purge is made of: each one idempotent, so a re-run after a crash is safe.

The orchestration (steps, hooks, receipt) lives in ``redactor.purge``; this module only knows
tables. Which tables hold a recording's data is derived from the schema (every table with a
``recording_id`` column except the ones that must outlive a purge), so a table added by a
later migration is purged and verified without touching this code, provided it indexes
``recording_id`` (purge latency must not grow with the store).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, or_, select, update

from redactor.store import schema as s
from redactor.store.lineage import ArtifactRef

__all__ = ["KEPT_AFTER_PURGE", "PurgeJob", "PurgeOps"]

# Tables that keep a purged recording's id on purpose: proof of the purge, and the audit trail.
KEPT_AFTER_PURGE = frozenset({"tombstones", "purge_jobs", "audit_log"})


@dataclass(frozen=True, slots=True)
class PurgeJob:
    recording_id: str
    reason: str
    status: str
    step: str
    attempts: int
    manifest: dict[str, Any]
    receipt: dict[str, Any]

    @property
    def artifacts(self) -> list[ArtifactRef]:
        return [ArtifactRef.from_dict(d) for d in self.manifest.get("artifacts", [])]


def recording_tables() -> list[Table]:
    """Tables holding a recording's data, children before ``recordings``."""
    tables = [
        t
        for t in reversed(s.metadata.sorted_tables)
        if "recording_id" in t.c and t.name not in KEPT_AFTER_PURGE
    ]
    return [*tables, s.recordings]


class PurgeOps:
    """Mixin for ``Store``: purge jobs, tombstones, deletion and the residue scan."""

    engine: Engine
    backend: str
    artifact_root: Path
    lock_recording: Callable[[Connection, str], None]
    artifact_refs: Callable[[Connection, str], list[ArtifactRef]]

    # -- jobs -------------------------------------------------------------------------------

    def purge_job(self, recording_id: str) -> PurgeJob | None:
        with self.engine.connect() as conn:
            return self._job(conn, recording_id)

    def _job(self, conn: Connection, recording_id: str) -> PurgeJob | None:
        r = conn.execute(
            select(s.purge_jobs).where(s.purge_jobs.c.recording_id == recording_id)
        ).first()
        if r is None:
            return None
        return PurgeJob(
            r.recording_id,
            r.reason,
            r.status,
            r.step,
            r.attempts,
            json.loads(r.manifest),
            json.loads(r.receipt),
        )

    def begin_purge(
        self,
        recording_id: str,
        build: Callable[[Connection], tuple[dict[str, Any], dict[str, Any], str, str]],
        *,
        reason: str,
        before_commit: Callable[[], None] = lambda: None,
    ) -> PurgeJob:
        """Record a purge job and the tombstone in one transaction, under the recording lock.

        ``build(conn)`` snapshots the lineage and returns ``(manifest, receipt, host,
        source_sha256)``. From this commit on, every
        writer of the recording sees the tombstone and refuses to store anything.
        """
        with self.engine.begin() as conn:
            self.lock_recording(conn, recording_id)
            job = self._job(conn, recording_id)
            if job is not None:
                return job
            manifest, receipt, host, source_sha256 = build(conn)
            ts = datetime.fromisoformat(receipt["purged_at"])
            conn.execute(
                insert(s.purge_jobs).values(
                    recording_id=recording_id,
                    reason=reason,
                    status="running",
                    step="plan",
                    attempts=1,
                    started_at=ts,
                    finished_at=None,
                    manifest=json.dumps(manifest, sort_keys=True),
                    receipt=json.dumps(receipt, sort_keys=True),
                )
            )
            conn.execute(delete(s.tombstones).where(s.tombstones.c.recording_id == recording_id))
            conn.execute(
                insert(s.tombstones).values(
                    recording_id=recording_id,
                    source_sha256=source_sha256,
                    host=host,
                    reason=reason,
                    purged_at=ts,
                    receipt=json.dumps(receipt, sort_keys=True),
                )
            )
            before_commit()
            job = self._job(conn, recording_id)
        assert job is not None
        return job

    def mark_purge_step(
        self, recording_id: str, step: str, *, done: bool = False, conn: Connection | None = None
    ) -> None:
        """Record ``step`` as completed; pass ``conn`` to commit it with the step's own work."""
        values: dict[str, Any] = {"step": step}
        if done:
            values.update(status="done", finished_at=datetime.now(UTC))
        stmt = update(s.purge_jobs).where(s.purge_jobs.c.recording_id == recording_id)
        if conn is not None:
            conn.execute(stmt, values)
            return
        with self.engine.begin() as c:
            c.execute(stmt, values)

    def note_purge_attempt(self, recording_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(s.purge_jobs)
                .where(s.purge_jobs.c.recording_id == recording_id)
                .values(attempts=s.purge_jobs.c.attempts + 1)
            )

    def tombstone_receipt(self, recording_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(s.tombstones.c.receipt).where(s.tombstones.c.recording_id == recording_id)
            ).first()
        return None if row is None or not row.receipt else json.loads(row.receipt)

    # -- snapshot and deletion --------------------------------------------------------------

    def row_counts(self, conn: Connection, recording_id: str) -> dict[str, int]:
        """Rows per table holding this recording's data (only tables with any)."""
        counts = {}
        for t in recording_tables():
            col = t.c.id if t is s.recordings else t.c.recording_id
            n = conn.execute(select(func.count()).select_from(t).where(col == recording_id))
            if value := int(n.scalar_one()):
                counts[t.name] = value
        return counts

    def destroy_key(self, recording_id: str, *, step: str | None = None) -> None:
        """Crypto-shred: without the data key no copy of the raw transcript can be read."""
        with self.engine.begin() as conn:
            conn.execute(delete(s.data_keys).where(s.data_keys.c.recording_id == recording_id))
            if step is not None:
                self.mark_purge_step(recording_id, step, conn=conn)

    def delete_recording_rows(
        self,
        recording_id: str,
        *,
        step: str | None = None,
        before_commit: Callable[[], None] = lambda: None,
    ) -> None:
        """Delete the recording and every row of its data, in one transaction.

        SQLite overwrites the freed pages (``secure_delete``); the write-ahead log still holds
        the old page images until a checkpoint, so the log is checkpointed and truncated.
        """
        with self.engine.begin() as conn:
            self.lock_recording(conn, recording_id)
            for t in recording_tables():
                col = t.c.id if t is s.recordings else t.c.recording_id
                conn.execute(delete(t).where(col == recording_id))
            if step is not None:
                self.mark_purge_step(recording_id, step, conn=conn)
            before_commit()
        if self.backend == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- residue ----------------------------------------------------------------------------

    def residue(self, recording_id: str, job: PurgeJob | None) -> list[str]:
        """What of a recording is still in the database: one line per finding, no content."""
        findings = []
        with self.engine.connect() as conn:
            for table, n in self.row_counts(conn, recording_id).items():
                findings.append(f"table {table}: {n} row(s) of {recording_id}")
            # By id, not by hash: two silent calls legitimately share identical artifacts.
            ids = [r.id for r in job.artifacts] if job else []
            if ids:
                n = conn.execute(
                    select(func.count())
                    .select_from(s.artifacts)
                    .where(or_(s.artifacts.c.id.in_(ids), s.artifacts.c.derived_from.in_(ids)))
                ).scalar_one()
                if n:
                    findings.append(f"table artifacts: {n} row(s) made from a removed artifact")
            source = (job.manifest.get("source_sha256") if job else None) or None
            if source:
                n = conn.execute(
                    select(func.count())
                    .select_from(s.recordings)
                    .where(s.recordings.c.source_sha256 == source)
                ).scalar_one()
                if n:
                    findings.append(f"table recordings: {n} recording(s) from the purged source")
        return findings
