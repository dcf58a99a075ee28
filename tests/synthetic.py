"""Synthetic recordings with a full lineage, written straight to a store (no models).

Purge and store tests need many recordings with every kind of artifact (raw and redacted
transcripts, a redacted audio file, a summary, an exported file outside the artifact root)
quickly and on both backends; the real pipeline is exercised elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import update

from redactor.audio_file import key_body, write_sealed
from redactor.store import ArtifactKind, DataCategory, NewArtifact, ProcessedRecording, Store
from redactor.store import schema as s
from redactor.types import (
    RecordingMeta,
    RedactedSegment,
    RedactedTranscript,
    Segment,
    Span,
    Transcript,
    Word,
)

SECRET = "Zebulon Quackenbush"  # the "personal data" of every synthetic recording


def marker(rid: str) -> str:
    """A token unique to a recording's redacted text, to look for after a purge."""
    return f"mk{hashlib.sha256(rid.encode()).hexdigest()[:16]}"


def make_recording(
    st: Store,
    rid: str,
    *,
    host: str = "acme",
    export_dir: Path | None = None,
    created_at: datetime | None = None,
    plain_audio: bool = False,
) -> None:
    """``plain_audio``: write the redacted audio file as stores did before audio was sealed
    (no key in its row), to test that old stores keep working."""
    text = f"my name is {SECRET} {marker(rid)}"
    words = []
    pos = 0
    for i, w in enumerate(text.split(" ")):
        words.append(Word(w, i * 0.3, i * 0.3 + 0.25, pos, pos + len(w)))
        pos += len(w) + 1
    raw = Transcript((Segment(0, "customer", 0.0, 2.0, text, tuple(words)),), producer="test/v1")
    red_text = f"my name is [PERSON] {marker(rid)}"
    redacted = RedactedTranscript(
        (RedactedSegment(0, "customer", 0.0, 2.0, red_text, ()),),
        policy="support",
        operators=("label.v1",),
        detector="test/v1",
    )
    folder = st.recording_dir(rid)
    folder.mkdir(parents=True, exist_ok=True)
    audio = folder / f"{rid}.support.redacted.wav"
    payload = b"RIFF" + marker(rid).encode()
    if plain_audio:
        audio.write_bytes(payload)
        file_key, digest = None, hashlib.sha256(payload).hexdigest()
    else:
        audio.unlink(missing_ok=True)  # a fixed name: a second call writes it anew
        sealed = write_sealed(audio, payload, rid)
        file_key, digest = key_body(sealed.key or b""), sealed.sha256
    st.recordings.save(
        ProcessedRecording(
            recording_id=rid,
            meta=RecordingMeta(host=host),
            source_kind="audio",
            source_sha256=hashlib.sha256(f"source:{rid}".encode()).hexdigest(),
            source_suffix=".wav",
            channels=1,
            raw=raw,
            redacted=[redacted],
            spans=[Span(0, 11, 11 + len(SECRET), "PERSON", 0.9, "test")],
            extra=[
                NewArtifact(
                    ArtifactKind.REDACTED_AUDIO,
                    DataCategory.REDACTED,
                    ["test-audio/v1"],
                    policy="support",
                    path=audio.relative_to(st.artifact_root).as_posix(),
                    sha256=digest,
                    body=file_key,
                )
            ],
        )
    )
    red_id = next(a.id for a in st.artifacts.of(rid) if a.kind == "redacted_transcript")
    st.artifacts.add(
        rid,
        NewArtifact(
            ArtifactKind.SUMMARY,
            DataCategory.INFERRED,
            ["test-summary/v1"],
            policy="support",
            body=json.dumps(
                {
                    "kind": "summary",
                    "data_category": "inferred",
                    "method": "test-summary/v1",
                    "policy": "support",
                    "derived_from": red_id,
                    "items": [{"text": marker(rid), "evidence": [0]}],
                },
                sort_keys=True,
            ).encode(),
            derived_from=red_id,
        ),
    )
    if export_dir is not None:
        export_dir.mkdir(parents=True, exist_ok=True)
        out = export_dir / f"{rid}.jsonl"
        out.write_text(json.dumps({"id": rid, "text": red_text}) + "\n")
        st.artifacts.add(
            rid,
            NewArtifact(
                "dataset_file",
                DataCategory.REDACTED,
                ["test-export/v1"],
                path=str(out.resolve()),
                derived_from=red_id,
            ),
        )
    if created_at is not None:
        with st.begin() as conn:
            conn.execute(
                update(s.recordings).where(s.recordings.c.id == rid).values(created_at=created_at)
            )
