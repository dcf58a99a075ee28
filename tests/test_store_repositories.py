"""The repositories that took over the SQL of auth, web, dataset and reveal, on the in-memory
store: what each promises at its seam (idempotency, refusals, typed records)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from redactor.errors import NotFoundError, PurgedError
from redactor.purge import purge
from redactor.store import DataCategory, NewArtifact, RecordingStatus, Store
from redactor.store.records import ExportStatus, PurgeReceipt, Role, WebhookStatus
from tests.synthetic import make_recording


def test_access_tokens_and_sessions(memory_store: Store) -> None:
    access = memory_store.access
    access.add_token(
        token_id="t1",
        token_hash="h" * 64,
        role=Role.HOST,
        host="acme",
        name="n",
        actor="cli",
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    found = access.token_by_hash("h" * 64)
    assert found is not None and found[0].role == Role.HOST and found[0].host == "acme"
    assert access.token_by_hash("x" * 64) is None
    access.add_session("s" * 64, "t1", timedelta(hours=1))
    session = access.session("s" * 64)
    assert session is not None and session.token.id == "t1" and session.expires_at.tzinfo
    assert access.revoke_token("t1", actor="cli") is True
    assert access.session("s" * 64) is None, "revoking a token ends its sessions"
    assert access.revoke_token("t1", actor="cli") is False
    assert [t.id for t in access.tokens()] == ["t1"] and access.tokens()[0].revoked_at
    actions = [e.action for e in memory_store.audit.entries()]
    assert actions == ["token_create", "token_revoke"]


def test_webhooks_rotation_keeps_two_and_events_are_idempotent(memory_store: Store) -> None:
    hooks = memory_store.webhooks
    assert hooks.rotate_secret("acme", "b" * 40, actor="cli") is False
    hooks.set_secret("acme", "a" * 40, actor="cli")
    assert hooks.rotate_secret("acme", "b" * 40, actor="cli") is True
    assert hooks.rotate_secret("acme", "c" * 40, actor="cli") is True
    assert hooks.secrets("acme") == ["c" * 40, "b" * 40]
    args = {"host": "acme", "event_id": "e1", "recording_id": "r1"}
    assert hooks.add_event(**args, status=WebhookStatus.ACCEPTED, receipt=None) is True
    assert hooks.add_event(**args, status=WebhookStatus.ACCEPTED, receipt=None) is False
    receipt = PurgeReceipt(
        recording_id="r1", reason="host-deleted", stored=True,
        purged_at="2026-12-02T00:00:00.000000+00:00", counts={"segments": 3}, rows={},
        removed=[], source_sha256="0" * 64, files=1, sections={"dataset-exports": []},
    )  # fmt: skip
    hooks.finish_event("acme", "e1", WebhookStatus.DONE, receipt)
    event = hooks.event("acme", "e1")
    assert event is not None and event.status == WebhookStatus.DONE
    assert event.receipt == receipt and event.finished_at is not None
    assert hooks.event("globex", "e1") is None, "another host's event is invisible"


def test_subjects_consent_and_opt_out_refuse_a_purged_recording(memory_store: Store) -> None:
    make_recording(memory_store, "rec-a")
    subjects = memory_store.subjects
    subjects.set_training_consent("rec-a", True, actor="cli")
    assert (
        subjects.set_opt_out(
            "rec-a", role="customer", channel=None, opted_out=True, actor="cli", label="customer"
        )
        == 1
    )
    (row,) = subjects.consent_rows()
    assert row.consent_training and row.opted_out and row.status == RecordingStatus.DONE
    with pytest.raises(NotFoundError):
        subjects.set_training_consent("nope", True, actor="cli")
    purge(memory_store, "rec-a", "host-deleted")
    assert subjects.consent_rows() == []
    with pytest.raises(PurgedError):
        subjects.set_training_consent("rec-a", False, actor="cli")


def test_recordings_anonymize_is_idempotent_and_keeps_the_redaction(memory_store: Store) -> None:
    make_recording(memory_store, "rec-a")
    assert memory_store.recordings.data_key("rec-a") is not None
    first = memory_store.recordings.anonymize("rec-a")
    assert first == {"raw_transcript": 1, "data_key": 1}
    assert memory_store.recordings.anonymize("rec-a") == {}
    assert memory_store.recordings.data_key("rec-a") is None
    assert memory_store.recordings.raw_artifact_id("rec-a") is None
    assert memory_store.recordings.get("rec-a").status == RecordingStatus.ANONYMIZED
    assert memory_store.artifacts.redacted_transcript("rec-a").segments


def test_datasets_register_skips_a_purged_recording_and_update_touches_given_fields(
    memory_store: Store,
) -> None:
    make_recording(memory_store, "rec-a")
    make_recording(memory_store, "rec-b")
    purge(memory_store, "rec-b", "host-deleted")
    art = NewArtifact("dataset_export", DataCategory.REDACTED, ["t/v1"], body=b"{}")
    memory_store.datasets.reserve(
        "ex1", out_dir=Path("/nowhere/ds"), policy="training", staging=Path("/nowhere/.ds.stage")
    )
    ids, purged = memory_store.datasets.register(
        export_id="ex1",
        rows=3,
        recordings=2,
        lineage=[("rec-a", [art]), ("rec-b", [art])],
    )
    assert len(ids) == 1 and purged == ["rec-b"]
    memory_store.datasets.update("ex1", status=ExportStatus.READY)
    (export,) = memory_store.datasets.exports()
    assert export.status == ExportStatus.READY and export.rows == 3 and export.version == 1
    memory_store.datasets.record_purge("ex1", "rec-a", version=2, rows_removed=3)
    memory_store.datasets.record_purge("ex1", "rec-a", version=2, rows_removed=3)
    assert [p.as_dict() for p in memory_store.datasets.purges_of("rec-a")] == [
        {"export_id": "ex1", "out_dir": "/nowhere/ds", "dataset_version": 2, "rows_removed": 3}
    ]
