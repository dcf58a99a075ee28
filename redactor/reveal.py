"""Authorised re-identification: decrypt the ``encrypt.v1`` tokens of one stored redaction.

Only an admin may do it, only with a ticket, and every attempt (allowed or refused) lands in
the audit log before anything is shown. The tokens decrypt with the recording's data key, so
after a purge (key deleted) nothing can be revealed any more.
"""

from __future__ import annotations

from redactor.errors import InputError, NotFoundError
from redactor.operators.encrypt import TOKEN_RE, reveal_text
from redactor.store import Store

__all__ = ["REVEAL_ROLE", "reveal"]

REVEAL_ROLE = "admin"


def _data_key(store: Store, recording_id: str) -> bytes:
    key = store.recordings.data_key(recording_id)
    if key is None:
        raise NotFoundError(f"recording {recording_id}: no data key (purged or anonymized)")
    return key


def reveal(
    store: Store, recording_id: str, *, policy: str, actor: str, role: str, ticket: str
) -> str:
    """The transcript of ``policy`` as text, with every encrypted token replaced by its value."""
    if not ticket.strip() or not actor.strip():
        raise InputError("reveal needs --actor and --ticket")
    detail = {"policy": policy, "role": role}
    if role != REVEAL_ROLE:
        store.audit.record(
            actor=actor,
            action="reveal-denied",
            recording_id=recording_id,
            ticket=ticket,
            detail=detail,
        )
        raise InputError(f"reveal needs the {REVEAL_ROLE!r} role (got {role!r})")
    redacted = store.artifacts.redacted_transcript(recording_id, policy)
    lines = [f"[{seg.start_s:08.3f}] {seg.speaker}: {seg.text}" for seg in redacted.segments]
    text = "\n".join(lines)
    tokens = len(TOKEN_RE.findall(text))
    if not tokens:
        raise InputError(
            f"recording {recording_id}: policy {policy!r} has no encrypted values to reveal"
        )
    key = _data_key(store, recording_id)
    store.audit.record(
        actor=actor,
        action="reveal",
        recording_id=recording_id,
        ticket=ticket,
        detail={**detail, "tokens": tokens},
    )
    revealed, _ = reveal_text(text, key=key, recording_id=recording_id)
    return revealed + "\n"
