"""Where a recording's training text comes from: its stored redaction under the policy.

A recording processed before a policy existed has no redaction under it; it is then redacted
again here, from the raw transcript (decrypted inside the engine, never returned) and the
stored detections, and the result is stored as a ``redacted_transcript`` artifact so that the
dataset rows derive from a stored artifact like everything else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from redactor.operators import KeyRing
from redactor.policy import Policy
from redactor.redact import redact_transcript
from redactor.serialize import redacted_from_dict, redacted_to_dict
from redactor.store import Store
from redactor.store.records import ArtifactKind, DataCategory, NewArtifact
from redactor.types import RedactedTranscript

__all__ = ["Source", "training_text"]


@dataclass(frozen=True, slots=True)
class Source:
    artifact_id: str
    transcript: RedactedTranscript
    how: str  # stored | re-redacted


def training_text(store: Store, recording_id: str, host: str, policy: Policy) -> Source:
    """The recording's redacted transcript under ``policy`` (made and stored if missing)."""
    art = store.artifacts.newest(recording_id, ArtifactKind.REDACTED_TRANSCRIPT, policy.name)
    if art is not None and art.body is not None:
        return Source(art.id, redacted_from_dict(json.loads(art.body)), "stored")
    raw = store.recordings.raw_transcript(recording_id)  # NotFoundError when purged/anonymized
    spans = store.recordings.detections(recording_id)
    raw_id = store.recordings.raw_artifact_id(recording_id)
    key = store.recordings.data_key(recording_id)
    others = store.artifacts.of(recording_id, kind=ArtifactKind.REDACTED_TRANSCRIPT)
    detector = others[0].producers[0] if others else "stored-detections"
    red = redact_transcript(
        raw,
        spans,
        policy.replacer(
            recording_id=recording_id,
            host=host,
            data_key=key,
            keyring=KeyRing.default(store.artifact_root),
        ),
        policy=policy.name,
        detector=detector,
        labels=policy.labels,
    )
    art_id = store.artifacts.add(
        recording_id,
        NewArtifact(
            ArtifactKind.REDACTED_TRANSCRIPT,
            DataCategory.REDACTED,
            [red.detector, *red.operators],
            policy=policy.name,
            body=json.dumps(redacted_to_dict(red)).encode(),
            derived_from=raw_id,
        ),
    )
    return Source(art_id, red, "re-redacted")
