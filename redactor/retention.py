"""Retention: purge or anonymize recordings once they are older than a host wants to keep.

A host's own setting (``retention set HOST``) wins over the command's default. ``purge``
removes everything (``redactor.purge``); ``anonymize`` keeps the redacted and inferred
artifacts and destroys everything raw (raw transcript, its data key, raw audio references),
for "delete or anonymize once there is no need" without losing the redacted record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redactor.errors import InputError
from redactor.purge import purge
from redactor.store import RecordingStatus, Store

__all__ = [
    "ACTIONS",
    "RetentionDecision",
    "anonymize",
    "apply_retention",
    "parse_age",
    "plan_retention",
]

ACTIONS = ("purge", "anonymize")
_AGE = re.compile(r"^(\d{1,6})([hdw])$")
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_age(text: str) -> timedelta:
    """``30d``, ``12h`` or ``4w`` as a duration."""
    m = _AGE.match(text.strip())
    if not m:
        raise InputError(f"--older-than: {text!r} is not an age; use e.g. 30d, 12h or 4w")
    return int(m.group(1)) * _UNIT[m.group(2)]


def check_action(action: str) -> str:
    if action not in ACTIONS:
        raise InputError(f"--action: {action!r} is not one of {', '.join(ACTIONS)}")
    return action


@dataclass(frozen=True, slots=True)
class RetentionDecision:
    recording_id: str
    host: str
    action: str  # purge | anonymize
    rule: str  # "host" (the host's own setting) | "default" (the command's)


def plan_retention(
    store: Store,
    *,
    older_than: timedelta | None,
    action: str = "purge",
    host: str | None = None,
    now: datetime | None = None,
) -> list[RetentionDecision]:
    """What a retention run would do, without doing it (this is also ``--dry-run``)."""
    check_action(action)
    now = now or datetime.now(UTC)
    settings = store.retention.settings()
    out: list[RetentionDecision] = []
    for h, setting in settings.items():
        if host is not None and h != host:
            continue
        cutoff = now - timedelta(days=setting.older_than_days)
        for rid, _, status in store.recordings.created_before(cutoff, host=h):
            if not (setting.action == "anonymize" and status == RecordingStatus.ANONYMIZED):
                out.append(RetentionDecision(rid, h, setting.action, "host"))
    if older_than is not None:
        for rid, h, status in store.recordings.created_before(now - older_than, host=host):
            if h not in settings and not (
                action == "anonymize" and status == RecordingStatus.ANONYMIZED
            ):
                out.append(RetentionDecision(rid, h, action, "default"))
    return out


def anonymize(store: Store, recording_id: str, *, actor: str = "retention") -> dict[str, int]:
    """Destroy the raw material of a recording and keep its redacted artifacts."""
    counts = store.recordings.anonymize(recording_id)
    store.audit.record(
        actor=actor, action="anonymize", recording_id=recording_id, detail={"counts": counts}
    )
    return counts


def apply_retention(store: Store, decisions: list[RetentionDecision]) -> list[dict[str, Any]]:
    """Carry out the decisions; one result a recording (the purge receipt or the counts)."""
    results = []
    for d in decisions:
        if d.action == "purge":
            receipt = purge(store, d.recording_id, "retention", actor="retention")
            results.append({"id": d.recording_id, "action": "purge", "receipt": receipt.as_dict()})
        else:
            counts = anonymize(store, d.recording_id)
            results.append({"id": d.recording_id, "action": "anonymize", "counts": counts})
    return results
