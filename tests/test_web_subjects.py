"""Data-subject requests: exports (JSON, CSV with neutralised cells) and delete by participant."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import insert

from redactor.purge import verify_purge
from redactor.store import schema as s
from redactor.web.subjects import neutralize
from tests.synthetic import SECRET
from tests.web_support import Web, make_web

EMAIL = "subject@example.com"


@pytest.fixture
def web(tmp_path: Path) -> Web:
    w = make_web(tmp_path)
    digest = w.store.subjects.hash(EMAIL)
    with w.store.begin() as conn:
        for rid in ("rec-a1", "rec-g1"):  # the same person on two hosts' calls
            conn.execute(
                insert(s.participants).values(
                    recording_id=rid, role="customer", channel=None, opted_out=False,
                    subject_hash=digest,
                )
            )  # fmt: skip
    return w


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_subjects_neutralize(cell: str, expected: str) -> None:
    assert neutralize(cell) == expected


def test_subjects_hash_is_keyed_and_normalised(web: Web) -> None:
    digest = web.store.subjects.hash(EMAIL)
    assert web.store.subjects.hash("  Subject@Example.com ") == digest
    assert EMAIL not in digest
    import hashlib

    assert digest != hashlib.sha256(EMAIL.encode()).hexdigest()


def test_subjects_recording_export_json_and_csv(web: Web) -> None:
    h = web.auth("acme")
    data = web.client.get("/api/recordings/rec-a1/export", headers=h).json()
    assert data["recording"]["id"] == "rec-a1"
    assert data["raw_transcript"]["included"] is False
    assert data["summaries"][0]["label"] == "inferred"
    assert "support" in data["redacted_transcripts"]
    r = web.client.get("/api/recordings/rec-a1/export?format=csv", headers=h)
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["section", "recording_id", "item", "field", "value"]
    assert {row[0] for row in rows[1:]} >= {"recording", "artifact", "summary", "detection"}
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), row
    for text in (r.text, str(data)):
        assert SECRET not in text


def test_subjects_csv_neutralises_a_hostile_transcript(web: Web) -> None:
    """A transcript whose text is a formula comes out inert in the CSV."""
    from sqlalchemy import select, update

    from redactor.crypto import seal, unseal

    with web.store.begin() as conn:
        row = conn.execute(
            select(s.artifacts.c.id, s.artifacts.c.body).where(
                s.artifacts.c.recording_id == "rec-a1", s.artifacts.c.kind == "redacted_transcript"
            )
        ).one()
        key = conn.execute(
            select(s.content_keys.c.key).where(s.content_keys.c.recording_id == "rec-a1")
        ).scalar_one()
        plain = unseal(key, bytes(row.body), "rec-a1")  # bodies are encrypted at rest
        plain = plain.replace(b'"text": "my name', b'"text": "=cmd|calc!A1 my name')
        body = seal(key, plain, "rec-a1")
        conn.execute(update(s.artifacts).where(s.artifacts.c.id == row.id).values(body=body))
    r = web.client.get("/api/recordings/rec-a1/export?format=csv", headers=web.auth("admin"))
    texts = [row[4] for row in csv.reader(io.StringIO(r.text)) if row[3] == "text"]
    assert any(t.startswith("'=cmd") for t in texts)


def test_subjects_export_finds_the_participant_within_the_host(web: Web) -> None:
    body = {"identifier": EMAIL}
    r = web.client.post("/api/subjects/export", json=body, headers=web.auth("acme"))
    assert [x["recording"]["id"] for x in r.json()["recordings"]] == ["rec-a1"]
    r = web.client.post("/api/subjects/export", json=body, headers=web.auth("admin"))
    assert [x["recording"]["id"] for x in r.json()["recordings"]] == ["rec-a1", "rec-g1"]
    r = web.client.post(
        "/api/subjects/export", json={**body, "format": "csv"}, headers=web.auth("acme")
    )
    assert r.status_code == 200
    assert EMAIL not in r.text
    r = web.client.post(
        "/api/subjects/export", json={"identifier": "nobody@x.org"}, headers=web.auth("acme")
    )
    assert r.status_code == 404


def test_subjects_delete_purges_only_that_hosts_recordings(web: Web) -> None:
    r = web.client.post(
        "/api/subjects/delete", json={"identifier": EMAIL}, headers=web.auth("acme")
    )
    assert r.status_code == 200
    assert r.json()["purged"] == 1
    assert r.json()["receipts"][0]["reason"] == "subject-request"
    assert verify_purge(web.store, "rec-a1") == []
    assert web.store.recordings.exists("rec-a2")
    assert web.store.recordings.exists("rec-g1")
    assert EMAIL not in str(web.store.audit.entries())
