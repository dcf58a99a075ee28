"""Purge propagation: a purged recording's rows leave every export it is in.

Registered as a purge hook (``redactor.purge``) owning the ``dataset_export`` and
``dataset_rows`` artifact kinds. For each registered export whose manifest lists the
recording, the shards holding its rows are rewritten without them (each file renamed into
place), the row manifest, manifest and card are rewritten, and the dataset version goes up by
one; the export and its new version are recorded in ``dataset_export_purges``.

Idempotent and crash-safe: the manifest is written last, so a purge re-run after a crash
finds the recording still listed and filters again (a no-op for shards already rewritten).
Rewrites of one export are serialised with an exclusive ``flock`` on its folder.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from redactor.dataset import registry
from redactor.dataset.files import (
    CONVERSATION_SCHEMA,
    MANIFEST,
    ROW_MANIFEST,
    filter_jsonl,
    filter_parquet,
    read_manifest,
    read_row_manifest,
    schema_of,
    sha256_file,
    write_manifest,
    write_row_manifest,
)
from redactor.dataset.manifest import ExportManifest, ManifestFile
from redactor.dataset.rows import conversation_id
from redactor.store import Store
from redactor.store.records import ArtifactKind, ArtifactRef, ExportStatus

__all__ = ["DATASET_KINDS", "export_purges", "purge_exports", "remove_recording", "verify_exports"]

# The artifact kinds the dataset purge hook owns: their "files" are shared shards it rewrites.
DATASET_KINDS = frozenset({ArtifactKind.DATASET_EXPORT, ArtifactKind.DATASET_ROWS})


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def remove_recording(store: Store, export_id: str, folder: Path, recording_id: str) -> int | None:
    """Rewrite one export without a recording's rows; the new version, or None if absent."""
    if not (folder / MANIFEST).is_file():
        return None
    with _locked(folder):
        manifest = read_manifest(folder)
        entry = manifest.recordings.get(recording_id)
        if entry is None:
            return None
        cid = entry.conversation_id
        version = manifest.dataset_version + 1
        removed = 0
        for rel in entry.files:
            path = folder / rel
            if not path.is_file():
                continue
            if rel.endswith(".parquet") and schema_of(rel) is CONVERSATION_SCHEMA:
                filter_parquet(path, cid, CONVERSATION_SCHEMA)  # not counted: not utterances
            elif rel.endswith(".parquet"):
                removed += filter_parquet(path, cid)
            else:
                filter_jsonl(path, lambda r: r.get("conversation_id") == cid)
        _rewrite_row_manifest(folder, recording_id, version)
        touched = set(entry.files)
        files = tuple(_restat(folder, f) if f.path in touched else f for f in manifest.files)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        manifest = manifest.without_recording(recording_id, files, at=stamp, rows_removed=removed)
        # The registry before the manifest: killed in between, the manifest still lists the
        # recording, so the re-run filters again (a no-op) and writes the same version.
        _record(store, export_id, recording_id, version, removed, manifest)
        _write_manifest(folder, manifest)
    return version


def _rewrite_row_manifest(folder: Path, recording_id: str, version: int) -> None:
    if not (folder / ROW_MANIFEST).is_file():
        return
    kept = [
        e.model_copy(update={"dataset_version": version})
        for e in read_row_manifest(folder)
        if e.recording_id != recording_id
    ]
    write_row_manifest(folder, kept)


def _restat(folder: Path, f: ManifestFile) -> ManifestFile:
    """A rewritten file's entry: its new hash and row count (unchanged if it is missing)."""
    path = folder / f.path
    if not path.is_file():
        return f
    rows = (
        pq.ParquetFile(path).metadata.num_rows
        if f.format == "parquet"
        else sum(1 for ln in path.read_text(encoding="utf-8").splitlines() if ln)
    )
    return f.model_copy(update={"sha256": sha256_file(path), "rows": rows})


def _write_manifest(folder: Path, manifest: ExportManifest) -> None:
    from redactor.dataset.export import write_card

    write_card(folder, manifest)
    write_manifest(folder, manifest)


def _record(
    store: Store,
    export_id: str,
    recording_id: str,
    version: int,
    removed: int,
    manifest: ExportManifest,
) -> None:
    store.datasets.record_purge(export_id, recording_id, version=version, rows_removed=removed)
    store.datasets.update(
        export_id, version=version, rows=manifest.rows, recordings=len(manifest.recordings)
    )


def purge_exports(store: Store, recording_id: str, refs: Sequence[ArtifactRef] = ()) -> None:
    """The purge hook: remove the recording from every registered export it is in.

    First sweeps what killed exports left (their staging copies hold rows of everyone), and
    after each rewrite makes the registry agree with the manifest, whatever cut them apart.
    """
    registry.sweep_staging(store)
    for exp in registry.exports(store):
        if exp.status != ExportStatus.READY:
            continue
        remove_recording(store, exp.id, exp.out_dir, recording_id)
        if (exp.out_dir / MANIFEST).is_file():
            m = read_manifest(exp.out_dir)
            if registry.disagreement(exp, m):
                store.datasets.update(
                    exp.id, version=m.dataset_version, rows=m.rows, recordings=len(m.recordings)
                )


def export_purges(store: Store, recording_id: str) -> list[dict[str, Any]]:
    """The exports a purge of this recording rewrote: id, folder, new version, rows removed."""
    return [p.as_dict() for p in store.datasets.purges_of(recording_id)]


def verify_exports(store: Store, recording_id: str, refs: Sequence[ArtifactRef] = ()) -> list[str]:
    """Findings (no content) for every export that still holds anything of the recording, for
    a registry row that disagrees with its manifest, and for the staging copy of a killed
    export (swept as it is reported)."""
    findings = [f"export staging: {f}" for f in registry.sweep_staging(store)]
    for exp in registry.exports(store):
        folder = exp.out_dir
        if not (folder / MANIFEST).is_file():
            continue
        cid = conversation_id(exp.id, recording_id)
        manifest = read_manifest(folder)
        if why := registry.disagreement(exp, manifest):
            findings.append(f"export {exp.id}: registry and manifest disagree ({why})")
        if recording_id in manifest.recordings:
            findings.append(f"export {exp.id}: manifest still lists the recording")
        for f in manifest.files:
            path = folder / f.path
            if not path.is_file():
                continue
            if f.format == "parquet":
                col = pq.read_table(path, columns=["conversation_id"]).column("conversation_id")
                n = col.to_pylist().count(cid)
            else:
                n = sum(
                    json.loads(ln).get("conversation_id") == cid
                    for ln in path.read_text(encoding="utf-8").splitlines()
                    if ln
                )
            if n:
                findings.append(f"export {exp.id}: {f.path} has {n} row(s) of the recording")
        n = sum(e.recording_id == recording_id for e in read_row_manifest(folder))
        if n:
            findings.append(f"export {exp.id}: {ROW_MANIFEST} maps {n} row(s) to it")
    return findings
