"""Failed token authentications, for throttling token guesses; every failure is also audited.

A failure is kept with the client address and, when the attempt named one, the token id it
tried (the id part of ``rdk_<id>_<secret>``: it names a token, it is not the secret). Only
failures are kept, and only for the throttling window: old rows are dropped as new ones
arrive, and a successful login clears its client's and its token's failures.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, insert, or_, select

from redactor.store import schema as s
from redactor.store.audit import AuditLog
from redactor.store.db import Database, now

__all__ = ["Logins"]


class Logins:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    def failures(self, client: str, window: timedelta, *, token_id: str | None = None) -> int:
        """Failures within the last ``window`` from ``client`` or, if given, against
        ``token_id``: whichever is more."""
        t = s.login_failures
        who, counts = t.c.client == client, [func.count().filter(t.c.client == client)]
        if token_id is not None:
            who = or_(who, t.c.token_id == token_id)
            counts.append(func.count().filter(t.c.token_id == token_id))
        q = select(*counts).where(t.c.at > now() - window, who)  # one indexed query
        with self._db.connect() as conn:
            row = conn.execute(q).one()
        return max(int(n or 0) for n in row)

    def record_failure(
        self,
        client: str,
        *,
        window: timedelta,
        throttled: bool,
        token_id: str | None = None,
        via: str = "login",
    ) -> None:
        """Keep the failure (for throttling) and audit it, in one transaction. ``via``:
        ``login`` (the form) or ``bearer`` (an ``Authorization`` header); the audit row is
        ``<via>_failed`` or ``<via>_throttled``, by ``client:<address>``, with the token id
        tried (never the token)."""
        t = s.login_failures
        ts = now()
        with self._db.begin() as conn:
            conn.execute(delete(t).where(t.c.at < ts - window))
            conn.execute(insert(t).values(client=client, at=ts, token_id=token_id))
            self._audit.record_in(
                conn,
                actor=f"client:{client}",
                action=f"{via}_throttled" if throttled else f"{via}_failed",
                detail={"token_id": token_id} if token_id else None,
            )

    def clear(self, client: str, *, token_id: str | None = None) -> None:
        t = s.login_failures
        who = t.c.client == client
        if token_id is not None:
            who = or_(who, t.c.token_id == token_id)
        with self._db.begin() as conn:
            conn.execute(delete(t).where(who))
