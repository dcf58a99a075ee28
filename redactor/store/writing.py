"""Writing one processed recording: rows for the recording, its key, raw and redacted data.

Called by ``Recordings.save`` inside its transaction, after the lock and tombstone check.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, delete, insert

from redactor.crypto import encrypt, new_key, seal
from redactor.serialize import redacted_to_dict, transcript_to_dict
from redactor.store import schema as s
from redactor.store.access_migration import redacted_speakers
from redactor.store.artifacts import artifact_values
from redactor.store.db import new_artifact_id
from redactor.store.records import (
    ArtifactKind,
    DataCategory,
    NewArtifact,
    ProcessedRecording,
    RecordingStatus,
)
from redactor.store.subjects import subject_hash_in

__all__ = ["aad", "insert_processed", "stored_speakers"]


def stored_speakers(rec: ProcessedRecording) -> list[str]:
    """The speaker labels as the transcript shows them: the support redaction's (else the
    first stored one's). A raw label (a name in a voice tag) lives only in the encrypted raw
    transcript; with no redaction at all, only generic labels are kept."""
    red = next((r for r in rec.redacted if r.policy == "support"), None)
    red = red or (rec.redacted[0] if rec.redacted else None)
    if red is None:
        return redacted_speakers([seg.speaker for seg in rec.raw.segments])
    return sorted({seg.speaker for seg in red.segments})


def insert_processed(
    conn: Connection,
    ts: datetime,
    rec: ProcessedRecording,
    *,
    replace_existing: bool,
    data_key: bytes,
) -> None:
    rid, raw, meta = rec.recording_id, rec.raw, rec.meta
    if replace_existing:
        conn.execute(delete(s.recordings).where(s.recordings.c.id == rid))
    conn.execute(
        insert(s.recordings).values(
            id=rid,
            host=meta.host,
            source_kind=rec.source_kind,
            source_sha256=rec.source_sha256,
            source_suffix=rec.source_suffix,
            channels=rec.channels,
            duration_s=raw.duration_s,
            consent_training=meta.consent_training,
            speakers=json.dumps(stored_speakers(rec)),
            language=raw.language,
            status=RecordingStatus.DONE if rec.complete else RecordingStatus.STORED,
            fingerprint=rec.fingerprint,
            created_at=ts,
            updated_at=ts,
        )
    )
    for p in meta.participants:
        # Keyed hash of how the host knows the participant, for data-subject requests.
        ident = p.identifier or p.name
        conn.execute(
            insert(s.participants).values(
                recording_id=rid,
                role=p.role,
                channel=p.channel,
                opted_out=p.opted_out,
                subject_hash=subject_hash_in(conn, ident) if ident.strip() else None,
            )
        )
    conn.execute(insert(s.data_keys).values(recording_id=rid, key=data_key, created_at=ts))
    content_key = new_key()
    conn.execute(insert(s.content_keys).values(recording_id=rid, key=content_key, created_at=ts))
    raw_id = new_artifact_id()
    nonce, ct = encrypt(
        data_key,
        json.dumps(transcript_to_dict(raw)).encode(),
        aad(rid, ArtifactKind.RAW_TRANSCRIPT),
    )
    conn.execute(
        insert(s.raw_transcripts).values(
            recording_id=rid, artifact_id=raw_id, nonce=nonce, ciphertext=ct, producer=raw.producer
        )
    )
    rows = [
        NewArtifact(ArtifactKind.RAW_TRANSCRIPT, DataCategory.RAW, [raw.producer]),
        *(
            NewArtifact(
                ArtifactKind.REDACTED_TRANSCRIPT,
                DataCategory.REDACTED,
                [red.detector, *red.operators],
                policy=red.policy,
                body=json.dumps(redacted_to_dict(red)).encode(),
                derived_from=raw_id,
            )
            for red in rec.redacted
        ),
    ]
    for n, art in enumerate(rows):
        values = artifact_values(rid, art, raw_id if n == 0 else new_artifact_id(), content_key)
        if art.kind == ArtifactKind.REDACTED_TRANSCRIPT:
            values["sha256"] = None  # as before: in-database bodies are hashed at purge time
        values["created_at"] = ts
        conn.execute(insert(s.artifacts).values(values))
    for art in rec.extra:
        values = artifact_values(rid, art, new_artifact_id(), content_key)
        values.update(created_at=ts, derived_from=raw_id)
        conn.execute(insert(s.artifacts).values(values))
    if rec.spans:
        found = [
            [sp.segment, sp.start, sp.end, sp.label, sp.score, sp.recognizer] for sp in rec.spans
        ]
        body = seal(content_key, json.dumps(found).encode(), rid)
        conn.execute(insert(s.detection_sets).values(recording_id=rid, body=body))


def aad(recording_id: str, kind: str) -> bytes:
    return f"{recording_id}\x00{kind}".encode()
