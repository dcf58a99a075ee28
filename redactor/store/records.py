"""Typed records: what the store's repositories take and return.

Records are frozen dataclasses; nothing outside ``redactor.store`` sees a database row. The
status and kind enums (``redactor.store.enums``) are re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redactor.store.enums import (
    ArtifactKind,
    DataCategory,
    ExportStatus,
    PurgeStatus,
    PurgeStep,
    RecordingStatus,
    Role,
    WebhookStatus,
)
from redactor.types import RecordingMeta, RedactedTranscript, Span, Transcript

__all__ = [
    "ArtifactKind",
    "ArtifactRef",
    "ArtifactRow",
    "AuditEntry",
    "ConsentRow",
    "DataCategory",
    "DatasetExport",
    "ExportPurge",
    "ExportStatus",
    "NewArtifact",
    "Participant",
    "ProcessedRecording",
    "PurgeJob",
    "PurgeManifest",
    "PurgeReceipt",
    "PurgeStatus",
    "PurgeStep",
    "RecordingRow",
    "RecordingStatus",
    "RetentionSetting",
    "Role",
    "SessionInfo",
    "TokenInfo",
    "Tombstone",
    "WebhookEvent",
    "WebhookStatus",
    "aware",
]


def aware(ts: datetime) -> datetime:
    """SQLite returns naive datetimes for UTC columns; every record carries aware ones."""
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


# -- recordings ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordingRow:
    id: str
    host: str
    source_kind: str
    source_sha256: str
    channels: int
    duration_s: float
    consent_training: bool
    speakers: tuple[str, ...]
    status: RecordingStatus
    created_at: datetime
    language: str = "en"  # ISO 639-1, as detected (redactor.language)


@dataclass(frozen=True, slots=True)
class NewArtifact:
    """An artifact to register: its file (if any) is already written under the root."""

    kind: str
    data_category: DataCategory
    producer: Sequence[str]
    policy: str | None = None
    path: str | None = None
    sha256: str | None = None
    body: bytes | None = None
    derived_from: str | None = None


@dataclass(frozen=True, slots=True)
class ProcessedRecording:
    """Everything one run produced for a recording, written by ``recordings.save``."""

    recording_id: str
    meta: RecordingMeta
    source_kind: str
    source_sha256: str
    source_suffix: str
    channels: int
    raw: Transcript
    redacted: Sequence[RedactedTranscript]
    spans: Sequence[Span]
    extra: Sequence[NewArtifact] = ()  # e.g. redacted audio files already on disk
    data_key: bytes | None = None  # the key the run already used (encrypt.v1); else fresh
    fingerprint: str | None = None  # normalised content (``redactor.ingest``), for tombstones
    complete: bool = True  # False: later stages (summaries) follow; status ``stored`` till then


@dataclass(frozen=True, slots=True)
class Participant:
    role: str
    channel: int | None
    opted_out: bool


@dataclass(frozen=True, slots=True)
class ConsentRow:
    """A not-purged recording as dataset eligibility sees it."""

    id: str
    host: str
    consent_training: bool
    status: str
    opted_out: bool


# -- artifacts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArtifactRow:
    """One artifact: lineage, category, versioned producers; ``body`` only when asked for."""

    id: str
    recording_id: str
    kind: str
    data_category: str
    derived_from: str | None
    policy: str | None
    producer: str  # JSON list of versioned names, as stored
    path: str | None
    sha256: str | None
    created_at: datetime
    body: bytes | None = None

    @property
    def producers(self) -> list[str]:
        names = json.loads(self.producer)
        return [str(n) for n in names] if isinstance(names, list) else [str(names)]

    def as_dict(self) -> dict[str, Any]:
        """The row without its body, columns in table order (for exports)."""
        return {
            "id": self.id,
            "recording_id": self.recording_id,
            "kind": self.kind,
            "data_category": self.data_category,
            "derived_from": self.derived_from,
            "policy": self.policy,
            "producer": self.producer,
            "path": self.path,
            "sha256": self.sha256,
            "created_at": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class ArtifactRef:
    """An artifact as a purge sees it: identity, kind, where it lives, and a content hash."""

    id: str
    kind: str
    data_category: str
    derived_from: str | None
    path: str | None
    sha256: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "data_category": self.data_category,
            "derived_from": self.derived_from,
            "path": self.path,
            "sha256": self.sha256,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ArtifactRef:
        return cls(
            str(d["id"]),
            str(d["kind"]),
            str(d["data_category"]),
            d.get("derived_from"),
            d.get("path"),
            d.get("sha256"),
        )


# -- audit ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    recording_id: str | None
    ticket: str | None
    detail: str  # JSON object, as stored

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "recording_id": self.recording_id,
            "ticket": self.ticket,
            "detail": self.detail,
        }


# -- purges --------------------------------------------------------------------------------

RECEIPT_VERSION = "redactor-purge-receipt/v1"
_RECEIPT_FIELDS = (
    "receipt",
    "recording_id",
    "reason",
    "stored",
    "purged_at",
    "counts",
    "rows",
    "removed",
    "source_sha256",
    "files",
)


@dataclass(frozen=True, slots=True)
class PurgeReceipt:
    """Proof of a purge, without personal data: fixed when the job starts, returned again.

    ``sections`` are what purge hooks add (e.g. ``dataset-exports``: the exports rewritten).
    """

    recording_id: str
    reason: str
    stored: bool
    purged_at: str  # ISO 8601, microseconds
    counts: Mapping[str, int]
    rows: Mapping[str, int]
    removed: Sequence[Mapping[str, str]]  # {"kind", "sha256"}
    source_sha256: str
    files: int
    sections: Mapping[str, Any] = field(default_factory=dict)
    version: str = RECEIPT_VERSION

    def as_dict(self) -> dict[str, Any]:
        return {
            "receipt": self.version,
            "recording_id": self.recording_id,
            "reason": self.reason,
            "stored": self.stored,
            "purged_at": self.purged_at,
            "counts": dict(self.counts),
            "rows": dict(self.rows),
            "removed": [dict(r) for r in self.removed],
            "source_sha256": self.source_sha256,
            "files": self.files,
            **self.sections,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PurgeReceipt:
        return cls(
            recording_id=str(d["recording_id"]),
            reason=str(d["reason"]),
            stored=bool(d["stored"]),
            purged_at=str(d["purged_at"]),
            counts=dict(d["counts"]),
            rows=dict(d["rows"]),
            removed=[dict(r) for r in d["removed"]],
            source_sha256=str(d["source_sha256"]),
            files=int(d["files"]),
            sections={k: v for k, v in d.items() if k not in _RECEIPT_FIELDS},
            version=str(d["receipt"]),
        )


@dataclass(frozen=True, slots=True)
class PurgeManifest:
    """The snapshot taken before anything is removed: ids, kinds, paths, hashes; no content."""

    source_sha256: str
    artifacts: tuple[ArtifactRef, ...]
    rows: Mapping[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source_sha256": self.source_sha256,
            "artifacts": [r.as_dict() for r in self.artifacts],
            "rows": dict(self.rows),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PurgeManifest:
        return cls(
            str(d.get("source_sha256") or ""),
            tuple(ArtifactRef.from_dict(a) for a in d.get("artifacts", [])),
            dict(d.get("rows", {})),
        )


@dataclass(frozen=True, slots=True)
class PurgeJob:
    recording_id: str
    reason: str
    status: PurgeStatus
    step: PurgeStep
    attempts: int
    manifest: PurgeManifest
    receipt: PurgeReceipt

    @property
    def artifacts(self) -> tuple[ArtifactRef, ...]:
        return self.manifest.artifacts


@dataclass(frozen=True, slots=True)
class Tombstone:
    recording_id: str
    source_sha256: str
    host: str
    reason: str
    purged_at: datetime
    receipt: PurgeReceipt | None
    fingerprint: str | None = None


# -- retention -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetentionSetting:
    host: str
    older_than_days: int
    action: str  # purge | anonymize


# -- access --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as listed: never the token or its hash."""

    id: str
    role: Role
    host: str | None
    name: str
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = None  # None: a token made before tokens expired

    def active(self, at: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or at < self.expires_at)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": str(self.role),
            "host": self.host,
            "name": self.name,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "revoked_at": self.revoked_at,
        }


@dataclass(frozen=True, slots=True)
class SessionInfo:
    token: TokenInfo
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    host: str
    event_id: str
    recording_id: str
    status: WebhookStatus
    received_at: datetime
    finished_at: datetime | None
    receipt: PurgeReceipt | None  # the purge's receipt, once it ran


# -- datasets ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatasetExport:
    """One registered dataset export (no recording ids: it outlives purges)."""

    id: str
    out_dir: Path
    policy: str
    version: int
    status: ExportStatus
    rows: int
    recordings: int
    staging: Path | None = None  # while writing: where the export is being staged


@dataclass(frozen=True, slots=True)
class ExportPurge:
    """An export rewritten because a recording was purged."""

    export_id: str
    out_dir: str | None
    dataset_version: int
    rows_removed: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "export_id": self.export_id,
            "out_dir": self.out_dir,
            "dataset_version": self.dataset_version,
            "rows_removed": self.rows_removed,
        }
