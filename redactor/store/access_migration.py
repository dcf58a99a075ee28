"""Migration 7 (issue 13): grants and login throttling tables, token expiry, wider actors,
and the stored speaker labels of existing recordings replaced by their redacted forms.

Before this migration ``recordings.speakers`` was written from the raw segments, so a WebVTT
voice tag such as ``<v Sam Carter>`` was stored (and served) as a name. The redacted
transcripts already carry the placeholder the text uses; the labels are taken from there
(the support policy's redaction first), and a recording without one keeps only generic
labels (``agent``, ``speaker 2``), every other label becoming ``[PERSON]``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, DateTime, Table, inspect, select, text, update

from redactor.store import schema as s
from redactor.store.artifacts import open_body

__all__ = ["migrate_access", "redacted_speakers"]


def migrate_access(conn: Connection, *, tables: Sequence[Table]) -> None:
    s.metadata.create_all(conn, tables=list(tables))
    columns = {c["name"] for c in inspect(conn).get_columns("api_tokens")}
    if "expires_at" not in columns:
        kind = DateTime(timezone=True).compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE api_tokens ADD COLUMN expires_at {kind}"))
    if conn.dialect.name == "postgresql":  # SQLite does not enforce VARCHAR lengths
        conn.execute(text("ALTER TABLE audit_log ALTER COLUMN actor TYPE VARCHAR(300)"))
    _redact_stored_speakers(conn)


def redacted_speakers(labels: Sequence[str]) -> list[str]:
    """Labels with no redacted transcript to take them from: generic ones stay, names go."""
    from redactor.redact import GENERIC_SPEAKER

    return sorted({x if GENERIC_SPEAKER.match(x.strip()) else "[PERSON]" for x in labels if x})


def _redact_stored_speakers(conn: Connection) -> None:
    a = s.artifacts
    bodies: dict[str, tuple[bool, bytes]] = {}
    ck = s.content_keys
    rows = conn.execute(
        select(a.c.recording_id, a.c.policy, a.c.body, ck.c.key)
        .outerjoin(ck, ck.c.recording_id == a.c.recording_id)
        .where(a.c.kind == "redacted_transcript", a.c.body.is_not(None))
    )
    for r in rows:
        # Bodies are sealed with the recording's content key (migration 5 on); older ones clear.
        body = open_body(None if r.key is None else bytes(r.key), r.recording_id, bytes(r.body))
        support = r.policy == "support"
        if body is not None and (
            r.recording_id not in bodies or (support and not bodies[r.recording_id][0])
        ):
            bodies[r.recording_id] = (support, body)
    for rec in list(conn.execute(select(s.recordings.c.id, s.recordings.c.speakers))):
        if rec.id in bodies:
            segments = json.loads(bodies[rec.id][1]).get("segments", [])
            labels = sorted({str(seg.get("speaker", "")) for seg in segments})
        else:
            labels = redacted_speakers(json.loads(rec.speakers or "[]"))
        conn.execute(
            update(s.recordings)
            .where(s.recordings.c.id == rec.id)
            .values(speakers=json.dumps(labels))
        )
