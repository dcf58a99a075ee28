"""The store on both backends: migrations, lineage, artifact registration, late-writer refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redactor.errors import InputError, NotFoundError, PurgedError, StoreError
from redactor.purge import purge
from redactor.store import DataCategory, NewArtifact, ProcessedRecording, Store
from redactor.store import schema as s
from redactor.types import RecordingMeta, Transcript
from tests.synthetic import make_recording


def test_store_migrations_are_recorded_and_idempotent(backend_store: Store) -> None:
    assert backend_store.schema_version == len(s.MIGRATIONS)
    backend_store.migrate()
    assert backend_store.schema_version == len(s.MIGRATIONS)


def test_store_lineage_is_one_query_with_derivations(backend_store: Store, tmp_path: Path) -> None:
    make_recording(backend_store, "rec-a", export_dir=tmp_path / "out")
    arts = {a.kind: a for a in backend_store.artifacts.of("rec-a")}
    assert set(arts) == {
        "raw_transcript",
        "redacted_transcript",
        "redacted_audio",
        "summary",
        "dataset_file",
    }
    raw, red = arts["raw_transcript"], arts["redacted_transcript"]
    assert raw.data_category == "raw" and raw.derived_from is None
    assert red.derived_from == raw.id and arts["redacted_audio"].derived_from == raw.id
    assert arts["summary"].derived_from == red.id
    assert arts["summary"].data_category == DataCategory.INFERRED
    assert json.loads(arts["summary"].producer) == arts["summary"].producers == ["test-summary/v1"]


@pytest.mark.parametrize(
    ("rid", "kwargs", "error", "match"),
    [
        ("rec-a", {"data_category": "secret"}, StoreError, "not one of"),
        ("nope", {"data_category": DataCategory.INFERRED}, NotFoundError, "not found"),
        ("rec-a", {"path": "../../etc/x"}, StoreError, "outside the artifact"),
    ],
    ids=["bad-category", "unknown-recording", "path-escape"],
)
def test_store_add_artifact_rejects(
    backend_store: Store, rid: str, kwargs: dict[str, str], error: type[Exception], match: str
) -> None:
    make_recording(backend_store, "rec-a")
    args = {"kind": "note", "data_category": DataCategory.REDACTED, "producer": ["t/v1"], **kwargs}
    with pytest.raises(error, match=match):
        if "path" in kwargs:
            backend_store.artifact_file(kwargs["path"])
        backend_store.artifacts.add(rid, NewArtifact(**args))  # type: ignore[arg-type]


def test_store_add_artifact_replace_keeps_one(backend_store: Store) -> None:
    make_recording(backend_store, "rec-a")
    for body in (b"one", b"two"):
        backend_store.artifacts.add(
            "rec-a",
            NewArtifact("summary", DataCategory.INFERRED, ["t/v2"], policy="support", body=body),
            replace=True,
        )
    rows = [a for a in backend_store.artifacts.of("rec-a") if a.kind == "summary"]
    assert len(rows) == 1
    row = backend_store.artifacts.newest("rec-a", "summary")
    assert row is not None and row.body == b"two"


def test_store_late_artifact_after_purge_is_refused_and_its_file_removed(
    backend_store: Store,
) -> None:
    make_recording(backend_store, "rec-a")
    purge(backend_store, "rec-a", "host-deleted")
    late = backend_store.artifact_root / "late.bin"
    late.parent.mkdir(parents=True, exist_ok=True)
    late.write_bytes(b"x")
    with pytest.raises(PurgedError, match="was purged"):
        backend_store.artifacts.add(
            "rec-a", NewArtifact("redacted_audio", DataCategory.REDACTED, ["t/v1"], path="late.bin")
        )
    assert not late.exists()


def test_store_allow_purged_lifts_the_tombstone(backend_store: Store) -> None:
    make_recording(backend_store, "rec-a")
    purge(backend_store, "rec-a", "host-deleted")
    assert backend_store.purges.tombstone_for("rec-a")
    with pytest.raises(PurgedError):
        make_recording(backend_store, "rec-a")
    assert not backend_store.recording_dir("rec-a").exists()  # refused write left no folder
    backend_store.recordings.save(_minimal("rec-a"), allow_purged=True)
    assert (
        backend_store.recordings.exists("rec-a")
        and backend_store.purges.tombstone_for("rec-a") is None
    )
    assert backend_store.purges.job("rec-a") is None
    actions = [e.action for e in backend_store.audit.entries("rec-a")]
    assert actions == ["purge", "reingest-after-purge"]
    second = purge(backend_store, "rec-a", "subject-request")  # a new purge, a new receipt
    assert second.reason == "subject-request"


def _minimal(rid: str) -> ProcessedRecording:
    return ProcessedRecording(
        recording_id=rid,
        meta=RecordingMeta(),
        source_kind="srt",
        source_sha256="0" * 64,
        source_suffix=".srt",
        channels=1,
        raw=Transcript(()),
        redacted=[],
        spans=[],
    )


def test_store_in_memory_is_one_database_for_every_connection(
    memory_store: Store, tmp_path: Path
) -> None:
    """StaticPool: a write on one connection is seen by the next one (and by another thread)."""
    import threading

    make_recording(memory_store, "rec-a")
    seen: list[bool] = []
    worker = threading.Thread(target=lambda: seen.append(memory_store.recordings.exists("rec-a")))
    worker.start()
    worker.join()
    assert seen == [True]
    assert memory_store.schema_version == len(s.MIGRATIONS)
    assert memory_store.artifact_root == tmp_path / "artifacts"
    assert not list(tmp_path.glob("*.db")), "nothing of the database is on disk"
    purge(memory_store, "rec-a", "host-deleted")
    assert not memory_store.recordings.exists("rec-a")


def test_store_in_memory_needs_an_artifact_root() -> None:
    from redactor.store import MEMORY, open_store

    with pytest.raises(InputError, match="artifact_root"):
        open_store(MEMORY)


def test_store_subject_hash_inside_a_writers_transaction_matches(backend_store: Store) -> None:
    """The ingest write hashes participants inside its own transaction (SQLite: one writer);
    the first use there creates the key, and the hash outside matches it."""
    from redactor.store.subjects import subject_hash_in

    email = "subject@example.com"
    with backend_store.begin() as conn:
        inside = subject_hash_in(conn, email)
    assert backend_store.subjects.hash(email) == inside
    assert backend_store.subjects.hash("  Subject@Example.COM ") == inside
    assert email not in inside and len(inside) == 64
    with pytest.raises(InputError, match="identifier"):
        backend_store.subjects.hash("   ")
