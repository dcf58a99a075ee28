"""The export registry and lineage: how a purge finds every export a recording is in.

An export is one ``dataset_exports`` row (no recording ids, so it outlives purges) plus, for
each included recording, a ``dataset_export`` artifact and one ``dataset_rows`` artifact per
shard holding its rows (bodies list the export, file and row ids). The artifacts carry no
``path`` on purpose: the shard files are shared by many recordings, so the purge must never
delete them; the dataset purge hook rewrites them instead.

An export is staged first: the registry row (status ``writing``, naming the staging folder)
is committed before a file is written, and the exporter holds an ``flock`` on the staging
folder until it is published. The lineage is registered, the folder renamed into place, and
the row marked ``ready``. A killed export is therefore always known: ``sweep_staging`` (run
by the next export, by every purge and by ``verify-purge``) removes the copy of a dead one,
or finishes publishing one that was killed after its rename. There is never a dataset on
disk, staged or published, that the store does not know about.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from redactor.dataset.files import MANIFEST, read_manifest
from redactor.dataset.manifest import ExportManifest, ExportMeta
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

__all__ = [
    "ExportEntry",
    "RecordingLineage",
    "disagreement",
    "exports",
    "exports_of",
    "publish",
    "staged",
    "sweep_staging",
]

PRODUCER = "redactor-dataset/v1"

ExportEntry = DatasetExport  # the registry row, as the dataset package has always named it
# A lineage artifact's body: ids, a folder, a file and counts (never row content).
LineageBody = Mapping[str, str | int | list[str]]


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
    kind: ArtifactKind, derived_from: str, producer: list[str], body: LineageBody
) -> NewArtifact:
    # policy None: (recording, kind, policy) is unique, and one recording is in many exports
    data = json.dumps(body, sort_keys=True).encode()
    return NewArtifact(kind, DataCategory.REDACTED, producer, body=data, derived_from=derived_from)


def _register(
    store: Store,
    out_dir: Path,
    meta: ExportMeta,
    lineage: dict[str, RecordingLineage],
    rows: int,
) -> tuple[list[str], list[str]]:
    """Registry row and lineage in one transaction; returns (artifact ids, purged ids)."""
    eid = meta.export_id
    producer = [PRODUCER, meta.policy, *meta.operators]
    per_recording = []
    for rid, lin in sorted(lineage.items()):
        n = sum(len(v) for v in lin.files.values())
        summary: LineageBody = {
            "export_id": eid,
            "out_dir": str(out_dir),
            "rows": n,
            "policy": meta.policy,
        }
        arts = [_artifact(ArtifactKind.DATASET_EXPORT, lin.source_artifact, producer, summary)]
        for path, row_ids in sorted(lin.files.items()):
            body: LineageBody = {"export_id": eid, "file": path, "row_ids": row_ids}
            arts.append(_artifact(ArtifactKind.DATASET_ROWS, lin.source_artifact, producer, body))
        per_recording.append((rid, arts))
    return store.datasets.register(
        export_id=eid, rows=rows, recordings=len(lineage), lineage=per_recording
    )


def _try_lock(folder: Path) -> int | None:
    """An exclusive ``flock`` on a folder, or None if a live process holds it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _unlock(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


@contextmanager
def staged(store: Store, export_id: str, out_dir: Path, policy: str) -> Iterator[Path]:
    """A locked staging folder beside ``out_dir``, known to the registry before anything is
    written into it. On an error the folder and the registration go; on a kill the next
    ``sweep_staging`` finds them (the lock died with the process)."""
    staging = out_dir.parent / f".{out_dir.name}.partial-{export_id}"
    # Registered before the folder exists: a kill in between leaves a row the sweep removes.
    # (A sweep in that instant removes the row of a live export: ``register`` then fails.)
    store.datasets.reserve(export_id, out_dir=out_dir, policy=policy, staging=staging)
    staging.mkdir(parents=True)
    fd = _try_lock(staging)
    assert fd is not None, "a new folder cannot be locked by anyone else"
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if not _published(store.datasets.export(export_id), out_dir):
            store.datasets.unregister(export_id)
        raise
    finally:
        _unlock(fd)


def sweep_staging(store: Store) -> list[str]:
    """Clean up after killed exports; one line (no content) for each one found.

    An export still ``writing`` whose staging folder no live process holds was killed: if its
    folder was already renamed into place, publishing is finished (status ``ready``, late
    purges applied); otherwise the staging copy and the registration are removed.
    """
    found = []
    for exp in store.datasets.exports():
        if exp.status != ExportStatus.WRITING:
            continue
        folder = exp.staging if exp.staging is not None and exp.staging.exists() else exp.out_dir
        fd = _try_lock(folder) if folder.exists() else None
        if folder.exists() and fd is None:
            continue  # a live export is writing it
        try:
            if _published(exp, exp.out_dir):
                store.datasets.update(exp.id, status=ExportStatus.READY)
                found.append(f"export {exp.id}: finished publishing (killed after its rename)")
            else:
                if exp.staging is not None and exp.staging.exists():
                    shutil.rmtree(exp.staging)
                store.datasets.unregister(exp.id)
                found.append(f"export {exp.id}: removed the staging copy of a killed export")
        finally:
            if fd is not None:
                _unlock(fd)
        if _published(exp, exp.out_dir):
            _apply_late_purges(store, exp.id, exp.out_dir)
    return found


def _published(exp: DatasetExport | None, out_dir: Path) -> bool:
    """Whether ``out_dir`` holds this export (its staging folder was renamed into place)."""
    if exp is None or not (out_dir / MANIFEST).is_file():
        return False
    return read_manifest(out_dir).export_id == exp.id


def _apply_late_purges(store: Store, export_id: str, out_dir: Path) -> None:
    """Remove recordings purged while the export was being written."""
    from redactor.dataset.propagate import remove_recording

    listed = sorted(read_manifest(out_dir).recordings)
    for rid in store.purges.tombstoned_among(listed):
        remove_recording(store, export_id, out_dir, rid)


def disagreement(exp: DatasetExport, manifest: ExportManifest) -> str | None:
    """How the registry row and the export's manifest differ (None if they agree)."""
    ours = (exp.version, exp.rows, exp.recordings)
    theirs = (manifest.dataset_version, manifest.rows, len(manifest.recordings))
    if exp.status != ExportStatus.READY or ours == theirs:
        return None
    return (
        f"registry: version {ours[0]}, {ours[1]} rows, {ours[2]} recordings; "
        f"manifest: version {theirs[0]}, {theirs[1]} rows, {theirs[2]} recordings"
    )


def publish(
    store: Store,
    staging: Path,
    out_dir: Path,
    meta: ExportMeta,
    lineage: dict[str, RecordingLineage],
    report: ExportReport,
) -> None:
    """Register the lineage, move the staged export into place and mark it ready (the caller
    holds the staging lock); then apply purges that raced with it."""
    _register(store, out_dir, meta, lineage, report.rows_written)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, out_dir)  # an empty out_dir is replaced, a full one refused
    store.datasets.update(meta.export_id, status=ExportStatus.READY)


def finish_publish(store: Store, export_id: str, out_dir: Path) -> None:
    """After the staging lock is released: remove recordings purged during the export."""
    _apply_late_purges(store, export_id, out_dir)
