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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redactor.dataset.propagate import DATASET_KINDS, purge_exports, verify_exports
from redactor.dataset.registry import exports_of
from redactor.errors import InputError, NotFoundError
from redactor.store import Store
from redactor.store.purges import PurgePlan
from redactor.store.records import (
    ArtifactRef,
    PurgeJob,
    PurgeManifest,
    PurgeReceipt,
    PurgeStatus,
    PurgeStep,
)

__all__ = [
    "REASONS",
    "STEPS",
    "PurgeHook",
    "begin_purge",
    "purge",
    "register_purge_hook",
    "resume_purges",
    "unregister_purge_hook",
    "verify_purge",
]

REASONS = ("host-deleted", "retention", "subject-request")
STEPS = tuple(PurgeStep)

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
    # What the receipt should list for this hook (e.g. the exports rewritten), no content;
    # called with the plan, inside the transaction that writes the tombstone.
    describe: Callable[[PurgePlan], Any] | None = None


# The purge hooks this package ships: everything outside the store that holds a recording's
# data. This is the one place they are listed; a purge (and ``verify-purge``) always runs them,
# whatever the caller imported.
BUILTIN_HOOKS: tuple[PurgeHook, ...] = (
    PurgeHook(
        name="dataset-exports",
        kinds=DATASET_KINDS,
        purge=purge_exports,
        verify=verify_exports,
        describe=exports_of,
    ),
)

# Further hooks of an embedding application (or a test), by name; they run after the built-in
# ones and may replace one by using its name.
_EXTRA_HOOKS: dict[str, PurgeHook] = {}


def register_purge_hook(hook: PurgeHook) -> None:
    """Add (or replace, by name) a purge hook for data this package does not know about."""
    _EXTRA_HOOKS[hook.name] = hook


def unregister_purge_hook(name: str) -> None:
    _EXTRA_HOOKS.pop(name, None)


def purge_hooks() -> list[PurgeHook]:
    """The hooks a purge runs, in order: the built-in ones, then the registered ones."""
    hooks = {h.name: h for h in BUILTIN_HOOKS}
    hooks.update(_EXTRA_HOOKS)
    return list(hooks.values())


def _hook_kinds(hooks: Sequence[PurgeHook]) -> frozenset[str]:
    return frozenset().union(*(h.kinds for h in hooks))


def _check(fault: Fault | None, point: str) -> None:
    if fault is not None:
        fault(point)


def purge(
    store: Store,
    recording_id: str,
    reason: str,
    *,
    actor: str = "redactor",
    audit_detail: Mapping[str, Any] | None = None,
    fault: Fault | None = None,
) -> PurgeReceipt:
    """Purge one recording and everything derived from it; return the receipt.

    ``actor`` is who asked (``host:<token id> (name)``, ``webhook:<host>``, ``cli``...): the
    audit entry of the purge names it, with ``audit_detail`` (e.g. the webhook's event id).

    Idempotent: purging again (also after a crash, which resumes the job) returns the receipt
    of the first purge, whatever ``reason`` the re-run gives. An id with nothing stored
    (yet) is tombstoned all the same: a host may delete a recording while it is still being
    processed, and that run must then refuse to store it (the receipt says ``stored: false``).
    """
    if reason not in REASONS:
        raise InputError(f"--reason: {reason!r} is not one of {', '.join(REASONS)}")
    hooks = purge_hooks()
    job = store.purges.job(recording_id)
    if job is None:
        job = begin_purge(store, recording_id, reason, fault=fault)
    elif job.status == PurgeStatus.DONE:
        return job.receipt
    else:
        store.purges.note_attempt(recording_id)
    for step in STEPS[STEPS.index(job.step) + 1 :]:
        _check(fault, step)
        _RUNNERS[step](_Run(store, job, hooks, fault, actor, dict(audit_detail or {})))
        if step not in _MARK_THEMSELVES:
            store.purges.mark_step(recording_id, step)
    return job.receipt


def begin_purge(
    store: Store,
    recording_id: str,
    reason: str,
    *,
    host: str | None = None,
    fault: Fault | None = None,
) -> PurgeJob:
    """The first step alone: the job, its receipt and the tombstone, in one commit.

    What a request for a purge (webhook, API) commits before it answers: from then on the
    purge is a recorded job that ``resume_purges`` (at server start, ``purge --resume``) or
    a re-run finishes, whatever happens to the process. ``host`` owns an id not stored yet.
    Returns the existing job if there is one.
    """
    if reason not in REASONS:
        raise InputError(f"--reason: {reason!r} is not one of {', '.join(REASONS)}")
    job = store.purges.job(recording_id)
    if job is not None:
        return job
    hooks = purge_hooks()
    _check(fault, "plan")
    return store.purges.begin(
        recording_id,
        lambda plan: _snapshot(plan, reason, hooks),
        reason=reason,
        host=host,
        before_commit=lambda: _check(fault, "plan:uncommitted"),
    )


def resume_purges(store: Store) -> list[PurgeReceipt]:
    """Finish every purge job that started and did not finish; their receipts, oldest first."""
    return [purge(store, job.recording_id, job.reason) for job in store.purges.running()]


def _snapshot(
    plan: PurgePlan, reason: str, hooks: Sequence[PurgeHook]
) -> tuple[PurgeManifest, PurgeReceipt]:
    counts: dict[str, int] = {}
    for r in plan.refs:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    if plan.rows.get("data_keys"):
        counts["data_key"] = plan.rows["data_keys"]
    manifest = PurgeManifest(plan.source_sha256, tuple(plan.refs), plan.rows)
    receipt = PurgeReceipt(
        recording_id=plan.recording_id,
        reason=reason,
        stored=plan.stored,
        purged_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        counts=dict(sorted(counts.items())),
        rows=plan.rows,
        removed=[{"kind": r.kind, "sha256": r.sha256} for r in plan.refs if r.sha256],
        source_sha256=plan.source_sha256,
        files=sum(1 for r in plan.refs if r.path),
        sections={h.name: h.describe(plan) for h in hooks if h.describe is not None},
    )
    return manifest, receipt


@dataclass(frozen=True, slots=True)
class _Run:
    """One run of a purge job's remaining steps."""

    store: Store
    job: PurgeJob
    hooks: Sequence[PurgeHook]
    fault: Fault | None
    actor: str
    audit_detail: dict[str, Any]


def _destroy_key(run: _Run) -> None:
    run.store.purges.destroy_key(run.job.recording_id)


def _hooks(run: _Run) -> None:
    refs = run.job.artifacts
    for hook in run.hooks:
        hook.purge(run.store, run.job.recording_id, [r for r in refs if r.kind in hook.kinds])


def _files(run: _Run) -> None:
    store, job = run.store, run.job
    owned = _hook_kinds(run.hooks)
    for n, ref in enumerate(r for r in job.artifacts if r.path and r.kind not in owned):
        assert ref.path is not None
        store.artifact_file(ref.path).unlink(missing_ok=True)
        if n == 0:
            _check(run.fault, "files:partial")
    folder = store.recording_dir(job.recording_id)
    if folder.exists():
        shutil.rmtree(folder)


def _rows(run: _Run) -> None:
    run.store.purges.delete_rows(
        run.job.recording_id, before_commit=lambda: _check(run.fault, "rows:uncommitted")
    )


def _finish(run: _Run) -> None:
    detail = {**run.audit_detail, "reason": run.job.reason, "counts": dict(run.job.receipt.counts)}
    run.store.purges.finish(run.job, actor=run.actor, detail=detail)


_RUNNERS: dict[PurgeStep, Callable[[_Run], None]] = {
    PurgeStep.DESTROY_KEY: _destroy_key,
    PurgeStep.HOOKS: _hooks,
    PurgeStep.FILES: _files,
    PurgeStep.ROWS: _rows,
    PurgeStep.FINISH: _finish,
}

# Steps whose bookkeeping commits in the same transaction as their work (fewer commits).
_MARK_THEMSELVES = frozenset({PurgeStep.DESTROY_KEY, PurgeStep.ROWS, PurgeStep.FINISH})

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
    hooks = purge_hooks()
    job = store.purges.job(recording_id)
    findings = store.purges.residue(recording_id, job)
    if job is None:
        if store.purges.tombstone_for(recording_id) is None:
            if not findings:
                raise NotFoundError(f"recording {recording_id}: not found and never purged")
            findings.append(f"recording {recording_id}: not purged (no purge job, no tombstone)")
        return findings
    if job.status != PurgeStatus.DONE:
        findings.append(f"purge job: incomplete (last completed step: {job.step})")
    if store.purges.tombstone_for(recording_id) is None:
        findings.append("tombstone: missing")
    owned = _hook_kinds(hooks)
    for ref in job.artifacts:
        if ref.path and ref.kind not in owned and store.artifact_file(ref.path).exists():
            findings.append(f"file: {ref.path} ({ref.kind}) still exists")
    findings += _stray_files(store, recording_id)
    for hook in hooks:
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
        if owner != recording_id and store.recordings.exists(owner):
            continue
        if named and p != store.recording_dir(recording_id):
            found.append(f"file: {p.relative_to(root)} (named for the recording)")
    return found
