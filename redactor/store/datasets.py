"""The dataset export registry and its lineage: how a purge finds every export to rewrite.

An export is one ``dataset_exports`` row (no recording ids, so it outlives purges) plus, for
each included recording, artifacts that name the export. Exports rewritten because a
recording was purged are recorded in ``dataset_export_purges``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Row, delete, insert, select, update

from redactor.errors import StoreError
from redactor.store import schema as s
from redactor.store.artifacts import artifact_values
from redactor.store.db import Database, new_artifact_id, now
from redactor.store.records import (
    ArtifactKind,
    DatasetExport,
    ExportPurge,
    ExportStatus,
    NewArtifact,
)

__all__ = ["Datasets"]


def _export(r: Row[Any]) -> DatasetExport:
    return DatasetExport(
        r.id,
        Path(r.out_dir),
        r.policy,
        r.version,
        ExportStatus(r.status),
        r.rows,
        r.recordings,
        Path(r.staging) if r.staging else None,
    )


def _names_export(body: bytes, export_id: str) -> bool:
    try:
        return bool(json.loads(body).get("export_id") == export_id)
    except (ValueError, AttributeError):
        return False


class Datasets:
    def __init__(self, db: Database) -> None:
        self._db = db

    def exports(self) -> list[DatasetExport]:
        """Every registered export, oldest first."""
        t = s.dataset_exports
        with self._db.connect() as conn:
            rows = conn.execute(select(t).order_by(t.c.created_at, t.c.id)).all()
        return [_export(r) for r in rows]

    def export(self, export_id: str) -> DatasetExport | None:
        t = s.dataset_exports
        with self._db.connect() as conn:
            r = conn.execute(select(t).where(t.c.id == export_id)).first()
        return None if r is None else _export(r)

    def reserve(self, export_id: str, *, out_dir: Path, policy: str, staging: Path) -> None:
        """The registry row of an export about to be staged (status ``writing``), committed
        before anything is written, so a killed export's staging folder is always known."""
        ts = now()
        with self._db.begin() as conn:
            conn.execute(
                insert(s.dataset_exports).values(
                    id=export_id,
                    out_dir=str(out_dir),
                    policy=policy,
                    version=1,
                    status=ExportStatus.WRITING,
                    rows=0,
                    recordings=0,
                    created_at=ts,
                    updated_at=ts,
                    staging=str(staging),
                )
            )

    def register(
        self,
        *,
        export_id: str,
        rows: int,
        recordings: int,
        lineage: Sequence[tuple[str, Sequence[NewArtifact]]],
    ) -> tuple[list[str], list[str]]:
        """The export's counts and its lineage artifacts, in one transaction.

        ``lineage`` is ``(recording id, artifacts)`` per recording; a recording purged
        meanwhile is skipped under its lock. Returns (artifact ids, purged recording ids).
        """
        purged: list[str] = []
        values = []
        t = s.dataset_exports
        with self._db.begin() as conn:
            found = conn.execute(
                update(t)
                .where(t.c.id == export_id, t.c.status == ExportStatus.WRITING)
                .values(rows=rows, recordings=recordings, updated_at=now())
            ).rowcount
            if not found:
                raise StoreError(f"export {export_id}: no longer registered (swept); not published")
            for rid, arts in lineage:
                self._db.lock_recording(conn, rid)
                if self._db.is_tombstoned(conn, rid):
                    purged.append(rid)  # purged while we exported: removed after the rename
                    continue
                values += [artifact_values(rid, a, new_artifact_id()) for a in arts]
            if values:
                conn.execute(insert(s.artifacts), values)
        return [str(v["id"]) for v in values], purged

    def unregister(self, export_id: str) -> None:
        """Forget an export that was never published: its row and its lineage artifacts."""
        a = s.artifacts.c
        kinds = [str(ArtifactKind.DATASET_EXPORT), str(ArtifactKind.DATASET_ROWS)]
        with self._db.begin() as conn:
            rows = conn.execute(select(a.id, a.body).where(a.kind.in_(kinds))).all()
            ids = [r.id for r in rows if r.body and _names_export(bytes(r.body), export_id)]
            for i in range(0, len(ids), 500):
                conn.execute(delete(s.artifacts).where(a.id.in_(ids[i : i + 500])))
            conn.execute(delete(s.dataset_exports).where(s.dataset_exports.c.id == export_id))

    def update(
        self,
        export_id: str,
        *,
        status: ExportStatus | None = None,
        version: int | None = None,
        rows: int | None = None,
        recordings: int | None = None,
    ) -> None:
        given = {"status": status, "version": version, "rows": rows, "recordings": recordings}
        values: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        if status == ExportStatus.READY:
            values["staging"] = None
        t = s.dataset_exports
        with self._db.begin() as conn:
            conn.execute(update(t).where(t.c.id == export_id).values(updated_at=now(), **values))

    def record_purge(
        self, export_id: str, recording_id: str, *, version: int, rows_removed: int
    ) -> None:
        """Note that the export was rewritten without a purged recording (idempotent: a re-run
        after a kill keeps the first record, whose row count is the true one)."""
        t = s.dataset_export_purges
        with self._db.begin() as conn:
            seen = conn.execute(
                select(t.c.version).where(
                    t.c.purged_recording == recording_id, t.c.export_id == export_id
                )
            ).first()
            if seen is not None:
                return
            conn.execute(
                insert(t).values(
                    purged_recording=recording_id,
                    export_id=export_id,
                    version=version,
                    rows_removed=rows_removed,
                    at=now(),
                )
            )

    def purges_of(self, recording_id: str) -> list[ExportPurge]:
        """The exports a purge of this recording rewrote: id, folder, new version, rows removed."""
        t, e = s.dataset_export_purges, s.dataset_exports
        with self._db.connect() as conn:
            rows = conn.execute(
                select(t.c.export_id, t.c.version, t.c.rows_removed, e.c.out_dir)
                .join(e, e.c.id == t.c.export_id, isouter=True)
                .where(t.c.purged_recording == recording_id)
                .order_by(t.c.export_id)
            ).all()
        return [ExportPurge(r.export_id, r.out_dir, r.version, r.rows_removed) for r in rows]
