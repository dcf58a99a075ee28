"""Break-glass grants: a host's permission for one named admin to read one recording raw.

A grant names the recording, the reason the host gave, the token id of the admin who may use
it and when it expires; the host can revoke it. Every use is a row here and an audit entry,
written in one transaction with the check that the grant is still valid, so a revoked or
expired grant can never be used, however the calls race. Grants and their uses are data of
the recording (``recording_id``): a purge removes them; the audit trail stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from redactor.store import schema as s
from redactor.store.audit import AuditLog
from redactor.store.db import Database, now
from redactor.store.records import aware

__all__ = ["Grant", "GrantUse", "Grants"]


@dataclass(frozen=True, slots=True)
class GrantUse:
    at: datetime
    actor: str
    ticket: str
    what: str  # raw_transcript | reveal_values

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "ticket": self.ticket,
            "what": self.what,
        }


@dataclass(frozen=True, slots=True)
class Grant:
    id: str
    recording_id: str
    host: str
    reason: str
    grantee: str  # the token id of the admin who may use it
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    uses: tuple[GrantUse, ...] = ()

    def state(self, at: datetime | None = None) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= (at or now()) else "active"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "recording_id": self.recording_id,
            "host": self.host,
            "reason": self.reason,
            "grantee": self.grantee,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "revoked_by": self.revoked_by,
            "state": self.state(),
            "uses": [u.as_dict() for u in self.uses],
        }


def _grant(r: Row[Any], uses: tuple[GrantUse, ...] = ()) -> Grant:
    return Grant(
        r.id,
        r.recording_id,
        r.host,
        r.reason,
        r.grantee,
        r.created_by,
        aware(r.created_at),
        aware(r.expires_at),
        aware(r.revoked_at) if r.revoked_at else None,
        r.revoked_by,
        uses,
    )


class Grants:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    def create(
        self,
        *,
        grant_id: str,
        recording_id: str,
        host: str,
        reason: str,
        grantee: str,
        expires_at: datetime,
        actor: str,
    ) -> Grant:
        ts = now()
        values = {
            "id": grant_id,
            "recording_id": recording_id,
            "host": host,
            "reason": reason,
            "grantee": grantee,
            "created_by": actor,
            "created_at": ts,
            "expires_at": expires_at,
            "revoked_at": None,
            "revoked_by": None,
        }
        with self._db.begin() as conn:
            conn.execute(insert(s.access_grants).values(**values))
            self._audit.record_in(
                conn,
                actor=actor,
                action="grant_create",
                recording_id=recording_id,
                detail={
                    "grant": grant_id,
                    "grantee": grantee,
                    "expires_at": expires_at.isoformat(),
                },
            )
        return self.get(grant_id) or _never()

    def get(self, grant_id: str) -> Grant | None:
        with self._db.connect() as conn:
            row = conn.execute(
                select(s.access_grants).where(s.access_grants.c.id == grant_id)
            ).first()
            return None if row is None else _grant(row, self._uses(conn, [grant_id])[grant_id])

    def of(self, *, host: str | None, recording_id: str | None = None) -> list[Grant]:
        """Grants (with their uses) of a host (None: every host), optionally one recording."""
        g = s.access_grants
        q = select(g).order_by(g.c.created_at, g.c.id)
        if host is not None:
            q = q.where(g.c.host == host)
        if recording_id is not None:
            q = q.where(g.c.recording_id == recording_id)
        with self._db.connect() as conn:
            rows = list(conn.execute(q))
            uses = self._uses(conn, [r.id for r in rows])
        return [_grant(r, uses[r.id]) for r in rows]

    def revoke(self, grant_id: str, *, host: str | None, actor: str) -> bool:
        """Revoke an active grant (of ``host``; None: any); False if there is none."""
        g = s.access_grants
        cond = [g.c.id == grant_id, g.c.revoked_at.is_(None)]
        if host is not None:
            cond.append(g.c.host == host)
        with self._db.begin() as conn:
            row = conn.execute(select(g.c.recording_id).where(*cond)).first()
            if row is None:
                return False
            conn.execute(update(g).where(*cond).values(revoked_at=now(), revoked_by=actor))
            self._audit.record_in(
                conn,
                actor=actor,
                action="grant_revoke",
                recording_id=row.recording_id,
                detail={"grant": grant_id},
            )
        return True

    def use(
        self, grant_id: str, *, recording_id: str, grantee: str, actor: str, ticket: str, what: str
    ) -> bool:
        """Record one use if the grant is active, for this recording and this grantee.

        The check and the writes (use row, audit entry) are one transaction, so a grant
        revoked a moment before is refused. Returns False (and writes nothing) otherwise.
        """
        g = s.access_grants
        ts = now()
        with self._db.begin() as conn:
            row = conn.execute(
                select(g.c.id, g.c.expires_at).where(
                    g.c.id == grant_id,
                    g.c.recording_id == recording_id,
                    g.c.grantee == grantee,
                    g.c.revoked_at.is_(None),
                )
            ).first()
            if row is None or aware(row.expires_at) <= ts:
                return False
            conn.execute(
                insert(s.access_grant_uses).values(
                    grant_id=grant_id,
                    recording_id=recording_id,
                    at=ts,
                    actor=actor,
                    ticket=ticket,
                    what=what,
                )
            )
            self._audit.record_in(
                conn,
                actor=actor,
                action=f"grant_use:{what}",
                recording_id=recording_id,
                ticket=ticket,
                detail={"grant": grant_id},
            )
        return True

    @staticmethod
    def _uses(conn: Connection, grant_ids: list[str]) -> dict[str, tuple[GrantUse, ...]]:
        out: dict[str, list[GrantUse]] = {gid: [] for gid in grant_ids}
        if grant_ids:
            u = s.access_grant_uses
            rows = conn.execute(
                select(u).where(u.c.grant_id.in_(grant_ids)).order_by(u.c.at, u.c.id)
            )
            for r in rows:
                out[r.grant_id].append(GrantUse(aware(r.at), r.actor, r.ticket, r.what))
        return {k: tuple(v) for k, v in out.items()}


def _never() -> Grant:
    raise AssertionError("a grant just inserted must be readable")
