"""Statuses and kinds, as ``StrEnum``: each compares equal to (and serialises as) the string
stored in the database and printed by the CLI, so existing data and scripts keep working."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ArtifactKind",
    "DataCategory",
    "ExportStatus",
    "PurgeStatus",
    "PurgeStep",
    "RecordingStatus",
    "Role",
    "WebhookStatus",
]


class RecordingStatus(StrEnum):
    PROCESSING = "processing"
    STORED = "stored"  # committed; stages after the commit (summaries) not all done yet
    DONE = "done"
    ANONYMIZED = "anonymized"


class ArtifactKind(StrEnum):
    RAW_TRANSCRIPT = "raw_transcript"
    REDACTED_TRANSCRIPT = "redacted_transcript"
    REDACTED_AUDIO = "redacted_audio"
    AUDIO_CHECK = "audio_check"  # body: the redacted audio's check (redactor.audio_check)
    SUMMARY = "summary"
    KEY_TOPICS = "key_topics"
    ACTION_ITEMS = "action_items"
    DATASET_EXPORT = "dataset_export"
    DATASET_ROWS = "dataset_rows"


class DataCategory(StrEnum):
    RAW = "raw"
    REDACTED = "redacted"
    INFERRED = "inferred"


class PurgeStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"


class PurgeStep(StrEnum):
    """A purge's steps in order; a job records the last one that completed."""

    PLAN = "plan"
    DESTROY_KEY = "destroy_key"
    HOOKS = "hooks"
    FILES = "files"
    ROWS = "rows"
    FINISH = "finish"


class ExportStatus(StrEnum):
    WRITING = "writing"
    READY = "ready"


class WebhookStatus(StrEnum):
    ACCEPTED = "accepted"
    DONE = "done"
    NOT_FOUND = "not_found"
    FAILED = "failed"


class Role(StrEnum):
    SUPPORT = "support"
    HOST = "host"
    ADMIN = "admin"
