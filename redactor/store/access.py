"""API tokens and browser sessions (``redactor serve``); only hashes are stored.

Token generation, roles and the cookie live in ``redactor.auth``; this module keeps the rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, insert, select, update

from redactor.store import schema as s
from redactor.store.audit import AuditLog
from redactor.store.db import Database, now
from redactor.store.records import Role, SessionInfo, TokenInfo, aware

__all__ = ["Access"]


def _token(r: Row[Any]) -> TokenInfo:
    return TokenInfo(
        r.id,
        Role(r.role),
        r.host,
        r.name,
        aware(r.created_at),
        aware(r.revoked_at) if r.revoked_at else None,
        aware(r.expires_at) if r.expires_at else None,
    )


class Access:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    # -- tokens -----------------------------------------------------------------------------

    def add_token(
        self,
        *,
        token_id: str,
        token_hash: str,
        role: Role,
        host: str | None,
        name: str,
        expires_at: datetime,
        actor: str,
    ) -> None:
        with self._db.begin() as conn:
            conn.execute(
                insert(s.api_tokens).values(
                    id=token_id,
                    token_hash=token_hash,
                    role=str(role),
                    host=host,
                    name=name,
                    created_at=now(),
                    revoked_at=None,
                    expires_at=expires_at,
                )
            )
            self._audit.record_in(
                conn,
                actor=actor,
                action="token_create",
                detail={
                    "token_id": token_id,
                    "role": str(role),
                    "host": host,
                    "expires_at": expires_at.isoformat(),
                },
            )

    def token_by_hash(self, token_hash: str) -> tuple[TokenInfo, str] | None:
        """The token with this hash and the stored hash (for a constant-time compare)."""
        q = select(s.api_tokens).where(s.api_tokens.c.token_hash == token_hash)
        with self._db.connect() as conn:
            row = conn.execute(q).first()
        return None if row is None else (_token(row), str(row.token_hash))

    def tokens(self) -> list[TokenInfo]:
        cols = [c for c in s.api_tokens.c if c.name != "token_hash"]
        with self._db.connect() as conn:
            rows = conn.execute(select(*cols).order_by(s.api_tokens.c.created_at))
            return [_token(r) for r in rows]

    def revoke_token(self, token_id: str, *, actor: str) -> bool:
        """Revoke a token and end its sessions; False if unknown or already revoked."""
        with self._db.begin() as conn:
            done = conn.execute(
                update(s.api_tokens)
                .where(s.api_tokens.c.id == token_id, s.api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now())
            )
            if done.rowcount == 0:
                return False
            conn.execute(delete(s.web_sessions).where(s.web_sessions.c.token_id == token_id))
            self._audit.record_in(
                conn, actor=actor, action="token_revoke", detail={"token_id": token_id}
            )
        return True

    # -- sessions ---------------------------------------------------------------------------

    def add_session(self, id_hash: str, token_id: str, ttl: timedelta) -> None:
        """Store a session (by the hash of its id); expired sessions are dropped on the way."""
        ts = now()
        with self._db.begin() as conn:
            conn.execute(delete(s.web_sessions).where(s.web_sessions.c.expires_at < ts))
            conn.execute(
                insert(s.web_sessions).values(
                    id_hash=id_hash, token_id=token_id, created_at=ts, expires_at=ts + ttl
                )
            )

    def session(self, id_hash: str) -> SessionInfo | None:
        with self._db.connect() as conn:
            row = conn.execute(
                select(s.api_tokens, s.web_sessions.c.expires_at)
                .join(s.web_sessions, s.web_sessions.c.token_id == s.api_tokens.c.id)
                .where(s.web_sessions.c.id_hash == id_hash)
            ).first()
        return None if row is None else SessionInfo(_token(row), aware(row.expires_at))

    def end_session(self, id_hash: str) -> None:
        with self._db.begin() as conn:
            conn.execute(delete(s.web_sessions).where(s.web_sessions.c.id_hash == id_hash))
