"""Data subjects and participants: keyed subject hashes, opt-outs, training consent.

A participant is found by the keyed hash of an identifier the host knows them by (e-mail,
phone, customer id); the identifier itself is never stored. The key is a random per-store
secret created on first use, so the hashes in ``participants.subject_hash`` cannot be reversed
by hashing guesses without the store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import Connection, and_, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from redactor.errors import InputError, NotFoundError, PurgedError
from redactor.store import schema as s
from redactor.store.audit import AuditLog
from redactor.store.db import Database, now
from redactor.store.records import ConsentRow, Participant

__all__ = ["Subjects", "subject_hash_in"]

_SUBJECT_KEY = "subject_hash_key"
_KEY_QUERY = select(s.server_secrets.c.value).where(s.server_secrets.c.name == _SUBJECT_KEY)


def _normalized(identifier: str) -> bytes:
    normalized = " ".join(identifier.split()).casefold()
    if not normalized:
        raise InputError("identifier: must not be empty")
    return normalized.encode()


def _subject_key(conn: Connection) -> bytes:
    row = conn.execute(_KEY_QUERY).first()
    if row is None:
        conn.execute(
            insert(s.server_secrets).values(name=_SUBJECT_KEY, value=secrets.token_bytes(32))
        )
        row = conn.execute(_KEY_QUERY).one()
    return bytes(row.value)


def subject_hash_in(conn: Connection, identifier: str) -> str:
    """The subject hash for a writer already inside a transaction (SQLite: one writer)."""
    return hmac.new(_subject_key(conn), _normalized(identifier), hashlib.sha256).hexdigest()


class Subjects:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    def hash(self, identifier: str) -> str:
        """Keyed hash of a participant identifier (e-mail, phone, customer id), never the value."""
        data = _normalized(identifier)
        return hmac.new(self._key(), data, hashlib.sha256).hexdigest()

    def _key(self) -> bytes:
        with self._db.connect() as conn:
            row = conn.execute(_KEY_QUERY).first()
        if row is not None:
            return bytes(row.value)
        try:
            with self._db.begin() as conn:
                return _subject_key(conn)
        except IntegrityError:  # another process made it first: use theirs
            with self._db.connect() as conn:
                return bytes(conn.execute(_KEY_QUERY).one().value)

    def recordings_of(self, identifier: str, host: str | None) -> list[str]:
        """Ids of the recordings (of ``host``; None: any) where this participant appears."""
        digest = self.hash(identifier)
        p, r = s.participants, s.recordings
        q = (
            select(p.c.recording_id)
            .join(r, r.c.id == p.c.recording_id)
            .where(p.c.subject_hash == digest)
            .distinct()
            .order_by(p.c.recording_id)
        )
        if host is not None:
            q = q.where(r.c.host == host)
        with self._db.connect() as conn:
            return [str(row.recording_id) for row in conn.execute(q)]

    def participants(self, recording_id: str) -> list[Participant]:
        p = s.participants
        q = select(p.c.role, p.c.channel, p.c.opted_out).where(p.c.recording_id == recording_id)
        with self._db.connect() as conn:
            return [Participant(r.role, r.channel, bool(r.opted_out)) for r in conn.execute(q)]

    # -- consent and opt-out ----------------------------------------------------------------

    def consent_rows(
        self, *, since: datetime | None = None, host: str | None = None
    ) -> list[ConsentRow]:
        """Not-purged recordings (oldest first) with consent, status and any opt-out."""
        r, p, t = s.recordings, s.participants, s.tombstones
        opted_out = exists().where(and_(p.c.recording_id == r.c.id, p.c.opted_out.is_(True)))
        purged = exists().where(t.c.recording_id == r.c.id)
        q = select(
            r.c.id, r.c.host, r.c.consent_training, r.c.status, opted_out.label("opted_out")
        ).where(~purged)
        if since is not None:
            q = q.where(r.c.created_at >= since)
        if host is not None:
            q = q.where(r.c.host == host)
        with self._db.connect() as conn:
            rows = conn.execute(q.order_by(r.c.created_at, r.c.id)).all()
        return [
            ConsentRow(x.id, x.host, bool(x.consent_training), x.status, bool(x.opted_out))
            for x in rows
        ]

    def _check_writable(self, conn: Connection, recording_id: str) -> None:
        self._db.lock_recording(conn, recording_id)
        if self._db.is_tombstoned(conn, recording_id):
            raise PurgedError(f"recording {recording_id} was purged; consent not changed")
        if not self._db.recording_exists(conn, recording_id):
            raise NotFoundError(f"recording {recording_id}: not found")

    def set_training_consent(self, recording_id: str, consent: bool, *, actor: str) -> None:
        """Under the recording lock, refused for a purged recording; audited."""
        with self._db.begin() as conn:
            self._check_writable(conn, recording_id)
            conn.execute(
                update(s.recordings)
                .where(s.recordings.c.id == recording_id)
                .values(consent_training=consent, updated_at=now())
            )
            self._audit.record_in(
                conn,
                actor=actor,
                action="consent-training",
                recording_id=recording_id,
                detail={"consent_training": consent},
            )

    def set_opt_out(
        self,
        recording_id: str,
        *,
        role: str | None,
        channel: int | None,
        opted_out: bool,
        actor: str,
        label: str,
    ) -> int:
        """Mark the participant(s) with this role (or channel); returns how many matched.

        A role or channel that no participant row has yet gets one, so an opt-out is never
        lost because the metadata at ingest did not list that participant. ``label`` is how
        the audit entry names the participant (the role or channel as given).
        """
        p = s.participants
        cond = p.c.channel == channel if role is None else p.c.role == role
        with self._db.begin() as conn:
            self._check_writable(conn, recording_id)
            n = conn.execute(
                update(p).where(p.c.recording_id == recording_id, cond).values(opted_out=opted_out)
            ).rowcount
            if not n:
                conn.execute(
                    insert(p).values(
                        recording_id=recording_id,
                        role=role or "",
                        channel=channel,
                        opted_out=opted_out,
                        subject_hash=None,
                    )
                )
                n = 1
            self._audit.record_in(
                conn,
                actor=actor,
                action="participant-opt-out" if opted_out else "participant-opt-in",
                recording_id=recording_id,
                detail={"participant": label},
            )
        return int(n)
