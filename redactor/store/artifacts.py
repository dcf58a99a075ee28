"""Artifacts and lineage: everything derived from a recording, one row each.

Every artifact (a transcript, an audio file, a summary, a dataset row or file) is one row in
``artifacts`` with its recording id, what it was derived from, its data category and the
versioned names that produced it; a recording's full lineage is one indexed query.

Bodies are encrypted with the recording's content key (``content_keys``) and decrypted here,
on the way out: what the database (and its WAL, replicas and backups) holds is ciphertext
that the purge makes unreadable by deleting the key first. Only the dataset lineage stays in
clear: export ids, file names and row ids, no content, looked up by export.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, Row, Select, delete, insert, select

from redactor.crypto import is_sealed, seal, unseal
from redactor.errors import NotFoundError, PurgedError, StoreError
from redactor.serialize import redacted_from_dict
from redactor.store import schema as s
from redactor.store.db import Database, new_artifact_id, now, sha256_bytes
from redactor.store.records import (
    ArtifactKind,
    ArtifactRef,
    ArtifactRow,
    DataCategory,
    NewArtifact,
)
from redactor.types import RedactedTranscript

__all__ = ["Artifacts"]

_LISTED = [c for c in s.artifacts.c if c.name != "body"]
# Kinds whose body names an export, not content: kept in clear so an export's lineage can be
# found (and unregistered) without every recording's key.
CLEAR_KINDS = frozenset({ArtifactKind.DATASET_EXPORT, ArtifactKind.DATASET_ROWS})


def seal_body(key: bytes | None, recording_id: str, kind: str, body: bytes | None) -> bytes | None:
    if body is None or key is None or kind in CLEAR_KINDS:
        return body
    return seal(key, body, recording_id)


def open_body(key: bytes | None, recording_id: str, body: bytes | None) -> bytes | None:
    """The plaintext of a stored body; None if it is sealed and the key is gone (purged)."""
    if body is None or not is_sealed(body):
        return body  # clear kinds, and stores written before bodies were encrypted
    return None if key is None else unseal(key, body, recording_id)


def _with_key(q: Select[Any]) -> Select[Any]:
    """The query with the recording's content key joined in (one round trip, not two)."""
    ck = s.content_keys
    return q.add_columns(ck.c.key.label("content_key")).outerjoin(
        ck, ck.c.recording_id == s.artifacts.c.recording_id
    )


def _key(r: Row[Any]) -> bytes | None:
    return None if r.content_key is None else bytes(r.content_key)


def _row(r: Row[Any], *, with_body: bool, key: bytes | None = None) -> ArtifactRow:
    body = (
        open_body(key, r.recording_id, bytes(r.body)) if with_body and r.body is not None else None
    )
    return ArtifactRow(
        id=r.id,
        recording_id=r.recording_id,
        kind=r.kind,
        data_category=r.data_category,
        derived_from=r.derived_from,
        policy=r.policy,
        producer=r.producer,
        path=r.path,
        sha256=r.sha256,
        created_at=r.created_at,
        body=body,
    )


def artifact_values(
    recording_id: str, art: NewArtifact, art_id: str, key: bytes | None = None
) -> dict[str, Any]:
    """The ``artifacts`` row for a new artifact: hash of the body filled in, the body sealed
    with the recording's content ``key``."""
    sha = art.sha256
    if sha is None and art.body is not None:
        sha = sha256_bytes(art.body)
    return {
        "id": art_id,
        "recording_id": recording_id,
        "kind": str(art.kind),
        "data_category": str(art.data_category),
        "derived_from": art.derived_from,
        "policy": art.policy,
        "producer": json.dumps(list(art.producer)),
        "path": art.path,
        "sha256": sha,
        "body": seal_body(key, recording_id, str(art.kind), art.body),
        "created_at": now(),
    }


class Artifacts:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, recording_id: str, art: NewArtifact, *, replace: bool = False) -> str:
        """Register one artifact of a stored recording; returns its id.

        ``art.path`` is a file already written (relative to ``artifact_root``, or absolute).
        If the recording was purged meanwhile the artifact is refused and its file removed, so
        a late writer leaves nothing behind. ``replace`` swaps an artifact of the same kind and
        policy.
        """
        if art.data_category not in tuple(DataCategory):
            raise StoreError(
                f"artifact {art.kind!r}: data_category {art.data_category!r} is not one of "
                f"{', '.join(DataCategory)}"
            )
        art_id = new_artifact_id()
        with self._db.begin() as conn:
            self._db.lock_recording(conn, recording_id)
            refused = self._db.is_tombstoned(conn, recording_id)
            if not refused:
                if not self._db.recording_exists(conn, recording_id):
                    raise NotFoundError(f"recording {recording_id}: not found")
                if replace:
                    a = s.artifacts.c
                    cond = (a.recording_id == recording_id) & (a.kind == str(art.kind))
                    cond &= a.policy.is_(None) if art.policy is None else a.policy == art.policy
                    conn.execute(delete(s.artifacts).where(cond))
                key = self._db.content_key(conn, recording_id)
                values = artifact_values(recording_id, art, art_id, key)
                conn.execute(insert(s.artifacts).values(values))
        if refused:
            if art.path is not None:
                self._db.artifact_file(art.path).unlink(missing_ok=True)
            raise PurgedError(
                f"recording {recording_id} was purged; artifact {art.kind!r} not stored"
            )
        return art_id

    def newest(self, recording_id: str, kind: str, policy: str | None = None) -> ArtifactRow | None:
        """The newest artifact of a kind (and policy, if given), body included; None if absent."""
        q = _with_key(select(s.artifacts)).where(
            s.artifacts.c.recording_id == recording_id, s.artifacts.c.kind == str(kind)
        )
        if policy is not None:
            q = q.where(s.artifacts.c.policy == policy)
        with self._db.connect() as conn:
            row = conn.execute(q.order_by(s.artifacts.c.created_at.desc())).first()
        return None if row is None else _row(row, with_body=True, key=_key(row))

    def of(
        self,
        recording_id: str,
        *,
        kind: str | None = None,
        category: DataCategory | None = None,
        with_body: bool = False,
    ) -> list[ArtifactRow]:
        """The lineage of a recording (optionally one kind or category), oldest first."""
        cols = list(s.artifacts.c) if with_body else _LISTED
        q = select(*cols).where(s.artifacts.c.recording_id == recording_id)
        if kind is not None:
            q = q.where(s.artifacts.c.kind == str(kind))
        if category is not None:
            q = q.where(s.artifacts.c.data_category == str(category))
        with self._db.connect() as conn:
            rows = conn.execute(q.order_by(s.artifacts.c.created_at, s.artifacts.c.kind)).all()
            key = self._db.content_key(conn, recording_id) if with_body and rows else None
        return [_row(r, with_body=with_body, key=key) for r in rows]

    def redacted_transcript(
        self, recording_id: str, policy: str | None = None
    ) -> RedactedTranscript:
        """The stored redaction (of ``policy``, or the first one); NotFoundError if none."""
        q = _with_key(select(s.artifacts.c.body)).where(
            s.artifacts.c.recording_id == recording_id,
            s.artifacts.c.kind == ArtifactKind.REDACTED_TRANSCRIPT,
        )
        if policy is not None:
            q = q.where(s.artifacts.c.policy == policy)
        with self._db.connect() as conn:
            row = conn.execute(q.order_by(s.artifacts.c.created_at)).first()
            known = row is not None or self._db.recording_exists(conn, recording_id)
        if not known:
            raise NotFoundError(f"recording {recording_id}: not found")
        body = None if row is None else open_body(_key(row), recording_id, bytes(row.body))
        if body is None:
            raise NotFoundError(
                f"recording {recording_id}: no redacted transcript"
                + (f" for policy {policy!r}" if policy else "")
            )
        return redacted_from_dict(json.loads(body))

    def refs(self, conn: Connection, recording_id: str) -> list[ArtifactRef]:
        """Every artifact of a recording with a content hash (body, file or ciphertext)."""
        rows = conn.execute(
            select(
                s.artifacts.c.id,
                s.artifacts.c.kind,
                s.artifacts.c.data_category,
                s.artifacts.c.derived_from,
                s.artifacts.c.path,
                s.artifacts.c.sha256,
                s.artifacts.c.body,
            )
            .where(s.artifacts.c.recording_id == recording_id)
            .order_by(s.artifacts.c.created_at, s.artifacts.c.id)
        ).all()
        cipher = {
            r.artifact_id: sha256_bytes(bytes(r.ciphertext))
            for r in conn.execute(
                select(s.raw_transcripts.c.artifact_id, s.raw_transcripts.c.ciphertext).where(
                    s.raw_transcripts.c.recording_id == recording_id
                )
            )
        }
        refs = []
        for r in rows:
            digest = r.sha256
            if digest is None and r.body is not None:
                digest = sha256_bytes(bytes(r.body))
            if digest is None and r.path is not None:
                digest = self._file_sha256(r.path)
            digest = digest or cipher.get(r.id)
            refs.append(ArtifactRef(r.id, r.kind, r.data_category, r.derived_from, r.path, digest))
        return refs

    def bodies_in(self, conn: Connection, recording_id: str, kind: str) -> list[bytes]:
        q = select(s.artifacts.c.body).where(
            s.artifacts.c.recording_id == recording_id, s.artifacts.c.kind == str(kind)
        )
        key = self._db.content_key(conn, recording_id)
        bodies = [open_body(key, recording_id, bytes(b)) for (b,) in conn.execute(q) if b]
        return [b for b in bodies if b is not None]

    def _file_sha256(self, path: str) -> str | None:
        try:
            h = hashlib.sha256()
            with self._db.artifact_file(path).open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            return h.hexdigest()
        except OSError:
            return None
