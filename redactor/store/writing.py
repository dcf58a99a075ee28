"""Writing one processed recording: rows for the recording, its key, raw and redacted data.

Called by ``Store.save_processed`` inside its transaction, after the lock and tombstone check.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert

from redactor.crypto import encrypt
from redactor.serialize import redacted_to_dict, transcript_to_dict
from redactor.store import schema as s
from redactor.store.lineage import new_artifact_id
from redactor.types import RecordingMeta, RedactedTranscript, Span, Transcript

__all__ = ["aad", "insert_processed"]


def insert_processed(
    conn: Connection,
    ts: datetime,
    *,
    recording_id: str,
    meta: RecordingMeta,
    source_kind: str,
    source_sha256: str,
    source_suffix: str,
    channels: int,
    raw: Transcript,
    redacted: Sequence[RedactedTranscript],
    spans: Sequence[Span],
    extra: Sequence[dict[str, Any]],
    replace_existing: bool,
    data_key: bytes,
) -> None:
    if replace_existing:
        conn.execute(delete(s.recordings).where(s.recordings.c.id == recording_id))
    conn.execute(
        insert(s.recordings).values(
            id=recording_id,
            host=meta.host,
            source_kind=source_kind,
            source_sha256=source_sha256,
            source_suffix=source_suffix,
            channels=channels,
            duration_s=raw.duration_s,
            consent_training=meta.consent_training,
            speakers=json.dumps(sorted({seg.speaker for seg in raw.segments})),
            status="done",
            created_at=ts,
            updated_at=ts,
        )
    )
    for p in meta.participants:
        # Keyed hash of how the host knows the participant, for data-subject requests.
        from redactor.auth import subject_hash_in  # late: auth builds on the store

        ident = p.identifier or p.name
        conn.execute(
            insert(s.participants).values(
                recording_id=recording_id,
                role=p.role,
                channel=p.channel,
                opted_out=p.opted_out,
                subject_hash=subject_hash_in(conn, ident) if ident.strip() else None,
            )
        )
    key = data_key
    conn.execute(insert(s.data_keys).values(recording_id=recording_id, key=key, created_at=ts))
    raw_id = new_artifact_id()
    nonce, ct = encrypt(
        key,
        json.dumps(transcript_to_dict(raw)).encode(),
        aad(recording_id, "raw_transcript"),
    )
    conn.execute(
        insert(s.raw_transcripts).values(
            recording_id=recording_id,
            artifact_id=raw_id,
            nonce=nonce,
            ciphertext=ct,
            producer=raw.producer,
        )
    )
    conn.execute(
        insert(s.artifacts).values(
            id=raw_id,
            recording_id=recording_id,
            kind="raw_transcript",
            data_category="raw",
            derived_from=None,
            policy=None,
            producer=json.dumps([raw.producer]),
            path=None,
            sha256=None,
            body=None,
            created_at=ts,
        )
    )
    for red in redacted:
        body = json.dumps(redacted_to_dict(red)).encode()
        conn.execute(
            insert(s.artifacts).values(
                id=new_artifact_id(),
                recording_id=recording_id,
                kind="redacted_transcript",
                data_category="redacted",
                derived_from=raw_id,
                policy=red.policy,
                producer=json.dumps([red.detector, *red.operators]),
                path=None,
                sha256=None,
                body=body,
                created_at=ts,
            )
        )
    for row in extra:
        conn.execute(
            insert(s.artifacts).values(
                {
                    "id": new_artifact_id(),
                    "recording_id": recording_id,
                    "created_at": ts,
                    "derived_from": raw_id,
                    **row,
                }
            )
        )
    if spans:
        conn.execute(
            insert(s.detections),
            [
                {
                    "recording_id": recording_id,
                    "segment": sp.segment,
                    "start": sp.start,
                    "end": sp.end,
                    "label": sp.label,
                    "score": sp.score,
                    "recognizer": sp.recognizer,
                }
                for sp in spans
            ],
        )


def aad(recording_id: str, kind: str) -> bytes:
    return f"{recording_id}\x00{kind}".encode()
