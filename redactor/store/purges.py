"""Purge jobs, tombstones, deletion and the residue scan: each operation idempotent.

The orchestration (steps, hooks, receipt) lives in ``redactor.purge``; this module only knows
tables. Which tables hold a recording's data is derived from the schema (every table with a
``recording_id`` column except the ones that must outlive a purge), so a table added by a
later migration is purged and verified without touching this code, provided it indexes
``recording_id`` (purge latency must not grow with the store).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, or_, select, update

from redactor.store import schema as s
from redactor.store.artifacts import Artifacts
from redactor.store.audit import AuditLog
from redactor.store.db import Database, now
from redactor.store.records import (
    ArtifactRef,
    PurgeJob,
    PurgeManifest,
    PurgeReceipt,
    PurgeStatus,
    PurgeStep,
    Tombstone,
)

__all__ = ["KEPT_AFTER_PURGE", "PurgePlan", "Purges"]

# Tables that keep a purged recording's id on purpose: proof of the purge, and the audit trail.
KEPT_AFTER_PURGE = frozenset({"tombstones", "purge_jobs", "audit_log"})


def recording_tables() -> list[Table]:
    """Tables holding a recording's data, children before ``recordings``."""
    tables = [
        t
        for t in reversed(s.metadata.sorted_tables)
        if "recording_id" in t.c and t.name not in KEPT_AFTER_PURGE
    ]
    return [*tables, s.recordings]


class PurgePlan:
    """What a purge sees when it plans, inside the transaction that writes the tombstone."""

    def __init__(
        self,
        conn: Connection,
        artifacts: Artifacts,
        recording_id: str,
        row_counts: dict[str, int],
    ) -> None:
        self._conn = conn
        self._artifacts = artifacts
        self.recording_id = recording_id
        r = s.recordings.c
        rec = conn.execute(
            select(r.host, r.source_sha256, r.fingerprint).where(r.id == recording_id)
        ).first()
        self.stored = rec is not None
        self.host: str = rec.host if rec is not None else ""
        self.source_sha256: str = rec.source_sha256 if rec is not None else ""
        self.fingerprint: str | None = rec.fingerprint if rec is not None else None
        self.refs: list[ArtifactRef] = artifacts.refs(conn, recording_id)
        self.rows = row_counts

    def bodies(self, kind: str) -> list[bytes]:
        """Bodies of the recording's artifacts of one kind (for a hook's receipt section)."""
        return self._artifacts.bodies_in(self._conn, self.recording_id, kind)


class Purges:
    def __init__(self, db: Database, artifacts: Artifacts, audit: AuditLog) -> None:
        self._db = db
        self._artifacts = artifacts
        self._audit = audit

    # -- jobs -------------------------------------------------------------------------------

    def job(self, recording_id: str) -> PurgeJob | None:
        with self._db.connect() as conn:
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
            PurgeStatus(r.status),
            PurgeStep(r.step),
            r.attempts,
            PurgeManifest.from_dict(json.loads(r.manifest)),
            PurgeReceipt.from_dict(json.loads(r.receipt)),
        )

    def begin(
        self,
        recording_id: str,
        build: Callable[[PurgePlan], tuple[PurgeManifest, PurgeReceipt]],
        *,
        reason: str,
        host: str | None = None,
        before_commit: Callable[[], None] = lambda: None,
    ) -> PurgeJob:
        """Record a purge job and the tombstone in one transaction, under the recording lock.

        ``build(plan)`` turns the snapshot into the manifest and the receipt. From this commit
        on, every writer of the recording sees the tombstone and refuses to store anything.
        An existing job is returned as it is. ``host`` names the owner of an id that is not
        stored (yet): a host's deletion that arrives before the recording.
        """
        with self._db.begin() as conn:
            self._db.lock_recording(conn, recording_id)
            job = self._job(conn, recording_id)
            if job is not None:
                return job
            plan = PurgePlan(
                conn, self._artifacts, recording_id, self._row_counts(conn, recording_id)
            )
            manifest, receipt = build(plan)
            ts = datetime.fromisoformat(receipt.purged_at)
            receipt_json = json.dumps(receipt.as_dict(), sort_keys=True)
            conn.execute(
                insert(s.purge_jobs).values(
                    recording_id=recording_id,
                    reason=reason,
                    status=PurgeStatus.RUNNING,
                    step=PurgeStep.PLAN,
                    attempts=1,
                    started_at=ts,
                    finished_at=None,
                    manifest=json.dumps(manifest.as_dict(), sort_keys=True),
                    receipt=receipt_json,
                )
            )
            conn.execute(delete(s.tombstones).where(s.tombstones.c.recording_id == recording_id))
            conn.execute(
                insert(s.tombstones).values(
                    recording_id=recording_id,
                    source_sha256=plan.source_sha256,
                    host=plan.host or host or "",
                    reason=reason,
                    purged_at=ts,
                    receipt=receipt_json,
                    fingerprint=plan.fingerprint,
                )
            )
            before_commit()
            job = self._job(conn, recording_id)
        assert job is not None
        return job

    def mark_step(self, recording_id: str, step: PurgeStep) -> None:
        with self._db.begin() as conn:
            self._mark(conn, recording_id, step)

    def _mark(
        self, conn: Connection, recording_id: str, step: PurgeStep, *, done: bool = False
    ) -> None:
        values: dict[str, Any] = {"step": str(step)}
        if done:
            values.update(status=PurgeStatus.DONE, finished_at=now())
        conn.execute(
            update(s.purge_jobs).where(s.purge_jobs.c.recording_id == recording_id), values
        )

    def note_attempt(self, recording_id: str) -> None:
        with self._db.begin() as conn:
            conn.execute(
                update(s.purge_jobs)
                .where(s.purge_jobs.c.recording_id == recording_id)
                .values(attempts=s.purge_jobs.c.attempts + 1)
            )

    def finish(self, job: PurgeJob, *, actor: str, detail: dict[str, Any]) -> None:
        """Write the audit entry and mark the job done, in one transaction."""
        with self._db.begin() as conn:
            self._audit.record_in(
                conn, actor=actor, action="purge", recording_id=job.recording_id, detail=detail
            )
            self._mark(conn, job.recording_id, PurgeStep.FINISH, done=True)

    # -- tombstones -------------------------------------------------------------------------

    def tombstone_for(
        self, recording_id: str, sha256: str | None = None, fingerprint: str | None = None
    ) -> str | None:
        """The purged recording id matching this id, source hash or content fingerprint."""
        t = s.tombstones.c
        cond = t.recording_id == recording_id
        if sha256:
            cond = cond | (t.source_sha256 == sha256)
        if fingerprint:
            cond = cond | (t.fingerprint == fingerprint)
        with self._db.connect() as conn:
            row = conn.execute(select(s.tombstones.c.recording_id).where(cond)).first()
        return None if row is None else str(row.recording_id)

    def tombstone(self, recording_id: str) -> Tombstone | None:
        with self._db.connect() as conn:
            r = conn.execute(
                select(s.tombstones).where(s.tombstones.c.recording_id == recording_id)
            ).first()
        if r is None:
            return None
        receipt = PurgeReceipt.from_dict(json.loads(r.receipt)) if r.receipt else None
        return Tombstone(
            r.recording_id, r.source_sha256, r.host, r.reason, r.purged_at, receipt, r.fingerprint
        )

    def running(self) -> list[PurgeJob]:
        """Purge jobs that started and did not finish (a crash, a kill): to be resumed."""
        with self._db.connect() as conn:
            ids = conn.execute(
                select(s.purge_jobs.c.recording_id)
                .where(s.purge_jobs.c.status == PurgeStatus.RUNNING)
                .order_by(s.purge_jobs.c.started_at)
            ).all()
            jobs = [self._job(conn, rid) for (rid,) in ids]
        return [j for j in jobs if j is not None]

    def tombstoned_among(self, recording_ids: list[str]) -> list[str]:
        """Which of these recordings have a tombstone (in batches of 500)."""
        found: list[str] = []
        with self._db.connect() as conn:
            for i in range(0, len(recording_ids), 500):
                q = select(s.tombstones.c.recording_id).where(
                    s.tombstones.c.recording_id.in_(recording_ids[i : i + 500])
                )
                found += [str(rid) for (rid,) in conn.execute(q)]
        return found

    # -- deletion ---------------------------------------------------------------------------

    def _row_counts(self, conn: Connection, recording_id: str) -> dict[str, int]:
        """Rows per table holding this recording's data (only tables with any)."""
        counts = {}
        for t in recording_tables():
            col = t.c.id if t is s.recordings else t.c.recording_id
            n = conn.execute(select(func.count()).select_from(t).where(col == recording_id))
            if value := int(n.scalar_one()):
                counts[t.name] = value
        return counts

    def destroy_key(self, recording_id: str) -> None:
        """Crypto-shred: without its keys no copy of anything of the recording can be read."""
        with self._db.begin() as conn:
            conn.execute(delete(s.data_keys).where(s.data_keys.c.recording_id == recording_id))
            conn.execute(
                delete(s.content_keys).where(s.content_keys.c.recording_id == recording_id)
            )
            self._mark(conn, recording_id, PurgeStep.DESTROY_KEY)

    def delete_rows(
        self, recording_id: str, *, before_commit: Callable[[], None] = lambda: None
    ) -> None:
        """Delete the recording and every row of its data, in one transaction.

        SQLite overwrites the freed pages (``secure_delete``); the write-ahead log still holds
        the old page images until a checkpoint, so the log is checkpointed and truncated.
        """
        with self._db.begin() as conn:
            self._db.lock_recording(conn, recording_id)
            for t in recording_tables():
                col = t.c.id if t is s.recordings else t.c.recording_id
                conn.execute(delete(t).where(col == recording_id))
            self._mark(conn, recording_id, PurgeStep.ROWS)
            before_commit()
        if self._db.backend == "sqlite":
            with self._db.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def residue(self, recording_id: str, job: PurgeJob | None) -> list[str]:
        """What of a recording is still in the database: one line per finding, no content."""
        findings = []
        with self._db.connect() as conn:
            for table, n in self._row_counts(conn, recording_id).items():
                findings.append(f"table {table}: {n} row(s) of {recording_id}")
            # By id, not by hash: two silent calls legitimately share identical artifacts.
            ids = [r.id for r in job.artifacts] if job else []
            if ids:
                a = s.artifacts.c
                n = conn.execute(
                    select(func.count())
                    .select_from(s.artifacts)
                    .where(or_(a.id.in_(ids), a.derived_from.in_(ids)))
                ).scalar_one()
                if n:
                    findings.append(f"table artifacts: {n} row(s) made from a removed artifact")
            source = job.manifest.source_sha256 if job else ""
            if source:
                n = conn.execute(
                    select(func.count())
                    .select_from(s.recordings)
                    .where(s.recordings.c.source_sha256 == source)
                ).scalar_one()
                if n:
                    findings.append(f"table recordings: {n} recording(s) from the purged source")
        return findings
