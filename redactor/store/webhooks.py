"""Per-host webhook signing secrets and deletion webhook events.

Rotation retires all but the newest secret, then adds one, so at most two are valid at once.
An event is keyed by (host, event id), so a replayed event is recognised; like the audit log,
events and their receipts outlive the purge they triggered.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from redactor.store import schema as s
from redactor.store.audit import AuditLog
from redactor.store.db import Database, now
from redactor.store.records import PurgeReceipt, WebhookEvent, WebhookStatus

__all__ = ["Webhooks"]


class Webhooks:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    # -- secrets ----------------------------------------------------------------------------

    def secrets(self, host: str) -> list[str]:
        """The host's valid signing secrets, newest first (at most two)."""
        w = s.webhook_secrets
        with self._db.connect() as conn:
            rows = conn.execute(
                select(w.c.secret)
                .where(w.c.host == host, w.c.retired_at.is_(None))
                .order_by(w.c.id.desc())
            )
            return [r.secret for r in rows]

    def set_secret(self, host: str, value: str, *, actor: str) -> None:
        """Replace every secret of the host with ``value``."""
        w = s.webhook_secrets
        with self._db.begin() as conn:
            conn.execute(
                update(w).where(w.c.host == host, w.c.retired_at.is_(None)).values(retired_at=now())
            )
            conn.execute(insert(w).values(host=host, secret=value, created_at=now()))
            self._audit.record_in(
                conn, actor=actor, action="webhook_secret_set", detail={"host": host}
            )

    def rotate_secret(self, host: str, value: str, *, actor: str) -> bool:
        """Add ``value`` and keep only the newest old secret valid; False if there was none."""
        w = s.webhook_secrets
        with self._db.begin() as conn:
            current = conn.execute(
                select(w.c.id)
                .where(w.c.host == host, w.c.retired_at.is_(None))
                .order_by(w.c.id.desc())
            ).first()
            if current is None:
                return False
            conn.execute(
                update(w)
                .where(w.c.host == host, w.c.retired_at.is_(None), w.c.id != current.id)
                .values(retired_at=now())
            )
            conn.execute(insert(w).values(host=host, secret=value, created_at=now()))
            self._audit.record_in(
                conn, actor=actor, action="webhook_secret_rotate", detail={"host": host}
            )
        return True

    # -- events -----------------------------------------------------------------------------

    def add_event(
        self,
        *,
        host: str,
        event_id: str,
        recording_id: str,
        status: WebhookStatus,
        receipt: PurgeReceipt | None,
    ) -> bool:
        """Record a received event and its audit entry; False if the host sent it before."""
        ts = now()
        try:
            with self._db.begin() as conn:
                conn.execute(
                    insert(s.webhook_events).values(
                        host=host,
                        event_id=event_id,
                        target_recording=recording_id,
                        status=str(status),
                        received_at=ts,
                        finished_at=None if status == WebhookStatus.ACCEPTED else ts,
                        receipt=_receipt_json(receipt),
                    )
                )
                # Not the host's recording (or none): the entry must not land on it, where
                # its owner's export would show another host's request.
                mine = status != WebhookStatus.NOT_FOUND
                self._audit.record_in(
                    conn,
                    actor=f"webhook:{host}",
                    action="webhook_recording_deleted",
                    recording_id=recording_id if mine else None,
                    detail={"event_id": event_id, "status": str(status)},
                )
        except IntegrityError:
            return False
        return True

    def finish_event(
        self, host: str, event_id: str, status: WebhookStatus, receipt: PurgeReceipt | None
    ) -> None:
        e = s.webhook_events
        values: dict[str, Any] = {"status": str(status), "finished_at": now()}
        if receipt is not None:
            values["receipt"] = _receipt_json(receipt)
        with self._db.begin() as conn:
            conn.execute(
                update(e).where(e.c.host == host, e.c.event_id == event_id).values(**values)
            )

    def unfinished(self) -> list[WebhookEvent]:
        """Events accepted and not finished (the server stopped after the 202), oldest first."""
        e = s.webhook_events
        with self._db.connect() as conn:
            rows = conn.execute(
                select(e.c.host, e.c.event_id)
                .where(e.c.status == WebhookStatus.ACCEPTED)
                .order_by(e.c.received_at)
            ).all()
        return [ev for r in rows if (ev := self.event(r.host, r.event_id)) is not None]

    def event(self, host: str | None, event_id: str) -> WebhookEvent | None:
        """An event and its receipt (None if this host has no such event)."""
        e = s.webhook_events
        q = select(e).where(e.c.event_id == event_id)
        if host is not None:
            q = q.where(e.c.host == host)
        with self._db.connect() as conn:
            row = conn.execute(q.order_by(e.c.received_at)).first()
        if row is None:
            return None
        return WebhookEvent(
            host=row.host,
            event_id=row.event_id,
            recording_id=row.target_recording,
            status=WebhookStatus(row.status),
            received_at=row.received_at,
            finished_at=row.finished_at,
            receipt=_receipt(row.receipt),
        )


def _receipt_json(receipt: PurgeReceipt | None) -> str | None:
    return None if receipt is None else json.dumps(receipt.as_dict(), sort_keys=True)


def _receipt(body: str | None) -> PurgeReceipt | None:
    """The stored receipt; rows written before receipts were typed may hold ``{}`` (a purge
    with no receipt of its own), read as none."""
    d = json.loads(body) if body else None
    return PurgeReceipt.from_dict(d) if d else None
