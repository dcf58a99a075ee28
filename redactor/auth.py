"""Who may use ``redactor serve``: API tokens, browser sessions and webhook signing secrets.

Tokens look like ``rdk_<id>_<secret>``. Only the SHA-256 of the whole token is stored: tokens
are 256-bit random strings, so a fast hash is as good as a slow one and keeps every request
cheap. The id part lets ``token list``/``revoke`` name a token without showing it.

Roles:

- ``support``: reads redacted transcripts, redacted audio and summaries (ticket required).
- ``host``: its own recordings only (list, view, delete, consent, data-subject requests).
- ``admin``: everything a host can do on every host, plus tokens and the audit log.

The rows live in ``store.access`` and ``store.webhooks``; ``redactor.web`` and
``redactor.cli.serve`` are built on this module.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redactor.errors import InputError, NotFoundError
from redactor.ingest import validate_id
from redactor.store import Store
from redactor.store.records import Role, TokenInfo

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
    "webhook_secrets",
]

ROLES = tuple(Role)
TOKEN_PREFIX = "rdk_"
SESSION_TTL = timedelta(hours=8)
TOKEN_TTL = timedelta(days=90)  # the default; a token lives at most MAX_TOKEN_TTL
MAX_TOKEN_TTL = timedelta(days=365)


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


def _now() -> datetime:
    return datetime.now(UTC)


# -- tokens --------------------------------------------------------------------------------


def create_token(
    store: Store,
    *,
    role: str,
    host: str | None = None,
    name: str = "",
    expires_in: timedelta | int = TOKEN_TTL,
    actor: str = "cli",
) -> str:
    """Create a token and return it; it is shown once and cannot be read back.

    It stops working after ``expires_in`` (a timedelta or seconds; at most 365 days).
    """
    ttl = expires_in if isinstance(expires_in, timedelta) else timedelta(seconds=expires_in)
    if not timedelta(0) < ttl <= MAX_TOKEN_TTL:
        raise InputError("--expires-in: more than 0 and at most 365 days")
    if role not in ROLES:
        raise InputError(f"--role: {role!r} is not one of {', '.join(ROLES)}")
    if role == Role.HOST:
        if not host:
            raise InputError("--host is required for a host token")
        validate_id(host, "host id")
    elif host:
        raise InputError(f"--host only applies to host tokens, not to role {role!r}")
    if len(name) > 128:
        raise InputError("--name: at most 128 characters")
    token_id = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    store.access.add_token(
        token_id=token_id,
        token_hash=_sha256(token),
        role=Role(role),
        host=host if role == Role.HOST else None,
        name=name,
        expires_at=_now() + ttl,
        actor=actor,
    )
    return token


def principal_for_token(store: Store, token: str, *, at: float | None = None) -> Principal | None:
    """The principal of a valid, unrevoked, unexpired token (at time ``at``: now); else None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _sha256(token)
    found = store.access.token_by_hash(digest)
    when = _now() if at is None else datetime.fromtimestamp(at, UTC)
    # The lookup is by hash, so timing reveals nothing about the token; compare anyway.
    if found is None or not found[0].active(when):
        return None
    info, stored_hash = found
    if not hmac.compare_digest(stored_hash, digest):
        return None
    return _principal(info)


def _principal(info: TokenInfo) -> Principal:
    return Principal(info.id, str(info.role), info.host, info.name)


def list_tokens(store: Store) -> list[dict[str, Any]]:
    return [t.as_dict() for t in store.access.tokens()]


def revoke_token(store: Store, token_id: str, *, actor: str = "cli") -> None:
    if not store.access.revoke_token(token_id, actor=actor):
        raise NotFoundError(f"token {token_id}: not found or already revoked")


# -- browser sessions ----------------------------------------------------------------------


def create_session(store: Store, principal: Principal) -> str:
    """A random session id for the cookie; the database keeps only its hash."""
    sid = secrets.token_urlsafe(32)
    token = next((t for t in store.access.tokens() if t.id == principal.token_id), None)
    ttl = SESSION_TTL
    if token is not None and token.expires_at is not None:
        ttl = min(ttl, token.expires_at - _now())  # a session never outlives its token
    store.access.add_session(_sha256(sid), principal.token_id, ttl)
    return sid


def principal_for_session(store: Store, sid: str) -> Principal | None:
    if not sid or len(sid) > 100:
        return None
    found = store.access.session(_sha256(sid))
    if found is None or not found.token.active(_now()) or found.expires_at < _now():
        return None
    return _principal(found.token)


def end_session(store: Store, sid: str) -> None:
    store.access.end_session(_sha256(sid))


# -- webhook secrets -----------------------------------------------------------------------

SECRET_PREFIX = "whsec_"  # Standard Webhooks: whsec_ + base64 of the HMAC key
SECRET_BYTES = 32
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64  # whsec_ + base64 of 64 bytes: 94 characters, fits the column


def new_secret(given: str | None = None) -> str:
    """A ``whsec_<base64>`` secret: 32 random bytes, or ``given`` once checked."""
    if given is None:
        return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()
    body = given.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(body, validate=True) if given.startswith(SECRET_PREFIX) else b""
    except (binascii.Error, ValueError):
        key = b""
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise InputError(
            f"--secret: must be {SECRET_PREFIX}<base64> of {MIN_SECRET_BYTES} to 64 random bytes "
            "(the Standard Webhooks secret format)"
        )
    return given


def webhook_secrets(store: Store, host: str) -> list[str]:
    """The host's valid signing secrets, newest first (at most two)."""
    return store.webhooks.secrets(host)


def set_webhook_secret(store: Store, host: str, secret: str | None = None) -> str:
    """Replace every secret of the host with one (given or generated); return it."""
    validate_id(host, "host id")
    value = new_secret(secret)
    store.webhooks.set_secret(host, value, actor="cli")
    return value


def rotate_webhook_secret(store: Store, host: str, secret: str | None = None) -> str:
    """Add a new secret and keep the newest old one valid, so senders can switch over."""
    validate_id(host, "host id")
    value = new_secret(secret)
    if not store.webhooks.rotate_secret(host, value, actor="cli"):
        raise NotFoundError(f"host {host}: no webhook secret to rotate (use set)")
    return value
