"""Authorised re-identification: decrypt the ``encrypt.v1`` tokens of one stored redaction.

Only with a grant the recording's host created for the caller's admin token
(``redactor.grants``), only with a ticket, and the use (or the refusal) is in the audit log
before anything is shown. The tokens decrypt with the recording's data key, so after a purge
(key deleted) nothing can be revealed any more.
"""

from __future__ import annotations

from redactor.errors import InputError, NotFoundError
from redactor.grants import use_grant
from redactor.operators.encrypt import TOKEN_RE, reveal_text
from redactor.store import Store

__all__ = ["reveal"]


def _data_key(store: Store, recording_id: str) -> bytes:
    key = store.recordings.data_key(recording_id)
    if key is None:
        raise NotFoundError(f"recording {recording_id}: no data key (purged or anonymized)")
    return key


def reveal(
    store: Store,
    recording_id: str,
    *,
    policy: str,
    actor: str,
    token_id: str,
    ticket: str,
    grant: str | None,
) -> str:
    """The transcript of ``policy`` as text, with every encrypted token replaced by its value.

    ``token_id`` is the caller's admin token; ``grant`` must be an active grant of the
    recording's host naming it.
    """
    if not ticket.strip():
        raise InputError("reveal needs a ticket")
    redacted = store.artifacts.redacted_transcript(recording_id, policy)
    lines = [f"[{seg.start_s:08.3f}] {seg.speaker}: {seg.text}" for seg in redacted.segments]
    text = "\n".join(lines)
    if not TOKEN_RE.search(text):
        raise InputError(
            f"recording {recording_id}: policy {policy!r} has no encrypted values to reveal"
        )
    use_grant(
        store,
        grant,
        recording_id=recording_id,
        token_id=token_id,
        actor=actor,
        ticket=ticket,
        what="reveal_values",
    )
    revealed, _ = reveal_text(text, key=_data_key(store, recording_id), recording_id=recording_id)
    return revealed + "\n"
