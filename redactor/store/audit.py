"""The audit log: who did what to which recording, and why (ticket). Kept after a purge."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, insert, select

from redactor.store import schema as s
from redactor.store.db import Database, now
from redactor.store.records import AuditEntry

__all__ = ["AuditLog"]


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(
        self,
        *,
        actor: str,
        action: str,
        recording_id: str | None = None,
        ticket: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        with self._db.begin() as conn:
            self.record_in(
                conn,
                actor=actor,
                action=action,
                recording_id=recording_id,
                ticket=ticket,
                detail=detail,
            )

    def record_in(
        self,
        conn: Connection,
        *,
        actor: str,
        action: str,
        recording_id: str | None = None,
        ticket: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """The same, inside another repository's transaction (commits with its work)."""
        conn.execute(
            insert(s.audit_log).values(
                at=now(),
                actor=actor,
                action=action,
                recording_id=recording_id,
                ticket=ticket,
                detail=json.dumps(detail or {}, sort_keys=True),
            )
        )

    def entries(self, recording_id: str | None = None) -> list[AuditEntry]:
        q = select(s.audit_log).order_by(s.audit_log.c.id)
        if recording_id is not None:
            q = q.where(s.audit_log.c.recording_id == recording_id)
        with self._db.connect() as conn:
            return [
                AuditEntry(r.id, r.at, r.actor, r.action, r.recording_id, r.ticket, r.detail)
                for r in conn.execute(q)
            ]
