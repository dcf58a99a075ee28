"""Purge: remove every artifact of a recording, provably, so that it cannot come back.

A purge is a recorded multi-step job (table ``purge_jobs``); each step is idempotent and the
job remembers the last step that completed, so a purge killed at any point is finished by
running it again. The steps, in order:

``plan``
    Snapshot the lineage (artifact ids, kinds, file paths, content hashes; never content),
    fix the receipt, and write the tombstone, all in one transaction under the recording's
    lock. From here on, processing that is still running refuses to store anything.
``destroy_key``
    Delete the recording's data key: every copy of the raw transcript, backups included, is
    unreadable from this moment (crypto-shredding).
``hooks``
    Call the registered purge hooks (e.g. the dataset exporter rewriting its shards).
``files``
    Delete every artifact file (any artifact row with a path whose kind no hook owns) and the
    recording's folder under ``artifact_root``.
``rows``
    Delete the recording and every row of its data, in one transaction.
``finish``
    Mark the job done and write the audit entry.

The receipt (id, reason, time, counts per artifact kind, hashes of what was removed) is
fixed in ``plan`` and stored with the job and the tombstone: a second purge returns it as is.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from redactor.errors import InputError, NotFoundError
from redactor.store import Store
from redactor.store import schema as s
from redactor.store.lineage import ArtifactRef
from redactor.store.purging import PurgeJob

__all__ = [
    "REASONS",
    "STEPS",
    "PurgeHook",
    "purge",
    "register_purge_hook",
    "unregister_purge_hook",
    "verify_purge",
]

REASONS = ("host-deleted", "retention", "subject-request")
STEPS = ("plan", "destroy_key", "hooks", "files", "rows", "finish")
RECEIPT_VERSION = "redactor-purge-receipt/v1"

# Test seam: called with a point name ("files", "rows:uncommitted", ...) before each step and
# inside the multi-part ones; a test raises (or kills the process) there.
Fault = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PurgeHook:
    """Something outside the store that holds a recording's data and must purge it.

    ``kinds`` are the artifact kinds it owns: their files are left to the hook (a shared
    dataset shard is rewritten, not deleted). ``purge`` must be idempotent; ``verify``
    returns findings (no content) for ``verify-purge``.
    """

    name: str
    kinds: frozenset[str]
    purge: Callable[[Store, str, Sequence[ArtifactRef]], None]
    verify: Callable[[Store, str, Sequence[ArtifactRef]], list[str]] | None = None
    # What the receipt should list for this hook (e.g. the exports rewritten), no content.
    describe: Callable[[Store, Connection, str], Any] | None = None


_HOOKS: dict[str, PurgeHook] = {}
# Modules whose import registers a purge hook: loaded before any purge, so a library caller
# that never imported them still purges (and verifies) what they hold.
_HOOK_MODULES = ("redactor.dataset",)


def _load_hooks() -> None:
    import importlib

    for name in _HOOK_MODULES:
        importlib.import_module(name)


def register_purge_hook(hook: PurgeHook) -> None:
    """Register (or replace, by name) a purge hook; call it when your module is imported."""
    _HOOKS[hook.name] = hook


def unregister_purge_hook(name: str) -> None:
    _HOOKS.pop(name, None)


def _hook_kinds() -> frozenset[str]:
    return frozenset().union(*(h.kinds for h in _HOOKS.values()))


def _check(fault: Fault | None, point: str) -> None:
    if fault is not None:
        fault(point)


def purge(
    store: Store,
    recording_id: str,
    reason: str,
    *,
    actor: str = "redactor",
    fault: Fault | None = None,
) -> dict[str, Any]:
    """Purge one recording and everything derived from it; return the receipt.

    Idempotent: purging again (also after a crash, which resumes the job) returns the receipt
    of the first purge, whatever ``reason`` the re-run gives. An id with nothing stored
    (yet) is tombstoned all the same: a host may delete a recording while it is still being
    processed, and that run must then refuse to store it (the receipt says ``stored: false``).
    """
    if reason not in REASONS:
        raise InputError(f"--reason: {reason!r} is not one of {', '.join(REASONS)}")
    _load_hooks()
    job = store.purge_job(recording_id)
    if job is None:
        _check(fault, "plan")
        job = store.begin_purge(
            recording_id,
            lambda conn: _snapshot(store, conn, recording_id, reason),
            reason=reason,
            before_commit=lambda: _check(fault, "plan:uncommitted"),
        )
    elif job.status == "done":
        return job.receipt
    else:
        store.note_purge_attempt(recording_id)
    for step in STEPS[STEPS.index(job.step) + 1 :]:
        _check(fault, step)
        _RUNNERS[step](store, job, fault)
        if step not in _MARK_THEMSELVES:
            store.mark_purge_step(recording_id, step)
    return job.receipt


def _snapshot(
    store: Store, conn: Connection, recording_id: str, reason: str
) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    rec = conn.execute(
        select(s.recordings.c.host, s.recordings.c.source_sha256).where(
            s.recordings.c.id == recording_id
        )
    ).first()
    host, source = (rec.host, rec.source_sha256) if rec is not None else ("", "")
    refs = store.artifact_refs(conn, recording_id)
    rows = store.row_counts(conn, recording_id)
    counts: dict[str, int] = {}
    for r in refs:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    if rows.get("data_keys"):
        counts["data_key"] = rows["data_keys"]
    manifest = {
        "source_sha256": source,
        "artifacts": [r.as_dict() for r in refs],
        "rows": rows,
    }
    receipt = {
        "receipt": RECEIPT_VERSION,
        "recording_id": recording_id,
        "reason": reason,
        "stored": rec is not None,
        "purged_at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "counts": dict(sorted(counts.items())),
        "rows": rows,
        "removed": [{"kind": r.kind, "sha256": r.sha256} for r in refs if r.sha256],
        "source_sha256": source,
        "files": sum(1 for r in refs if r.path),
    }
    for hook in _HOOKS.values():
        if hook.describe is not None:
            receipt[hook.name] = hook.describe(store, conn, recording_id)
    return manifest, receipt, host, source


def _destroy_key(store: Store, job: PurgeJob, fault: Fault | None) -> None:
    store.destroy_key(job.recording_id, step="destroy_key")


def _hooks(store: Store, job: PurgeJob, fault: Fault | None) -> None:
    refs = job.artifacts
    for hook in list(_HOOKS.values()):
        hook.purge(store, job.recording_id, [r for r in refs if r.kind in hook.kinds])


def _files(store: Store, job: PurgeJob, fault: Fault | None) -> None:
    owned = _hook_kinds()
    for n, ref in enumerate(r for r in job.artifacts if r.path and r.kind not in owned):
        assert ref.path is not None
        store.artifact_file(ref.path).unlink(missing_ok=True)
        if n == 0:
            _check(fault, "files:partial")
    folder = store.recording_dir(job.recording_id)
    if folder.exists():
        shutil.rmtree(folder)


def _rows(store: Store, job: PurgeJob, fault: Fault | None) -> None:
    store.delete_recording_rows(
        job.recording_id, step="rows", before_commit=lambda: _check(fault, "rows:uncommitted")
    )


def _finish(store: Store, job: PurgeJob, fault: Fault | None) -> None:
    with store.begin() as conn:
        store.audit(
            actor="redactor",
            action="purge",
            recording_id=job.recording_id,
            detail={"reason": job.reason, "counts": job.receipt["counts"]},
            conn=conn,
        )
        store.mark_purge_step(job.recording_id, "finish", done=True, conn=conn)


_RUNNERS: dict[str, Callable[[Store, PurgeJob, Fault | None], None]] = {
    "destroy_key": _destroy_key,
    "hooks": _hooks,
    "files": _files,
    "rows": _rows,
    "finish": _finish,
}

# Steps whose bookkeeping commits in the same transaction as their work (fewer commits).
_MARK_THEMSELVES = frozenset({"destroy_key", "rows", "finish"})

FAULT_POINTS = (
    "plan",
    "plan:uncommitted",
    "destroy_key",
    "hooks",
    "files",
    "files:partial",
    "rows",
    "rows:uncommitted",
    "finish",
)


def verify_purge(store: Store, recording_id: str) -> list[str]:
    """Everything of a purged recording still present anywhere; empty means fully purged.

    Looks in every table that holds recording data, for rows made from a removed artifact,
    for recordings from the purged source file, at every file the lineage named, in the
    recording's folder and for any file under ``artifact_root`` named for the recording,
    and asks every purge hook. Findings name tables, paths and counts, never content.
    """
    _load_hooks()
    job = store.purge_job(recording_id)
    findings = store.residue(recording_id, job)
    if job is None:
        if store.tombstone_for(recording_id) is None:
            if not findings:
                raise NotFoundError(f"recording {recording_id}: not found and never purged")
            findings.append(f"recording {recording_id}: not purged (no purge job, no tombstone)")
        return findings
    if job.status != "done":
        findings.append(f"purge job: incomplete (last completed step: {job.step})")
    if store.tombstone_for(recording_id) is None:
        findings.append("tombstone: missing")
    owned = _hook_kinds()
    for ref in job.artifacts:
        if ref.path and ref.kind not in owned and store.artifact_file(ref.path).exists():
            findings.append(f"file: {ref.path} ({ref.kind}) still exists")
    findings += _stray_files(store, recording_id)
    for hook in list(_HOOKS.values()):
        if hook.verify is not None:
            refs = [r for r in job.artifacts if r.kind in hook.kinds]
            findings += [f"{hook.name}: {f}" for f in hook.verify(store, recording_id, refs)]
    return findings


def _stray_files(store: Store, recording_id: str) -> list[str]:
    root = store.artifact_root
    if not root.exists():
        return []
    found = []
    if store.recording_dir(recording_id).exists():
        found.append(f"folder: {recording_id}/ still exists under the artifact root")
    # Convention for files of a recording: named ``<id>`` or ``<id>.<anything>``.
    # Ids may contain dots, so "r1.a" (another recording) also matches "r1.*": anything in or
    # named for the folder of a recording that still exists belongs to that recording.
    for p in root.rglob(f"{recording_id}*"):
        named = p.name == recording_id or p.name.startswith(recording_id + ".")
        owner = p.relative_to(root).parts[0]
        if owner != recording_id and store.has_recording(owner):
            continue
        if named and p != store.recording_dir(recording_id):
            found.append(f"file: {p.relative_to(root)} (named for the recording)")
    return found
