"""Recordings: one row each (owner, consent, source hash, status), raw data, detections.

Everything a run produces for one recording is written in one transaction (``save``), so a
failure leaves nothing half-written.
"""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select, update

from redactor.crypto import decrypt, new_key
from redactor.errors import NotFoundError, PurgedError
from redactor.serialize import transcript_from_dict
from redactor.store import schema as s
from redactor.store.artifacts import open_body
from redactor.store.audit import AuditLog
from redactor.store.db import Database, now
from redactor.store.records import (
    ArtifactKind,
    DataCategory,
    ProcessedRecording,
    RecordingRow,
    RecordingStatus,
    aware,
)
from redactor.store.writing import aad, insert_processed
from redactor.types import Span, Transcript

__all__ = ["Recordings"]


def _row(r: Row[Any]) -> RecordingRow:
    return RecordingRow(
        id=r.id,
        host=r.host,
        source_kind=r.source_kind,
        source_sha256=r.source_sha256,
        channels=r.channels,
        duration_s=r.duration_s,
        consent_training=bool(r.consent_training),
        speakers=tuple(json.loads(r.speakers or "[]")),
        status=RecordingStatus(r.status),
        created_at=aware(r.created_at),
        language=r.language,
    )


class Recordings:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    def get(self, recording_id: str) -> RecordingRow:
        with self._db.connect() as conn:
            row = conn.execute(
                select(s.recordings).where(s.recordings.c.id == recording_id)
            ).first()
        if row is None:
            raise NotFoundError(f"recording {recording_id}: not found")
        return _row(row)

    def exists(self, recording_id: str) -> bool:
        with self._db.connect() as conn:
            return self._db.recording_exists(conn, recording_id)

    def all(self, *, host: str | None = None) -> list[RecordingRow]:
        q = select(s.recordings).order_by(s.recordings.c.created_at, s.recordings.c.id)
        if host is not None:
            q = q.where(s.recordings.c.host == host)
        with self._db.connect() as conn:
            return [_row(r) for r in conn.execute(q)]

    def processed_source(self, sha256: str) -> str | None:
        """Id of a finished recording made from a file with this content hash, if any."""
        q = select(s.recordings.c.id).where(
            s.recordings.c.source_sha256 == sha256, s.recordings.c.status == RecordingStatus.DONE
        )
        with self._db.connect() as conn:
            row = conn.execute(q).first()
        return None if row is None else str(row.id)

    def created_before(
        self, cutoff: datetime, *, host: str | None = None
    ) -> list[tuple[str, str, RecordingStatus]]:
        """``(id, host, status)`` of recordings created before ``cutoff`` (indexed on time)."""
        q = (
            select(s.recordings.c.id, s.recordings.c.host, s.recordings.c.status)
            .where(s.recordings.c.created_at < cutoff)
            .order_by(s.recordings.c.created_at, s.recordings.c.id)
        )
        if host is not None:
            q = q.where(s.recordings.c.host == host)
        with self._db.connect() as conn:
            return [(r.id, r.host, RecordingStatus(r.status)) for r in conn.execute(q)]

    # -- writing ----------------------------------------------------------------------------

    def save(
        self,
        rec: ProcessedRecording,
        *,
        replace_existing: bool = False,
        allow_purged: bool = False,
    ) -> None:
        """Write a processed recording in one transaction (all or nothing).

        If the recording was purged (a tombstone exists, perhaps written while this one was
        being processed) nothing is stored, the ``extra`` files are removed and
        ``PurgedError`` is raised; ``allow_purged`` is the explicit override and lifts the
        tombstone.
        """
        rid = rec.recording_id
        with self._db.begin() as conn:
            self._db.lock_recording(conn, rid)
            tombstoned = self._db.is_tombstoned(conn, rid)
            if tombstoned and allow_purged:
                conn.execute(delete(s.tombstones).where(s.tombstones.c.recording_id == rid))
                conn.execute(delete(s.purge_jobs).where(s.purge_jobs.c.recording_id == rid))
                self._audit.record_in(
                    conn, actor="pipeline", action="reingest-after-purge", recording_id=rid
                )
            if not (tombstoned and not allow_purged):
                insert_processed(
                    conn,
                    now(),
                    rec,
                    replace_existing=replace_existing,
                    data_key=rec.data_key or new_key(),
                )
        if tombstoned and not allow_purged:
            for art in rec.extra:
                if art.path:
                    self._db.artifact_file(art.path).unlink(missing_ok=True)
            with suppress(OSError):  # the folder a late writer made, if it left it empty
                self._db.recording_dir(rid).rmdir()
            raise PurgedError(f"recording {rid} was purged; not stored")

    def mark_done(self, recording_id: str) -> None:
        """The stages after the commit (summaries) are done: ``stored`` becomes ``done``."""
        with self._db.begin() as conn:
            conn.execute(
                update(s.recordings)
                .where(
                    s.recordings.c.id == recording_id,
                    s.recordings.c.status == RecordingStatus.STORED,
                )
                .values(status=RecordingStatus.DONE, updated_at=now())
            )

    def set_consent(self, recording_id: str, consent_training: bool) -> None:
        self.get(recording_id)
        with self._db.begin() as conn:
            conn.execute(
                update(s.recordings)
                .where(s.recordings.c.id == recording_id)
                .values(consent_training=consent_training, updated_at=now())
            )

    # -- raw data ---------------------------------------------------------------------------

    def raw_transcript(self, recording_id: str) -> Transcript:
        """Decrypt the raw transcript. Internal: never reachable from support views."""
        with self._db.connect() as conn:
            row = conn.execute(
                select(s.raw_transcripts, s.data_keys.c.key)
                .join(s.data_keys, s.data_keys.c.recording_id == s.raw_transcripts.c.recording_id)
                .where(s.raw_transcripts.c.recording_id == recording_id)
            ).first()
        if row is None:
            raise NotFoundError(
                f"recording {recording_id}: no raw transcript (purged or anonymized)"
            )
        plain = decrypt(
            bytes(row.key),
            bytes(row.nonce),
            bytes(row.ciphertext),
            aad(recording_id, ArtifactKind.RAW_TRANSCRIPT),
        )
        return transcript_from_dict(json.loads(plain))

    def raw_artifact_id(self, recording_id: str) -> str | None:
        """The artifact id of the (encrypted) raw transcript; None once purged or anonymized."""
        q = select(s.raw_transcripts.c.artifact_id).where(
            s.raw_transcripts.c.recording_id == recording_id
        )
        with self._db.connect() as conn:
            value = conn.execute(q).scalar_one_or_none()
        return None if value is None else str(value)

    def data_key(self, recording_id: str) -> bytes | None:
        """The recording's data key; None once purged or anonymized (crypto-shredded)."""
        q = select(s.data_keys.c.key).where(s.data_keys.c.recording_id == recording_id)
        with self._db.connect() as conn:
            value = conn.execute(q).scalar_one_or_none()
        return None if value is None else bytes(value)

    def detections(self, recording_id: str) -> list[Span]:
        """What was found (decrypted); the legacy ``detections`` rows of older stores too."""
        with self._db.connect() as conn:
            sealed = conn.execute(
                select(s.detection_sets.c.body).where(
                    s.detection_sets.c.recording_id == recording_id
                )
            ).scalar_one_or_none()
            key = self._db.content_key(conn, recording_id)
            rows = conn.execute(
                select(s.detections)
                .where(s.detections.c.recording_id == recording_id)
                .order_by(s.detections.c.segment, s.detections.c.start)
            ).all()
        found = [Span(r.segment, r.start, r.end, r.label, r.score, r.recognizer) for r in rows]
        body = None if sealed is None else open_body(key, recording_id, bytes(sealed))
        if body is not None:
            found += [Span(*f) for f in json.loads(body)]
        return sorted(found, key=lambda sp: (sp.segment, sp.start))

    def anonymize(self, recording_id: str) -> dict[str, int]:
        """Destroy everything raw of a recording and keep what is redacted or inferred.

        Deletes the data key (crypto-shredding), the encrypted raw transcript and every
        artifact of category ``raw`` (with its file, e.g. a raw audio reference); the recording
        is marked ``anonymized``. Returns counts per removed kind. Idempotent.
        """
        a = s.artifacts.c
        raw_of = (a.recording_id == recording_id) & (a.data_category == DataCategory.RAW)
        counts: dict[str, int] = {}
        # Files first: if we crash after this, the rows still name them and a re-run finishes.
        with self._db.connect() as conn:
            files = conn.execute(select(a.path).where(raw_of, a.path.is_not(None))).all()
        for f in files:
            self._db.artifact_file(f.path).unlink(missing_ok=True)
        with self._db.begin() as conn:
            self._db.lock_recording(conn, recording_id)
            for r in conn.execute(select(a.kind).where(raw_of)).all():
                counts[r.kind] = counts.get(r.kind, 0) + 1
            keys = conn.execute(
                delete(s.data_keys).where(s.data_keys.c.recording_id == recording_id)
            ).rowcount
            if keys:
                counts["data_key"] = keys
            conn.execute(
                delete(s.raw_transcripts).where(s.raw_transcripts.c.recording_id == recording_id)
            )
            conn.execute(delete(s.artifacts).where(raw_of))
            conn.execute(
                update(s.recordings)
                .where(s.recordings.c.id == recording_id)
                .values(status=RecordingStatus.ANONYMIZED, updated_at=now())
            )
        return counts
