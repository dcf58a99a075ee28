"""Data-subject requests: export everything stored about a recording or a participant; delete.

A participant is found by the keyed hash of an identifier the host knows them by (e-mail,
phone, customer id: see ``store.subjects.hash``); the identifier itself is never
stored or logged. Exports hold what the store holds in readable form: metadata, lineage,
the redacted transcripts, inferred summaries, detections (labels and offsets, no text) and the
audit trail. The raw transcript is stored encrypted and is not part of an export.

CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, or a tab or
carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from redactor.errors import NotFoundError
from redactor.serialize import redacted_from_dict
from redactor.store import PurgeReceipt, Store
from redactor.store.records import ArtifactKind
from redactor.web.content import summary_texts

__all__ = [
    "PurgeFn",
    "delete_subject",
    "export_recording",
    "export_subject",
    "neutralize",
    "subject_recordings",
    "to_csv",
]

PurgeFn = Callable[..., PurgeReceipt]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("section", "recording_id", "item", "field", "value")


def neutralize(cell: str) -> str:
    """Make a cell inert in spreadsheets (OWASP CSV injection advice)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    return value


def export_recording(store: Store, recording_id: str) -> dict[str, Any]:
    """Everything stored about one recording, in readable form (no raw transcript)."""
    rec = store.recordings.get(recording_id)
    participants = [
        {"role": p.role, "channel": p.channel, "opted_out": p.opted_out}
        for p in store.subjects.participants(recording_id)
    ]
    bodies = store.artifacts.of(recording_id, kind=ArtifactKind.REDACTED_TRANSCRIPT, with_body=True)
    transcripts = {
        str(r.policy): redacted_from_dict(json.loads(r.body)).to_json(recording_id)
        for r in bodies
        if r.body is not None
    }
    for t in transcripts.values():
        for seg in t["segments"]:
            seg.pop("words", None)  # the same text again, word by word
    return {
        "recording": {
            "id": rec.id,
            "host": rec.host,
            "source_kind": rec.source_kind,
            "duration_s": round(rec.duration_s, 3),
            "channels": rec.channels,
            "consent_training": rec.consent_training,
            "speakers": list(rec.speakers),
            "status": rec.status,
            "created_at": rec.created_at.isoformat(),
        },
        "participants": participants,
        "raw_transcript": {"stored": "encrypted", "included": False},
        "artifacts": [
            {k: _jsonable(v) for k, v in a.as_dict().items()}
            for a in store.artifacts.of(recording_id)
        ],
        "redacted_transcripts": transcripts,
        "summaries": [
            {"artifact_id": art, "label": "inferred", "producer": producer, "text": text}
            for _, art, producer, text in summary_texts(store, recording_id)
        ],
        "detections": [
            {
                "segment": d.segment,
                "start": d.start,
                "end": d.end,
                "label": d.label,
                "score": round(d.score, 4),
                "recognizer": d.recognizer,
            }
            for d in store.recordings.detections(recording_id)
        ],
        # Break-glass: every grant the host made and every use of it (who, when, ticket).
        "grants": [g.as_dict() for g in store.grants.of(host=None, recording_id=recording_id)],
        "audit": [
            {
                "at": _jsonable(e.at),
                "actor": e.actor,
                "action": e.action,
                "ticket": e.ticket,
                "detail": json.loads(e.detail or "{}"),
            }
            for e in store.audit.entries(recording_id)
        ],
    }


def subject_recordings(store: Store, identifier: str, host: str | None) -> list[str]:
    """Ids of the recordings (of ``host``; None: any) where this participant appears."""
    return store.subjects.recordings_of(identifier, host)


def export_subject(
    store: Store, identifier: str, host: str | None, *, actor: str
) -> dict[str, Any]:
    """Everything about the participant, per recording; each export is audited first."""
    ids = subject_recordings(store, identifier, host)
    if not ids:
        raise NotFoundError("data subject: no recordings found for this identifier")
    for rid in ids:
        store.audit.record(actor=actor, action="export_subject", recording_id=rid)
    return {"recordings": [export_recording(store, rid) for rid in ids]}


def delete_subject(
    store: Store, identifier: str, host: str | None, purge: PurgeFn, *, actor: str
) -> list[dict[str, Any]]:
    """Purge every recording of ``host`` the participant appears in; return the receipts."""
    ids = subject_recordings(store, identifier, host)
    if not ids:
        raise NotFoundError("data subject: no recordings found for this identifier")
    return [purge(store, rid, "subject-request", actor=actor).as_dict() for rid in ids]


def _rows(section: str, rid: str, items: Iterable[tuple[str, dict[str, Any]]]) -> list[list[str]]:
    out = []
    for item, record in items:
        for field, value in record.items():
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            out.append([section, rid, item, field, text])
    return out


def to_csv(export: dict[str, Any]) -> str:
    """One CSV (section, recording_id, item, field, value) for a recording or subject export."""
    recs = export.get("recordings", [export])
    rows: list[list[str]] = []
    for r in recs:
        rid = r["recording"]["id"]
        rows += _rows("recording", rid, [("", r["recording"])])
        rows += _rows("participant", rid, ((str(i), p) for i, p in enumerate(r["participants"])))
        rows += _rows("raw_transcript", rid, [("", r["raw_transcript"])])
        rows += _rows("artifact", rid, ((a["id"], a) for a in r["artifacts"]))
        for policy, t in r["redacted_transcripts"].items():
            segs = ((str(seg["index"]), seg) for seg in t["segments"])
            rows += _rows(f"redacted_transcript:{policy}", rid, segs)
        rows += _rows("summary", rid, ((x["artifact_id"], x) for x in r["summaries"]))
        rows += _rows("detection", rid, ((str(i), d) for i, d in enumerate(r["detections"])))
        rows += _rows("grant", rid, ((g["id"], g) for g in r.get("grants", [])))
        rows += _rows("audit", rid, ((str(i), e) for i, e in enumerate(r["audit"])))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([neutralize(c) for c in row] for row in rows)
    return buf.getvalue()
