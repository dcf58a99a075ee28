"""What the web layer reads from the store: redacted transcripts, redacted audio.

Only redacted or inferred data is read here; the raw transcript is read in exactly one place
(``api.raw_transcript``, admin only). Summaries (inferred data, made from the redacted
transcript) are read through ``redactor.summarize.stored_summary``, like ``show --summary``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from redactor.audio_file import SealedAudio, key_from_body
from redactor.errors import InputError, NotFoundError, RedactorError
from redactor.ingest import validate_id
from redactor.store import RecordingRow, Store
from redactor.store.records import ArtifactKind, DataCategory
from redactor.summarize import stored_summary
from redactor.types import RedactedTranscript

__all__ = [
    "SUPPORT_POLICY",
    "audio_check",
    "check_ticket",
    "redacted_audio",
    "summary_texts",
    "support_transcript",
    "visible_recording",
]

SUPPORT_POLICY = "support"
_TICKET_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:#-]{0,63}")


def check_ticket(ticket: str | None) -> str:
    """A ticket reference such as ``SUP-1234``: short, no spaces, so it cannot carry prose."""
    if not ticket or not _TICKET_RE.fullmatch(ticket):  # fullmatch: no "\n" at the end
        raise InputError(
            "ticket: required; 1-64 characters of letters, digits, '.', '_', ':', '#', '-'"
        )
    return ticket


def visible_recording(store: Store, recording_id: str, host: str | None) -> RecordingRow:
    """The recording if it exists and ``host`` (None: any) may see it; else NotFound.

    Another host's recording is reported exactly like a missing one, so ids cannot be probed.
    """
    validate_id(recording_id)
    try:
        row = store.recordings.get(recording_id)
    except NotFoundError:
        raise NotFoundError(f"recording {recording_id}: not found") from None
    if host is not None and row.host != host:
        raise NotFoundError(f"recording {recording_id}: not found")
    return row


def support_transcript(store: Store, recording_id: str) -> RedactedTranscript:
    """The support policy's redaction, or the first one stored when there is none."""
    try:
        return store.artifacts.redacted_transcript(recording_id, SUPPORT_POLICY)
    except NotFoundError:
        return store.artifacts.redacted_transcript(recording_id)


def summary_texts(store: Store, recording_id: str) -> list[tuple[str, str, str, str]]:
    """``(kind, artifact id, producer, text)`` of each stored summary part that has items,
    for the API and the data-subject export (the text: one item a line)."""
    summary = stored_summary(store, recording_id)
    if summary is None:
        return []
    return [
        (kind, art, summary.producer, "\n".join(item.text for item in items))
        for kind, art, items in summary.stored_parts()
    ]


def redacted_audio(store: Store, recording_id: str) -> SealedAudio:
    """The redacted audio file (support policy) and its key; the path never leaves
    ``artifact_root``. Read it through ``SealedAudio.chunks``: the file on disk is sealed."""
    rows = [
        a
        for a in store.artifacts.of(recording_id, kind=ArtifactKind.REDACTED_AUDIO, with_body=True)
        if a.data_category == DataCategory.REDACTED and a.path is not None
    ]
    check = audio_check(store, recording_id)
    if not rows or (check is not None and not check.get("published", True)):
        # withheld by the support policy's audio check: no other policy's copy stands in
        raise NotFoundError(f"recording {recording_id}: no redacted audio")
    row = next((r for r in rows if r.policy == SUPPORT_POLICY), rows[0])
    root = store.artifact_root.resolve()
    rel = Path(str(row.path))
    try:
        full = (root / rel).resolve()
    except (OSError, RuntimeError):
        raise NotFoundError(f"recording {recording_id}: no redacted audio") from None
    if rel.is_absolute() or root not in full.parents or not full.is_file():
        raise NotFoundError(f"recording {recording_id}: no redacted audio")
    return SealedAudio(full, recording_id, key_from_body(row.body), row.sha256)


def audio_check(store: Store, recording_id: str) -> dict[str, Any] | None:
    """The support policy's audio check result (``redactor.audio_check``), if one ran."""
    from redactor.audio_check import stored_check

    return stored_check(store, recording_id, SUPPORT_POLICY)


def has_redacted_audio(store: Store, recording_id: str) -> bool:
    try:
        redacted_audio(store, recording_id)
    except RedactorError:
        return False
    return True


def transcript_view(red: RedactedTranscript) -> list[dict[str, Any]]:
    """Segments for the page: speaker, times as m:ss, text."""
    return [
        {
            "index": seg.index,
            "speaker": seg.speaker,
            "start": seg.start_s,
            "end": seg.end_s,
            "clock": f"{int(seg.start_s // 60)}:{int(seg.start_s % 60):02d}",
            "text": seg.text,
        }
        for seg in red.segments
    ]
