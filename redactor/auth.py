"""Who may use ``redactor serve``: API tokens, browser sessions and webhook signing secrets.

Tokens look like ``rdk_<id>_<secret>``. Only the SHA-256 of the whole token is stored: tokens
are 256-bit random strings, so a fast hash is as good as a slow one and keeps every request
cheap. The id part lets ``token list``/``revoke`` name a token without showing it.

Roles:

- ``support``: reads redacted transcripts, redacted audio and summaries (ticket required).
- ``host``: its own recordings only (list, view, delete, consent, data-subject requests).
- ``admin``: everything a host can do on every host, plus tokens and the audit log.

This module knows tables only; ``redactor.web`` and ``redactor.cli.serve`` are built on it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from redactor.errors import InputError, NotFoundError
from redactor.ingest import validate_id
from redactor.store import Store
from redactor.store import schema as s
from redactor.store.core import now

__all__ = [
    "ROLES",
    "Principal",
    "create_session",
    "create_token",
    "end_session",
    "list_tokens",
    "principal_for_session",
    "principal_for_token",
    "revoke_token",
    "rotate_webhook_secret",
    "set_webhook_secret",
    "subject_hash",
    "webhook_secrets",
]

ROLES = ("support", "host", "admin")
TOKEN_PREFIX = "rdk_"
SESSION_TTL = timedelta(hours=8)
_SUBJECT_KEY = "subject_hash_key"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: a token's id, role, host (for role host) and label."""

    token_id: str
    role: str
    host: str | None
    name: str

    @property
    def actor(self) -> str:
        """How the audit log names the caller (token id and label, never the token)."""
        return f"{self.role}:{self.token_id}" + (f" ({self.name})" if self.name else "")

    def sees_host(self, host: str) -> bool:
        return self.role != "host" or self.host == host


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


# -- tokens --------------------------------------------------------------------------------


def create_token(
    store: Store, *, role: str, host: str | None = None, name: str = "", actor: str = "cli"
) -> str:
    """Create a token and return it; it is shown once and cannot be read back."""
    if role not in ROLES:
        raise InputError(f"--role: {role!r} is not one of {', '.join(ROLES)}")
    if role == "host":
        if not host:
            raise InputError("--host is required for a host token")
        validate_id(host, "host id")
    elif host:
        raise InputError(f"--host only applies to host tokens, not to role {role!r}")
    if len(name) > 128:
        raise InputError("--name: at most 128 characters")
    token_id = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    with store.begin() as conn:
        conn.execute(
            insert(s.api_tokens).values(
                id=token_id,
                token_hash=_sha256(token),
                role=role,
                host=host if role == "host" else None,
                name=name,
                created_at=now(),
                revoked_at=None,
            )
        )
        store.audit(
            actor=actor,
            action="token_create",
            detail={"token_id": token_id, "role": role, "host": host},
            conn=conn,
        )
    return token


def principal_for_token(store: Store, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token; None for anything else."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _sha256(token)
    with store.engine.connect() as conn:
        row = conn.execute(select(s.api_tokens).where(s.api_tokens.c.token_hash == digest)).first()
    # The lookup is by hash, so timing reveals nothing about the token; compare anyway.
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return Principal(row.id, row.role, row.host, row.name)


def list_tokens(store: Store) -> list[dict[str, Any]]:
    cols = [c for c in s.api_tokens.c if c.name != "token_hash"]
    with store.engine.connect() as conn:
        rows = conn.execute(select(*cols).order_by(s.api_tokens.c.created_at))
        return [dict(r._mapping) for r in rows]


def revoke_token(store: Store, token_id: str, *, actor: str = "cli") -> None:
    with store.begin() as conn:
        done = conn.execute(
            update(s.api_tokens)
            .where(s.api_tokens.c.id == token_id, s.api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        if done.rowcount == 0:
            raise NotFoundError(f"token {token_id}: not found or already revoked")
        conn.execute(delete(s.web_sessions).where(s.web_sessions.c.token_id == token_id))
        store.audit(actor=actor, action="token_revoke", detail={"token_id": token_id}, conn=conn)


# -- browser sessions ----------------------------------------------------------------------


def create_session(store: Store, principal: Principal) -> str:
    """A random session id for the cookie; the database keeps only its hash."""
    sid = secrets.token_urlsafe(32)
    ts = now()
    with store.begin() as conn:
        conn.execute(delete(s.web_sessions).where(s.web_sessions.c.expires_at < ts))
        conn.execute(
            insert(s.web_sessions).values(
                id_hash=_sha256(sid),
                token_id=principal.token_id,
                created_at=ts,
                expires_at=ts + SESSION_TTL,
            )
        )
    return sid


def principal_for_session(store: Store, sid: str) -> Principal | None:
    if not sid or len(sid) > 100:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(
            select(s.api_tokens, s.web_sessions.c.expires_at)
            .join(s.web_sessions, s.web_sessions.c.token_id == s.api_tokens.c.id)
            .where(s.web_sessions.c.id_hash == _sha256(sid))
        ).first()
    if row is None or row.revoked_at is not None or _aware(row.expires_at) < now():
        return None
    return Principal(row.id, row.role, row.host, row.name)


def end_session(store: Store, sid: str) -> None:
    with store.begin() as conn:
        conn.execute(delete(s.web_sessions).where(s.web_sessions.c.id_hash == _sha256(sid)))


# -- webhook secrets -----------------------------------------------------------------------


def webhook_secrets(store: Store, host: str) -> list[str]:
    """The host's valid signing secrets, newest first (at most two)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(s.webhook_secrets.c.secret)
            .where(s.webhook_secrets.c.host == host, s.webhook_secrets.c.retired_at.is_(None))
            .order_by(s.webhook_secrets.c.id.desc())
        )
        return [r.secret for r in rows]


def _new_secret(secret: str | None) -> str:
    if secret is None:
        return "whsec_" + secrets.token_urlsafe(32)
    if len(secret) < 32 or len(secret) > 128:
        raise InputError("--secret: must be 32 to 128 characters")
    return secret


def set_webhook_secret(store: Store, host: str, secret: str | None = None) -> str:
    """Replace every secret of the host with one (given or generated); return it."""
    validate_id(host, "host id")
    value = _new_secret(secret)
    with store.begin() as conn:
        conn.execute(
            update(s.webhook_secrets)
            .where(s.webhook_secrets.c.host == host, s.webhook_secrets.c.retired_at.is_(None))
            .values(retired_at=now())
        )
        conn.execute(insert(s.webhook_secrets).values(host=host, secret=value, created_at=now()))
        store.audit(actor="cli", action="webhook_secret_set", detail={"host": host}, conn=conn)
    return value


def rotate_webhook_secret(store: Store, host: str, secret: str | None = None) -> str:
    """Add a new secret and keep the newest old one valid, so senders can switch over."""
    validate_id(host, "host id")
    value = _new_secret(secret)
    with store.begin() as conn:
        current = conn.execute(
            select(s.webhook_secrets.c.id)
            .where(s.webhook_secrets.c.host == host, s.webhook_secrets.c.retired_at.is_(None))
            .order_by(s.webhook_secrets.c.id.desc())
        ).first()
        if current is None:
            raise NotFoundError(f"host {host}: no webhook secret to rotate (use set)")
        conn.execute(
            update(s.webhook_secrets)
            .where(
                s.webhook_secrets.c.host == host,
                s.webhook_secrets.c.retired_at.is_(None),
                s.webhook_secrets.c.id != current.id,
            )
            .values(retired_at=now())
        )
        conn.execute(insert(s.webhook_secrets).values(host=host, secret=value, created_at=now()))
        store.audit(actor="cli", action="webhook_secret_rotate", detail={"host": host}, conn=conn)
    return value


# -- data subjects -------------------------------------------------------------------------


def subject_hash(store: Store, identifier: str, *, conn: Connection | None = None) -> str:
    """Keyed hash of a participant identifier (e-mail, phone, customer id), never the value.

    The key is a random per-store secret created on first use, so the hashes in
    ``participants.subject_hash`` cannot be reversed by hashing guesses without the store.
    A writer already inside a transaction passes its ``conn`` (SQLite allows one writer).
    """
    normalized = " ".join(identifier.split()).casefold()
    if not normalized:
        raise InputError("identifier: must not be empty")
    key = _subject_key(conn) if conn is not None else _subject_key_own(store)
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def subject_hash_in(conn: Connection, identifier: str) -> str:
    """``subject_hash`` for a writer inside a transaction (the store's ingest write)."""
    normalized = " ".join(identifier.split()).casefold()
    if not normalized:
        raise InputError("identifier: must not be empty")
    return hmac.new(_subject_key(conn), normalized.encode(), hashlib.sha256).hexdigest()


_KEY_QUERY = select(s.server_secrets.c.value).where(s.server_secrets.c.name == _SUBJECT_KEY)


def _subject_key(conn: Connection) -> bytes:
    row = conn.execute(_KEY_QUERY).first()
    if row is None:
        conn.execute(
            insert(s.server_secrets).values(name=_SUBJECT_KEY, value=secrets.token_bytes(32))
        )
        row = conn.execute(_KEY_QUERY).one()
    return bytes(row.value)


def _subject_key_own(store: Store) -> bytes:
    with store.engine.connect() as conn:
        row = conn.execute(_KEY_QUERY).first()
    if row is not None:
        return bytes(row.value)
    try:
        with store.begin() as conn:
            return _subject_key(conn)
    except IntegrityError:  # another process made it first: use theirs
        with store.engine.connect() as conn:
            return bytes(conn.execute(_KEY_QUERY).one().value)
