"""Training consent and participant opt-out: who may appear in a dataset.

A recording is eligible when its host consented (``recordings.consent_training``) and no
participant opted out (``participants.opted_out``). Both are set at ingest (flags, sidecar)
or later with ``redactor consent``; every change is audited. Consent withdrawn after an export
keeps the recording out of later exports; removing it from existing ones is what a purge does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redactor.errors import InputError
from redactor.store import Store
from redactor.store.records import RecordingStatus

__all__ = ["Eligible", "eligible_recordings", "set_opt_out", "set_training_consent"]

ELIGIBLE_STATUSES = (RecordingStatus.STORED, RecordingStatus.DONE, RecordingStatus.ANONYMIZED)


@dataclass(frozen=True, slots=True)
class Eligible:
    id: str
    host: str


def eligible_recordings(
    store: Store, *, since: datetime | None = None, host: str | None = None
) -> tuple[list[Eligible], dict[str, int]]:
    """Consented, not opted-out, not purged recordings (oldest first), and why others are not."""
    chosen: list[Eligible] = []
    skipped = {"no-consent": 0, "opted-out": 0, "not-processed": 0}
    rows = store.subjects.consent_rows(since=since, host=host)
    for row in rows:
        if not row.consent_training:
            skipped["no-consent"] += 1
        elif row.opted_out:
            skipped["opted-out"] += 1
        elif row.status not in ELIGIBLE_STATUSES:
            skipped["not-processed"] += 1
        else:
            chosen.append(Eligible(row.id, row.host))
    return chosen, skipped


def set_training_consent(
    store: Store, recording_id: str, consent: bool, *, actor: str = "cli"
) -> None:
    store.subjects.set_training_consent(recording_id, consent, actor=actor)


def set_opt_out(
    store: Store, recording_id: str, who: str, *, opted_out: bool = True, actor: str = "cli"
) -> int:
    """Mark the participant(s) with this role or channel number; returns how many matched.

    A role or channel that no participant row has yet gets one, so an opt-out is never lost
    because the metadata at ingest did not list that participant.
    """
    who = who.strip()
    if not who or len(who) > 64:
        raise InputError("--opt-out: give a participant role (e.g. customer) or channel number")
    return store.subjects.set_opt_out(
        recording_id,
        role=None if who.isdigit() else who,
        channel=int(who) if who.isdigit() else None,
        opted_out=opted_out,
        actor=actor,
        label=who,
    )
