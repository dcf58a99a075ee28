"""The export registry and lineage: how a purge finds every export a recording is in.

An export is one ``dataset_exports`` row (no recording ids, so it outlives purges) plus, for
each included recording, a ``dataset_export`` artifact and one ``dataset_rows`` artifact per
shard holding its rows (bodies list the export, file and row ids). The artifacts carry no
``path`` on purpose: the shard files are shared by many recordings, so the purge must never
delete them; the dataset purge hook rewrites them instead.

Publishing registers first and renames the staging folder second: a crash in between leaves
a registered export whose folder is missing (harmless: nothing to purge there), never a
dataset on disk the store does not know about.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from redactor.store import Store
from redactor.store import schema as s
from redactor.store.lineage import new_artifact_id, sha256_bytes

if TYPE_CHECKING:
    from redactor.dataset.export import ExportReport

__all__ = ["ExportEntry", "RecordingLineage", "exports", "exports_of", "publish"]

PRODUCER = "redactor-dataset/v1"


@dataclass
class RecordingLineage:
    """What one recording contributed to an export: its source artifact, files and row ids."""

    source_artifact: str
    files: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExportEntry:
    id: str
    out_dir: Path
    policy: str
    version: int
    status: str
    rows: int
    recordings: int


def exports(store: Store) -> list[ExportEntry]:
    """Every registered export, oldest first."""
    t = s.dataset_exports
    with store.engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.created_at, t.c.id)).all()
    return [
        ExportEntry(r.id, Path(r.out_dir), r.policy, r.version, r.status, r.rows, r.recordings)
        for r in rows
    ]


def exports_of(store: Store, conn: Connection, recording_id: str) -> list[dict[str, str]]:
    """The exports a recording is in, from its lineage: for a purge receipt (fixed at plan)."""
    q = select(s.artifacts.c.body).where(
        s.artifacts.c.recording_id == recording_id, s.artifacts.c.kind == "dataset_export"
    )
    found = {}
    for (body,) in conn.execute(q):
        data = json.loads(bytes(body))
        found[data["export_id"]] = {"export_id": data["export_id"], "out_dir": data["out_dir"]}
    return [found[k] for k in sorted(found)]


def update_export(store: Store, export_id: str, **values: Any) -> None:
    t = s.dataset_exports
    with store.begin() as conn:
        conn.execute(
            update(t).where(t.c.id == export_id).values(updated_at=datetime.now(UTC), **values)
        )


def _artifact(
    rid: str, kind: str, derived_from: str, producer: list[str], body: dict[str, Any]
) -> dict[str, Any]:
    data = json.dumps(body, sort_keys=True).encode()
    return {
        "id": new_artifact_id(),
        "recording_id": rid,
        "kind": kind,
        "data_category": "redacted",
        "derived_from": derived_from,
        "policy": None,  # (recording, kind, policy) is unique; one recording is in many exports
        "producer": json.dumps(producer),
        "path": None,
        "sha256": sha256_bytes(data),
        "body": data,
        "created_at": datetime.now(UTC),
    }


def _register(
    store: Store,
    out_dir: Path,
    meta: dict[str, Any],
    lineage: dict[str, RecordingLineage],
    rows: int,
) -> tuple[list[str], list[str]]:
    """Registry row and lineage in one transaction; returns (artifact ids, purged ids)."""
    eid = meta["export_id"]
    producer = [PRODUCER, meta["policy"], *meta["operators"]]
    ts = datetime.now(UTC)
    ids: list[str] = []
    purged: list[str] = []
    with store.begin() as conn:
        conn.execute(
            insert(s.dataset_exports).values(
                id=eid,
                out_dir=str(out_dir),
                policy=meta["policy"],
                version=1,
                status="writing",
                rows=rows,
                recordings=len(lineage),
                created_at=ts,
                updated_at=ts,
            )
        )
        arts = []
        for rid, lin in sorted(lineage.items()):
            store.lock_recording(conn, rid)
            if store.is_tombstoned(conn, rid):
                purged.append(rid)  # purged while we exported: removed after the rename
                continue
            n = sum(len(v) for v in lin.files.values())
            arts.append(
                _artifact(
                    rid,
                    "dataset_export",
                    lin.source_artifact,
                    producer,
                    {
                        "export_id": eid,
                        "out_dir": str(out_dir),
                        "rows": n,
                        "policy": meta["policy"],
                    },
                )
            )
            for path, row_ids in sorted(lin.files.items()):
                arts.append(
                    _artifact(
                        rid,
                        "dataset_rows",
                        lin.source_artifact,
                        producer,
                        {"export_id": eid, "file": path, "row_ids": row_ids},
                    )
                )
        if arts:
            conn.execute(insert(s.artifacts), arts)
        ids = [a["id"] for a in arts]
    return ids, purged


def _unregister(store: Store, export_id: str, artifact_ids: Iterable[str]) -> None:
    ids = list(artifact_ids)
    with store.begin() as conn:
        for i in range(0, len(ids), 500):
            conn.execute(delete(s.artifacts).where(s.artifacts.c.id.in_(ids[i : i + 500])))
        conn.execute(delete(s.dataset_exports).where(s.dataset_exports.c.id == export_id))


def publish(
    store: Store,
    staging: Path,
    out_dir: Path,
    meta: dict[str, Any],
    lineage: dict[str, RecordingLineage],
    report: ExportReport,
) -> None:
    """Register the export, move it into place, then apply purges that raced with it."""
    from redactor.dataset.propagate import remove_recording

    ids, purged = _register(store, out_dir, meta, lineage, report.rows_written)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging, out_dir)  # an empty out_dir is replaced, a full one refused
    except BaseException:
        _unregister(store, meta["export_id"], ids)
        raise
    update_export(store, meta["export_id"], status="ready")
    ids_in = sorted(lineage)
    late: list[str] = []
    with store.engine.connect() as conn:
        for i in range(0, len(ids_in), 500):
            q = select(s.tombstones.c.recording_id).where(
                s.tombstones.c.recording_id.in_(ids_in[i : i + 500])
            )
            late += [str(rid) for (rid,) in conn.execute(q)]
    for rid in sorted(set(purged) | set(late)):
        remove_recording(store, meta["export_id"], out_dir, rid)
