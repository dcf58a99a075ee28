"""Break-glass access "as requested by the Host": the only way to anything raw.

The recording's host creates a grant (recording, reason, the admin token that may use it,
expiry of at most 24 hours); that admin uses it with a ticket; every use is written (with the
grant id) to the grant's uses and to the audit log, both visible in the host's export; the
host can list and revoke its grants. There is no other path to a raw transcript or to the
values behind ``encrypt.v1`` tokens: without a valid grant the answer is "forbidden".
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from redactor.errors import ForbiddenError, InputError, NotFoundError
from redactor.ingest import validate_id
from redactor.store import Grant, Store

__all__ = [
    "MAX_GRANT_TTL",
    "USES",
    "check_reason",
    "create_grant",
    "parse_duration",
    "revoke_grant",
    "use_grant",
]

MAX_GRANT_TTL = timedelta(hours=24)
USES = ("raw_transcript", "reveal_values")
# A reason is a short line the host writes for its own records (a case number, "legal hold"):
# printable, no control characters, so it cannot smuggle markup lines into logs or CSV.
_REASON = re.compile(r"[^\x00-\x1f\x7f]{1,200}")
_GRANT_ID = re.compile(r"grt_[0-9a-f]{16}")
_DURATION = re.compile(r"([0-9]{1,6})([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str, what: str, *, most: timedelta) -> timedelta:
    """``90m``, ``2h``, ``30d``: a positive duration of at most ``most``."""
    m = _DURATION.fullmatch(text.strip())
    if m is None or int(m.group(1)) == 0:
        raise InputError(f"{what}: {text!r} is not a duration such as 30m, 2h or 7d")
    value = timedelta(seconds=int(m.group(1)) * _UNITS[m.group(2)])
    if value > most:
        raise InputError(f"{what}: at most {_human(most)}")
    return value


def _human(d: timedelta) -> str:
    secs = int(d.total_seconds())
    return f"{secs // 86400} days" if secs >= 86400 * 2 else f"{secs // 3600} hours"


def check_reason(reason: str) -> str:
    if not _REASON.fullmatch(reason) or not reason.strip():
        raise InputError("reason: 1-200 characters on one line")
    return reason


def create_grant(
    store: Store,
    *,
    host: str,
    recording_id: str,
    reason: str,
    grantee: str,
    expires_in: timedelta,
    actor: str,
) -> Grant:
    """A host's grant for ``grantee`` (an active admin token id) to read one recording raw."""
    validate_id(recording_id)
    if not store.recordings.exists(recording_id) or store.recordings.get(recording_id).host != host:
        raise NotFoundError(f"recording {recording_id}: not found")
    check_reason(reason)
    if not timedelta(0) < expires_in <= MAX_GRANT_TTL:
        raise InputError("expires_in: more than 0 and at most 24 hours")
    admin = next((t for t in store.access.tokens() if t.id == grantee), None)
    if admin is None or admin.role != "admin" or admin.revoked_at is not None:
        raise InputError(f"grantee: {grantee!r} is not an active admin token id")
    return store.grants.create(
        grant_id="grt_" + secrets.token_hex(8),
        recording_id=recording_id,
        host=host,
        reason=reason,
        grantee=grantee,
        expires_at=datetime.now(UTC) + expires_in,
        actor=actor,
    )


def revoke_grant(store: Store, grant_id: str, *, host: str | None, actor: str) -> None:
    if not _GRANT_ID.fullmatch(grant_id) or not store.grants.revoke(
        grant_id, host=host, actor=actor
    ):
        raise NotFoundError(f"grant {grant_id}: not found or not active")


def use_grant(
    store: Store,
    grant_id: str | None,
    *,
    recording_id: str,
    token_id: str,
    actor: str,
    ticket: str,
    what: str,
) -> None:
    """Record a use of the grant, or raise ForbiddenError (the refusal is audited too)."""
    assert what in USES
    ok = (
        grant_id is not None
        and _GRANT_ID.fullmatch(grant_id) is not None
        and store.grants.use(
            grant_id,
            recording_id=recording_id,
            grantee=token_id,
            actor=actor,
            ticket=ticket,
            what=what,
        )
    )
    if not ok:
        store.audit.record(
            actor=actor,
            action=f"grant_refused:{what}",
            recording_id=recording_id,
            ticket=ticket,
            detail={"grant": grant_id if grant_id and _GRANT_ID.fullmatch(grant_id) else None},
        )
        raise ForbiddenError(
            f"recording {recording_id}: raw access needs an active grant from its host "
            "naming your token (grant=...)"
        )
