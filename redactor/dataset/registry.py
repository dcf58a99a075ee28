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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redactor.store import Store
from redactor.store.purges import PurgePlan
from redactor.store.records import (
    ArtifactKind,
    DataCategory,
    DatasetExport,
    ExportStatus,
    NewArtifact,
)

if TYPE_CHECKING:
    from redactor.dataset.export import ExportReport

__all__ = ["ExportEntry", "RecordingLineage", "exports", "exports_of", "publish"]

PRODUCER = "redactor-dataset/v1"

ExportEntry = DatasetExport  # the registry row, as the dataset package has always named it


@dataclass
class RecordingLineage:
    """What one recording contributed to an export: its source artifact, files and row ids."""

    source_artifact: str
    files: dict[str, list[str]] = field(default_factory=dict)


def exports(store: Store) -> list[DatasetExport]:
    """Every registered export, oldest first."""
    return store.datasets.exports()


def exports_of(plan: PurgePlan) -> list[dict[str, str]]:
    """The exports a recording is in, from its lineage: for a purge receipt (fixed at plan)."""
    found = {}
    for body in plan.bodies(ArtifactKind.DATASET_EXPORT):
        data = json.loads(body)
        found[data["export_id"]] = {"export_id": data["export_id"], "out_dir": data["out_dir"]}
    return [found[k] for k in sorted(found)]


def _artifact(
    kind: ArtifactKind, derived_from: str, producer: list[str], body: dict[str, Any]
) -> NewArtifact:
    # policy None: (recording, kind, policy) is unique, and one recording is in many exports
    data = json.dumps(body, sort_keys=True).encode()
    return NewArtifact(kind, DataCategory.REDACTED, producer, body=data, derived_from=derived_from)


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
    per_recording = []
    for rid, lin in sorted(lineage.items()):
        n = sum(len(v) for v in lin.files.values())
        summary = {"export_id": eid, "out_dir": str(out_dir), "rows": n, "policy": meta["policy"]}
        arts = [_artifact(ArtifactKind.DATASET_EXPORT, lin.source_artifact, producer, summary)]
        for path, row_ids in sorted(lin.files.items()):
            body = {"export_id": eid, "file": path, "row_ids": row_ids}
            arts.append(_artifact(ArtifactKind.DATASET_ROWS, lin.source_artifact, producer, body))
        per_recording.append((rid, arts))
    return store.datasets.register(
        export_id=eid,
        out_dir=out_dir,
        policy=meta["policy"],
        rows=rows,
        recordings=len(lineage),
        lineage=per_recording,
    )


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
        store.datasets.unregister(meta["export_id"], ids)
        raise
    store.datasets.update(meta["export_id"], status=ExportStatus.READY)
    late = store.purges.tombstoned_among(sorted(lineage))
    for rid in sorted(set(purged) | set(late)):
        remove_recording(store, meta["export_id"], out_dir, rid)
