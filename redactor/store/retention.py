"""Per-host retention settings: recordings older than N days are purged or anonymized."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from redactor.store import schema as s
from redactor.store.db import Database, now
from redactor.store.records import RetentionSetting

__all__ = ["Retention"]


class Retention:
    def __init__(self, db: Database) -> None:
        self._db = db

    def set(self, host: str, older_than_days: int, action: str) -> None:
        t = s.retention_settings
        with self._db.begin() as conn:
            conn.execute(delete(t).where(t.c.host == host))
            conn.execute(
                insert(t).values(
                    host=host, older_than_days=older_than_days, action=action, updated_at=now()
                )
            )

    def clear(self, host: str) -> bool:
        t = s.retention_settings
        with self._db.begin() as conn:
            return bool(conn.execute(delete(t).where(t.c.host == host)).rowcount)

    def settings(self) -> dict[str, RetentionSetting]:
        t = s.retention_settings
        with self._db.connect() as conn:
            rows = conn.execute(select(t).order_by(t.c.host))
            return {r.host: RetentionSetting(r.host, r.older_than_days, r.action) for r in rows}
