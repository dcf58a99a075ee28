"""Where a recording's training text comes from: its stored redaction under the policy.

A recording processed before a policy existed has no redaction under it; it is then redacted
again here, from the raw transcript (decrypted inside the engine, never returned) and the
stored detections, and the result is stored as a ``redacted_transcript`` artifact so that the
dataset rows derive from a stored artifact like everything else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from redactor.operators import KeyRing
from redactor.policy import Policy
from redactor.redact import redact_transcript
from redactor.serialize import redacted_from_dict, redacted_to_dict
from redactor.store import Store
from redactor.store import schema as s
from redactor.types import RedactedTranscript

__all__ = ["Source", "training_text"]


@dataclass(frozen=True, slots=True)
class Source:
    artifact_id: str
    transcript: RedactedTranscript
    how: str  # stored | re-redacted


def training_text(store: Store, recording_id: str, host: str, policy: Policy) -> Source:
    """The recording's redacted transcript under ``policy`` (made and stored if missing)."""
    art = store.artifact(recording_id, "redacted_transcript", policy.name)
    if art is not None and art["body"] is not None:
        return Source(str(art["id"]), redacted_from_dict(json.loads(bytes(art["body"]))), "stored")
    raw = store.raw_transcript(recording_id)  # NotFoundError when purged or anonymized
    spans = store.detections(recording_id)
    with store.engine.connect() as conn:
        raw_id = conn.execute(
            select(s.raw_transcripts.c.artifact_id).where(
                s.raw_transcripts.c.recording_id == recording_id
            )
        ).scalar_one_or_none()
        key = conn.execute(
            select(s.data_keys.c.key).where(s.data_keys.c.recording_id == recording_id)
        ).scalar_one_or_none()
        producers = conn.execute(
            select(s.artifacts.c.producer).where(
                s.artifacts.c.recording_id == recording_id,
                s.artifacts.c.kind == "redacted_transcript",
            )
        ).first()
    detector = json.loads(producers.producer)[0] if producers is not None else "stored-detections"
    red = redact_transcript(
        raw,
        spans,
        policy.replacer(
            recording_id=recording_id,
            host=host,
            data_key=None if key is None else bytes(key),
            keyring=KeyRing.default(store.artifact_root),
        ),
        policy=policy.name,
        detector=detector,
        labels=policy.labels,
    )
    art_id = store.add_artifact(
        recording_id=recording_id,
        kind="redacted_transcript",
        data_category="redacted",
        producer=[red.detector, *red.operators],
        derived_from=raw_id,
        policy=policy.name,
        body=json.dumps(redacted_to_dict(red)).encode(),
    )
    return Source(art_id, red, "re-redacted")
