"""Training consent and participant opt-out: who may appear in a dataset.

A recording is eligible when its host consented (``recordings.consent_training``) and no
participant opted out (``participants.opted_out``). Both are set at ingest (flags, sidecar)
or later with ``redactor consent``; every change is audited. Consent withdrawn after an export
keeps the recording out of later exports; removing it from existing ones is what a purge does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, insert, select, update

from redactor.errors import InputError, NotFoundError, PurgedError
from redactor.store import Store
from redactor.store import schema as s
from redactor.store.core import now

__all__ = ["Eligible", "eligible_recordings", "set_opt_out", "set_training_consent"]

ELIGIBLE_STATUSES = ("done", "anonymized")


@dataclass(frozen=True, slots=True)
class Eligible:
    id: str
    host: str


def eligible_recordings(
    store: Store, *, since: datetime | None = None, host: str | None = None
) -> tuple[list[Eligible], dict[str, int]]:
    """Consented, not opted-out, not purged recordings (oldest first), and why others are not."""
    r, p, t = s.recordings, s.participants, s.tombstones
    opted_out = exists().where(and_(p.c.recording_id == r.c.id, p.c.opted_out.is_(True)))
    purged = exists().where(t.c.recording_id == r.c.id)
    q = select(r.c.id, r.c.host, r.c.consent_training, r.c.status, opted_out.label("opted_out"))
    q = q.where(~purged)
    if since is not None:
        q = q.where(r.c.created_at >= since)
    if host is not None:
        q = q.where(r.c.host == host)
    chosen: list[Eligible] = []
    skipped = {"no-consent": 0, "opted-out": 0, "not-processed": 0}
    with store.engine.connect() as conn:
        rows = conn.execute(q.order_by(r.c.created_at, r.c.id)).all()
    for row in rows:
        if not row.consent_training:
            skipped["no-consent"] += 1
        elif row.opted_out:
            skipped["opted-out"] += 1
        elif row.status not in ELIGIBLE_STATUSES:
            skipped["not-processed"] += 1
        else:
            chosen.append(Eligible(row.id, row.host))
    return chosen, skipped


def _check_writable(store: Store, conn: object, recording_id: str) -> None:
    from sqlalchemy import Connection

    assert isinstance(conn, Connection)
    store.lock_recording(conn, recording_id)
    if store.is_tombstoned(conn, recording_id):
        raise PurgedError(f"recording {recording_id} was purged; consent not changed")
    found = conn.execute(select(s.recordings.c.id).where(s.recordings.c.id == recording_id))
    if found.first() is None:
        raise NotFoundError(f"recording {recording_id}: not found")


def set_training_consent(
    store: Store, recording_id: str, consent: bool, *, actor: str = "cli"
) -> None:
    with store.begin() as conn:
        _check_writable(store, conn, recording_id)
        conn.execute(
            update(s.recordings)
            .where(s.recordings.c.id == recording_id)
            .values(consent_training=consent, updated_at=now())
        )
        store.audit(
            actor=actor,
            action="consent-training",
            recording_id=recording_id,
            detail={"consent_training": consent},
            conn=conn,
        )


def set_opt_out(
    store: Store, recording_id: str, who: str, *, opted_out: bool = True, actor: str = "cli"
) -> int:
    """Mark the participant(s) with this role or channel number; returns how many matched.

    A role or channel that no participant row has yet gets one, so an opt-out is never lost
    because the metadata at ingest did not list that participant.
    """
    who = who.strip()
    if not who or len(who) > 64:
        raise InputError("--opt-out: give a participant role (e.g. customer) or channel number")
    p = s.participants
    cond = p.c.channel == int(who) if who.isdigit() else p.c.role == who
    with store.begin() as conn:
        _check_writable(store, conn, recording_id)
        n = conn.execute(
            update(p).where(p.c.recording_id == recording_id, cond).values(opted_out=opted_out)
        ).rowcount
        if not n:
            conn.execute(
                insert(p).values(
                    recording_id=recording_id,
                    role="" if who.isdigit() else who,
                    channel=int(who) if who.isdigit() else None,
                    opted_out=opted_out,
                    subject_hash=None,
                )
            )
            n = 1
        store.audit(
            actor=actor,
            action="participant-opt-out" if opted_out else "participant-opt-in",
            recording_id=recording_id,
            detail={"participant": who},
            conn=conn,
        )
    return int(n)
