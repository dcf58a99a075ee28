"""Purge: everything of a recording goes, nothing else does, with a receipt, on both backends."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from redactor.errors import InputError, NotFoundError, PurgedError
from redactor.purge import FAULT_POINTS, PurgeHook, purge, register_purge_hook, verify_purge
from redactor.purge import unregister_purge_hook as unregister
from redactor.store import ArtifactRef, Store
from redactor.store import schema as s
from tests.synthetic import SECRET, make_recording, marker


class Boom(RuntimeError):
    pass


def _raise_at(point: str):  # type: ignore[no-untyped-def]
    def fault(at: str) -> None:
        if at == point:
            raise Boom(at)

    return fault


def test_purge_removes_every_artifact_and_keeps_the_rest(
    backend_store: Store, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    make_recording(backend_store, "rec-a", export_dir=exports)
    make_recording(backend_store, "rec-b", export_dir=exports)
    kinds_b = sorted(a.kind for a in backend_store.artifacts.of("rec-b"))

    receipt = purge(backend_store, "rec-a", "host-deleted").as_dict()

    assert verify_purge(backend_store, "rec-a") == []
    assert not (exports / "rec-a.jsonl").exists()
    assert not backend_store.recording_dir("rec-a").exists()
    assert sorted(a.kind for a in backend_store.artifacts.of("rec-b")) == kinds_b
    assert backend_store.recordings.raw_transcript("rec-b").segments[0].text.startswith("my name")
    assert (exports / "rec-b.jsonl").exists()
    assert receipt["counts"] == {
        "data_key": 1,
        "dataset_file": 1,
        "raw_transcript": 1,
        "redacted_audio": 1,
        "redacted_transcript": 1,
        "summary": 1,
    }
    assert receipt["recording_id"] == "rec-a"
    assert receipt["reason"] == "host-deleted"
    assert receipt["stored"] is True
    assert len(receipt["removed"]) == 5 and all(len(r["sha256"]) == 64 for r in receipt["removed"])
    text = json.dumps(receipt)
    assert SECRET not in text and marker("rec-a") not in text


def test_purge_second_call_returns_the_same_receipt(backend_store: Store) -> None:
    make_recording(backend_store, "rec-a")
    first = purge(backend_store, "rec-a", "subject-request")
    assert purge(backend_store, "rec-a", "retention") == first
    tomb = backend_store.purges.tombstone("rec-a")
    assert tomb is not None and tomb.receipt == first


def test_purge_refuses_late_writes(backend_store: Store) -> None:
    """A writer that was still running when the purge landed stores nothing, file included."""
    make_recording(backend_store, "rec-a")
    purge(backend_store, "rec-a", "host-deleted")
    late = backend_store.recording_dir("rec-a") / "rec-a.late.wav"
    late.parent.mkdir(parents=True)
    late.write_bytes(b"late")
    with pytest.raises(PurgedError, match="rec-a was purged"):
        make_recording(backend_store, "rec-a")
    assert set(verify_purge(backend_store, "rec-a")) == {
        "file: rec-a/rec-a.late.wav (named for the recording)",
        "folder: rec-a/ still exists under the artifact root",
    }
    late.unlink()
    backend_store.recording_dir("rec-a").rmdir()
    assert verify_purge(backend_store, "rec-a") == []


def test_purge_unknown_id_is_tombstoned_so_it_cannot_arrive_later(backend_store: Store) -> None:
    receipt = purge(backend_store, "rec-in-flight", "host-deleted")
    assert receipt.stored is False and receipt.counts == {}
    with pytest.raises(PurgedError):
        make_recording(backend_store, "rec-in-flight")
    assert verify_purge(backend_store, "rec-in-flight") == []


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda st: purge(st, "rec-a", "because"), InputError),
        (lambda st: verify_purge(st, "never-seen"), NotFoundError),
    ],
    ids=["bad-reason", "verify-unknown"],
)
def test_purge_bad_input(backend_store: Store, call, error) -> None:  # type: ignore[no-untyped-def]
    make_recording(backend_store, "rec-a")
    with pytest.raises(error):
        call(backend_store)


def test_purge_verify_reports_an_unpurged_recording(backend_store: Store) -> None:
    make_recording(backend_store, "rec-a")
    findings = verify_purge(backend_store, "rec-a")
    assert "recording rec-a: not purged (no purge job, no tombstone)" in findings
    assert any(f.startswith("table artifacts:") for f in findings)


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_purge_fault_at_each_step_then_rerun_completes(
    backend_store: Store, tmp_path: Path, point: str
) -> None:
    exports = tmp_path / "exports"
    make_recording(backend_store, "rec-a", export_dir=exports)
    make_recording(backend_store, "rec-b", export_dir=exports)
    with pytest.raises(Boom):
        purge(backend_store, "rec-a", "host-deleted", fault=_raise_at(point))
    if point not in ("plan", "plan:uncommitted"):
        with pytest.raises(PurgedError):  # the tombstone is the first thing written
            make_recording(backend_store, "rec-a")
    receipt = purge(backend_store, "rec-a", "host-deleted")
    assert verify_purge(backend_store, "rec-a") == []
    assert receipt.counts["redacted_audio"] == 1
    assert purge(backend_store, "rec-a", "host-deleted") == receipt
    assert len(backend_store.artifacts.of("rec-b")) == 5


_KILL_SCRIPT = """
import os, sys
from pathlib import Path
from redactor.purge import purge
from redactor.store import Store

url, root, point = sys.argv[1:4]
def fault(at):
    if at == point:
        os._exit(137)
purge(Store(url, artifact_root=Path(root)), "rec-a", "host-deleted", fault=fault)
sys.exit(3)
"""


@pytest.mark.parametrize("point", ["destroy_key", "files:partial", "rows:uncommitted", "finish"])
def test_purge_killed_at_a_step_then_rerun_completes(
    backend_store: Store, tmp_path: Path, point: str
) -> None:
    """A real kill (no exception handlers, no rollback code) in a separate process."""
    make_recording(backend_store, "rec-a", export_dir=tmp_path / "exports")
    make_recording(backend_store, "rec-b")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _KILL_SCRIPT,
            backend_store.url,
            str(backend_store.artifact_root),
            point,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 137, done.stderr[-2000:]
    job = backend_store.purges.job("rec-a")
    assert job is not None and job.status == "running"
    assert verify_purge(backend_store, "rec-a") != []
    purge(backend_store, "rec-a", "host-deleted")
    assert verify_purge(backend_store, "rec-a") == []
    assert len(backend_store.artifacts.of("rec-b")) == 4


def test_purge_hooks_own_their_kinds_and_are_verified(backend_store: Store, tmp_path: Path) -> None:
    """A dataset exporter rewrites its shared shard instead of having the file deleted."""
    shard = tmp_path / "shard.jsonl"
    calls: list[list[ArtifactRef]] = []

    def rewrite(st: Store, rid: str, refs: list[ArtifactRef]) -> None:
        calls.append(list(refs))
        lines = [ln for ln in shard.read_text().splitlines() if rid not in ln]
        shard.write_text("".join(ln + "\n" for ln in lines))

    def check(st: Store, rid: str, refs: list[ArtifactRef]) -> list[str]:
        return ["shard still has rows"] if rid in shard.read_text() else []

    register_purge_hook(PurgeHook("test-shards", frozenset({"dataset_file"}), rewrite, check))
    try:
        make_recording(backend_store, "rec-a", export_dir=tmp_path / "exports")
        shard.write_text('{"id": "rec-a"}\n{"id": "rec-b"}\n')
        purge(backend_store, "rec-a", "retention")
        assert shard.read_text() == '{"id": "rec-b"}\n'
        assert [r.kind for r in calls[0]] == ["dataset_file"]
        # The hook owns dataset_file: its file is not deleted generically.
        assert (tmp_path / "exports" / "rec-a.jsonl").exists()
        assert verify_purge(backend_store, "rec-a") == []
        shard.write_text('{"id": "rec-a"}\n')
        assert verify_purge(backend_store, "rec-a") == ["test-shards: shard still has rows"]
    finally:
        unregister("test-shards")


def test_purge_sqlite_file_keeps_no_trace_of_the_content(store: Store) -> None:
    """Content is encrypted at rest; secure_delete plus a WAL checkpoint: the keys are gone
    from the database files after the purge, so is everything else of the recording."""
    make_recording(store, "rec-a")
    db = Path(store.url.removeprefix("sqlite:///"))
    with store.engine.connect() as conn:
        keys = [
            bytes(k)
            for t in (s.data_keys, s.content_keys)
            for (k,) in conn.execute(select(t.c.key))
        ]
    before = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert b"rec-a" in before and all(k in before for k in keys)  # the scan can see
    assert marker("rec-a").encode() not in before and SECRET.encode() not in before
    purge(store, "rec-a", "host-deleted")
    store.close()
    after = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert marker("rec-a").encode() not in after
    assert not any(k in after for k in keys)
