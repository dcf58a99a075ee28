"""Tables and migrations (SQLAlchemy Core), shared by the SQLite and PostgreSQL backends.

Migrations are registered functions applied in order; ``schema_migrations`` records which ran.
A table appears in exactly one migration, so adding a table means adding a migration.

What is where:
- ``recordings``: one row a recording: owner, consent, source hash, status. No content.
- ``data_keys``: the per-recording AES-GCM data key, apart from the data (crypto-shredding:
  deleting the key makes every copy of the raw transcript unreadable, backups included).
- ``raw_transcripts``: the unredacted transcript, encrypted with the recording's data key.
- ``artifacts``: everything derived (redacted transcripts, audio files, summaries, exports),
  with lineage (``derived_from``), data category and the versioned producer names.
- ``detections``: what was found: type, offsets, score, recognizer. Never the matched text.
- ``audit_log``: who did what to which recording, and why (ticket).
- ``tombstones``: purged recordings; their ids and source hashes cannot come back.
- ``access_grants`` / ``access_grant_uses``: a host's break-glass grants and every use.
- ``login_failures``: failed token authentications (login form, bearer header) per client
  address and per token id attempted, for throttling (the audit log keeps each).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    text,
)

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

recordings = Table(
    "recordings",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("host", String(128), nullable=False, index=True),
    Column("source_kind", String(16), nullable=False),  # audio | vtt | ... | messages
    Column("source_sha256", String(64), nullable=False, index=True),
    Column("source_suffix", String(16), nullable=False),
    Column("channels", Integer, nullable=False, default=1),
    Column("duration_s", Float, nullable=False, default=0.0),
    Column("consent_training", Boolean, nullable=False, default=False),
    Column("speakers", Text, nullable=False, default="[]"),  # JSON list of redacted labels
    Column("language", String(16), nullable=False, default="en"),  # ISO 639-1 (m6)
    Column("status", String(32), nullable=False),  # stored | done | anonymized
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # normalised-content fingerprint (``redactor.ingest``), copied into the tombstone
    Column("fingerprint", String(96), nullable=True),  # added by migration "durability"
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "recording_id",
        String(128),
        ForeignKey("recordings.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("role", String(64), nullable=False, default=""),
    Column("channel", Integer, nullable=True),
    Column("opted_out", Boolean, nullable=False, default=False),
    # keyed hash of the participant identifier (for data-subject requests), never the name
    Column("subject_hash", String(64), nullable=True, index=True),
)

data_keys = Table(
    "data_keys",
    metadata,
    Column(
        "recording_id",
        String(128),
        ForeignKey("recordings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

raw_transcripts = Table(
    "raw_transcripts",
    metadata,
    Column(
        "recording_id",
        String(128),
        ForeignKey("recordings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("artifact_id", String(64), nullable=False),
    Column("nonce", LargeBinary, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("producer", String(200), nullable=False),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "recording_id",
        String(128),
        ForeignKey("recordings.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(64), nullable=False),
    Column("data_category", String(16), nullable=False),  # raw | redacted | inferred
    Column("derived_from", String(64), nullable=True),
    Column("policy", String(64), nullable=True),
    Column("producer", Text, nullable=False),  # versioned names, JSON
    Column("path", Text, nullable=True),  # files, relative to the artifact root
    Column("sha256", String(64), nullable=True),
    Column("body", LargeBinary, nullable=True),  # small in-database artifacts (JSON)
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("recording_id", "kind", "policy", name="uq_artifact_kind_policy"),
)

detections = Table(
    "detections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "recording_id",
        String(128),
        ForeignKey("recordings.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("segment", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("recognizer", String(128), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    # role:<token id> (<name up to 128>), webhook:<host up to 128>, ...: room for both
    Column("actor", String(300), nullable=False),
    Column("action", String(64), nullable=False),
    Column("recording_id", String(128), nullable=True, index=True),  # kept after a purge
    Column("ticket", String(128), nullable=True),
    Column("detail", Text, nullable=False, default="{}"),
)

tombstones = Table(
    "tombstones",
    metadata,
    Column("recording_id", String(128), primary_key=True),
    Column("source_sha256", String(64), nullable=False, index=True),
    Column("host", String(128), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("purged_at", DateTime(timezone=True), nullable=False),
    Column("receipt", Text, nullable=True),
    Column("fingerprint", String(96), nullable=True, index=True),  # migration "durability"
)

Index("ix_artifacts_derived", artifacts.c.derived_from)


def _m1_initial(conn: Connection) -> None:
    metadata.create_all(
        conn,
        tables=[
            recordings,
            participants,
            data_keys,
            raw_transcripts,
            artifacts,
            detections,
            audit_log,
            tombstones,
        ],
    )


# A purge is a recorded multi-step job: ``step`` is the last step that completed, so a re-run
# resumes after it; ``manifest`` (ids, kinds, paths, hashes; never content) is the snapshot
# taken before anything was removed, and ``receipt`` is fixed when the job starts.
purge_jobs = Table(
    "purge_jobs",
    metadata,
    Column("recording_id", String(128), primary_key=True),
    Column("reason", String(32), nullable=False),
    Column("status", String(16), nullable=False),  # running | done
    Column("step", String(32), nullable=False),  # last completed step
    Column("attempts", Integer, nullable=False, default=1),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("manifest", Text, nullable=False),
    Column("receipt", Text, nullable=False),
)

# Per-host retention: recordings older than ``older_than_days`` are purged or anonymized.
retention_settings = Table(
    "retention_settings",
    metadata,
    Column("host", String(128), primary_key=True),
    Column("older_than_days", Integer, nullable=False),
    Column("action", String(16), nullable=False),  # purge | anonymize
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def _m2_purge_jobs_retention(conn: Connection) -> None:
    metadata.create_all(conn, tables=[purge_jobs, retention_settings])


# Web access (``redactor serve``). API tokens are stored as SHA-256 hashes (they are long random
# strings, so a fast hash is enough); a host token only sees that host's recordings.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # support | host | admin
    Column("host", String(128), nullable=True),  # set for role host only
    Column("name", String(128), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("expires_at", DateTime(timezone=True), nullable=True),  # added by migration 7
)

# Browser sessions made by logging in with a token; only the hash of the cookie is stored.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("token_id", String(32), ForeignKey("api_tokens.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Per-host webhook signing secrets. Rotation retires all but the newest, then adds one, so at
# most two are valid at once.
webhook_secrets = Table(
    "webhook_secrets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("host", String(128), nullable=False, index=True),
    Column("secret", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("retired_at", DateTime(timezone=True), nullable=True),
)

# Deletion webhook events: the (host, event id) pair is the idempotency key. The recording is
# named ``target_recording`` (not ``recording_id``) on purpose: like the audit log, the event
# and its receipt must outlive the purge it triggered.
webhook_events = Table(
    "webhook_events",
    metadata,
    Column("host", String(128), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("target_recording", String(128), nullable=False),
    Column("status", String(16), nullable=False),  # accepted | done | not_found | failed
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("receipt", Text, nullable=True),
)

# Server-side secrets (e.g. the key for participant subject hashes), created on first use.
server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)


def _m3_web_access(conn: Connection) -> None:
    metadata.create_all(
        conn, tables=[api_tokens, web_sessions, webhook_secrets, webhook_events, server_secrets]
    )


# Dataset exports (``redactor export-dataset``): one row an export, no recording ids (each
# included recording has ``dataset_export``/``dataset_rows`` artifacts instead), so the
# registry outlives purges and a purge can find every export to rewrite.
dataset_exports = Table(
    "dataset_exports",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("out_dir", Text, nullable=False),  # absolute path of the dataset folder
    Column("policy", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # writing | ready
    Column("rows", Integer, nullable=False),
    Column("recordings", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # the staging folder while ``writing``: a killed export's copy is found and swept
    Column("staging", Text, nullable=True),  # added by migration "durability"
)

# Exports rewritten because a recording was purged. ``purged_recording`` (not ``recording_id``)
# on purpose: like the audit log, this proof must outlive the purge.
dataset_export_purges = Table(
    "dataset_export_purges",
    metadata,
    Column("purged_recording", String(128), primary_key=True),
    Column("export_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),  # the export's version after the rewrite
    Column("rows_removed", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)


def _m4_dataset_exports(conn: Connection) -> None:
    metadata.create_all(conn, tables=[dataset_exports, dataset_export_purges])


# Crypto-shredding for everything of a recording. ``data_keys`` encrypts the raw transcript
# (destroyed by anonymize and by purge); ``content_keys`` encrypts what is derived from the
# content and kept after anonymize (redacted transcripts, summaries, detections), destroyed
# by purge. Deleted rows linger in PostgreSQL heap pages, WAL and backups; without the key
# they are ciphertext only.
content_keys = Table(
    "content_keys",
    metadata,
    Column(
        "recording_id",
        String(128),
        ForeignKey("recordings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A recording's detections (type, offsets, score, recognizer) as one encrypted JSON body; the
# ``detections`` table only holds those of stores written before this migration.
detection_sets = Table(
    "detection_sets",
    metadata,
    Column(
        "recording_id",
        String(128),
        ForeignKey("recordings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("body", LargeBinary, nullable=False),
)


def _add_columns(conn: Connection, table: Table, names: list[str]) -> None:
    """Add columns of ``table`` a store made by an older version lacks (a new store already
    has them: its tables were created from the current definitions)."""
    from sqlalchemy import inspect

    have = {c["name"] for c in inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in have:
            col = table.c[name]
            ddl = col.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} {ddl}")


def _m_durability(conn: Connection) -> None:
    metadata.create_all(conn, tables=[content_keys, detection_sets])
    _add_columns(conn, recordings, ["fingerprint"])
    _add_columns(conn, tombstones, ["fingerprint"])
    _add_columns(conn, dataset_exports, ["staging"])
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_tombstones_fingerprint ON tombstones (fingerprint)"
    )


def _m6_recording_language(conn: Connection) -> None:
    """``recordings.language``: a store made before it has English recordings only (other
    languages were redacted as English then); a new store's ``_m1`` already has the column."""
    if "language" not in {c["name"] for c in inspect(conn).get_columns("recordings")}:
        conn.execute(
            text("ALTER TABLE recordings ADD COLUMN language VARCHAR(16) NOT NULL DEFAULT 'en'")
        )


# Break-glass grants (``redactor.grants``): a host lets one admin token read one recording raw
# until ``expires_at`` (at most 24 h). Grants and their uses are the recording's data (purged
# with it); the audit log keeps the trail.
access_grants = Table(
    "access_grants",
    metadata,
    Column("id", String(40), primary_key=True),
    Column(
        "recording_id",
        String(128),
        ForeignKey("recordings.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("host", String(128), nullable=False, index=True),
    Column("reason", String(200), nullable=False),
    Column("grantee", String(32), nullable=False),  # an admin token id
    Column("created_by", String(300), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revoked_by", String(300), nullable=True),
)

access_grant_uses = Table(
    "access_grant_uses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "grant_id",
        String(40),
        ForeignKey("access_grants.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "recording_id",
        String(128),
        ForeignKey("recordings.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(300), nullable=False),
    Column("ticket", String(64), nullable=False),
    Column("what", String(32), nullable=False),  # raw_transcript | reveal_values
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(64), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    # The id part of the token tried (``rdk_<id>_...``: not secret), when it had one.
    Column("token_id", String(32), nullable=True, index=True),
)


def _m7_access(conn: Connection) -> None:
    from redactor.store.access_migration import migrate_access

    migrate_access(conn, tables=[access_grants, access_grant_uses, login_failures])


def _m8_login_failures_token(conn: Connection) -> None:
    """Failures per token id attempted; ``_m7`` of a new store already made the column."""
    if "token_id" not in {c["name"] for c in inspect(conn).get_columns("login_failures")}:
        conn.execute(text("ALTER TABLE login_failures ADD COLUMN token_id VARCHAR(32)"))
        conn.execute(text("CREATE INDEX ix_login_failures_token_id ON login_failures (token_id)"))


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("initial", _m1_initial),
    ("purge_jobs_retention", _m2_purge_jobs_retention),
    ("web_access", _m3_web_access),
    ("dataset_exports", _m4_dataset_exports),
    ("durability", _m_durability),
    ("recording_language", _m6_recording_language),
    ("access_grants_expiry_redacted_speakers", _m7_access),
    ("login_failures_token", _m8_login_failures_token),
]
