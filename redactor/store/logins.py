"""Failed logins per client, for throttling the login form; every failure is also audited.

Only failures are kept, and only for the throttling window: a successful login clears the
client's failures, and old rows are dropped as new ones arrive.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, insert, select

from redactor.store import schema as s
from redactor.store.audit import AuditLog
from redactor.store.db import Database, now

__all__ = ["Logins"]


class Logins:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    def failures(self, client: str, window: timedelta) -> int:
        """Failed logins from ``client`` within the last ``window``."""
        t = s.login_failures
        with self._db.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(t)
                    .where(t.c.client == client, t.c.at > now() - window)
                ).scalar_one()
            )

    def record_failure(self, client: str, *, window: timedelta, throttled: bool) -> None:
        """Keep the failure (for throttling) and audit it, in one transaction."""
        t = s.login_failures
        ts = now()
        with self._db.begin() as conn:
            conn.execute(delete(t).where(t.c.at < ts - window))
            conn.execute(insert(t).values(client=client, at=ts))
            self._audit.record_in(
                conn,
                actor=f"client:{client}",
                action="login_throttled" if throttled else "login_failed",
            )

    def clear(self, client: str) -> None:
        with self._db.begin() as conn:
            conn.execute(delete(s.login_failures).where(s.login_failures.c.client == client))
