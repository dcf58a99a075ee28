"""Lineage: registering artifacts, and the per-recording write lock that keeps purges exact.

Every artifact (a transcript, an audio file, a summary, a dataset row or file) is one row in
``artifacts`` with its recording id, what it was derived from, its data category and the
versioned names that produced it; a recording's full lineage is one indexed query.

Writers of a recording and a purge of it are serialised: each takes ``lock_recording`` as the
first statement of its transaction and then checks the tombstone, so a write either lands
before the purge takes its snapshot (and is purged) or sees the tombstone (and is refused).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text, update

from redactor.errors import NotFoundError, PurgedError, StoreError
from redactor.store import schema as s

__all__ = ["ArtifactRef", "LineageOps", "new_artifact_id", "sha256_bytes"]

DATA_CATEGORIES = ("raw", "redacted", "inferred")


def new_artifact_id() -> str:
    return "art-" + uuid.uuid4().hex


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    def from_dict(cls, d: dict[str, Any]) -> ArtifactRef:
        return cls(
            str(d["id"]),
            str(d["kind"]),
            str(d["data_category"]),
            d.get("derived_from"),
            d.get("path"),
            d.get("sha256"),
        )


class LineageOps:
    """Mixin for ``Store``: artifact registration and lookup, file locations, locking."""

    engine: Engine
    backend: str
    artifact_root: Path

    # -- locking ----------------------------------------------------------------------------

    def lock_recording(self, conn: Connection, recording_id: str) -> None:
        """Serialise writers of one recording. Call it first in the transaction.

        PostgreSQL: a transaction-scoped advisory lock on the id. SQLite has one writer at a
        time; a no-op UPDATE as the first statement takes the write lock now, so every read
        after it in the transaction sees the latest committed state.
        """
        if self.backend == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                {"k": "redactor:" + recording_id},
            )
        else:
            conn.execute(
                update(s.schema_migrations)
                .where(s.schema_migrations.c.version == -1)
                .values(version=s.schema_migrations.c.version)
            )

    def is_tombstoned(self, conn: Connection, recording_id: str) -> bool:
        q = select(s.tombstones.c.recording_id).where(s.tombstones.c.recording_id == recording_id)
        return conn.execute(q).first() is not None

    # -- files ------------------------------------------------------------------------------

    def artifact_file(self, path: str) -> Path:
        """Where an artifact's file lives: relative paths are under ``artifact_root``.

        Absolute paths are allowed for files written elsewhere (exports); a relative path that
        climbs out of the root is refused, so a bad row cannot make a purge delete elsewhere.
        """
        p = Path(path)
        if p.is_absolute():
            return p
        root = self.artifact_root.resolve()
        full = (root / p).resolve()
        if full != root and root not in full.parents:
            raise StoreError(f"artifact path {path!r} is outside the artifact root")
        return full

    def recording_dir(self, recording_id: str) -> Path:
        """The folder for a recording's files (``artifact_root/<id>``); purge removes it whole."""
        return self.artifact_root / recording_id

    # -- artifacts --------------------------------------------------------------------------

    def add_artifact(
        self,
        *,
        recording_id: str,
        kind: str,
        data_category: str,
        producer: Sequence[str],
        derived_from: str | None = None,
        policy: str | None = None,
        body: bytes | None = None,
        path: str | None = None,
        sha256: str | None = None,
        replace: bool = False,
    ) -> str:
        """Register one artifact of a stored recording; returns its id.

        ``path`` is a file already written (relative to ``artifact_root``, or absolute). If the
        recording was purged meanwhile the artifact is refused and its file removed, so a late
        writer leaves nothing behind. ``replace`` swaps an artifact of the same kind and policy.
        """
        if data_category not in DATA_CATEGORIES:
            raise StoreError(
                f"artifact {kind!r}: data_category {data_category!r} is not one of "
                f"{', '.join(DATA_CATEGORIES)}"
            )
        if sha256 is None and body is not None:
            sha256 = sha256_bytes(body)
        art_id = new_artifact_id()
        with self.engine.begin() as conn:
            self.lock_recording(conn, recording_id)
            if self.is_tombstoned(conn, recording_id):
                refused = True
            else:
                refused = False
                exists = conn.execute(
                    select(s.recordings.c.id).where(s.recordings.c.id == recording_id)
                ).first()
                if exists is None:
                    raise NotFoundError(f"recording {recording_id}: not found")
                if replace:
                    cond = (s.artifacts.c.recording_id == recording_id) & (
                        s.artifacts.c.kind == kind
                    )
                    cond &= (
                        s.artifacts.c.policy.is_(None)
                        if policy is None
                        else s.artifacts.c.policy == policy
                    )
                    conn.execute(delete(s.artifacts).where(cond))
                conn.execute(
                    insert(s.artifacts).values(
                        id=art_id,
                        recording_id=recording_id,
                        kind=kind,
                        data_category=data_category,
                        derived_from=derived_from,
                        policy=policy,
                        producer=json.dumps(list(producer)),
                        path=path,
                        sha256=sha256,
                        body=body,
                        created_at=datetime.now(UTC),
                    )
                )
        if refused:
            if path is not None:
                self.artifact_file(path).unlink(missing_ok=True)
            raise PurgedError(f"recording {recording_id} was purged; artifact {kind!r} not stored")
        return art_id

    def artifact(
        self, recording_id: str, kind: str, policy: str | None = None
    ) -> dict[str, Any] | None:
        """The newest artifact of a kind (and policy, if given), body included; None if absent."""
        q = select(s.artifacts).where(
            s.artifacts.c.recording_id == recording_id, s.artifacts.c.kind == kind
        )
        if policy is not None:
            q = q.where(s.artifacts.c.policy == policy)
        with self.engine.connect() as conn:
            row = conn.execute(q.order_by(s.artifacts.c.created_at.desc())).first()
        return None if row is None else dict(row._mapping)

    def artifact_refs(self, conn: Connection, recording_id: str) -> list[ArtifactRef]:
        """Every artifact of a recording with a content hash (body, file or ciphertext)."""
        rows = conn.execute(
            select(
                s.artifacts.c.id,
                s.artifacts.c.kind,
                s.artifacts.c.data_category,
                s.artifacts.c.derived_from,
                s.artifacts.c.path,
                s.artifacts.c.sha256,
                s.artifacts.c.body,
            )
            .where(s.artifacts.c.recording_id == recording_id)
            .order_by(s.artifacts.c.created_at, s.artifacts.c.id)
        ).all()
        cipher = {
            r.artifact_id: sha256_bytes(bytes(r.ciphertext))
            for r in conn.execute(
                select(s.raw_transcripts.c.artifact_id, s.raw_transcripts.c.ciphertext).where(
                    s.raw_transcripts.c.recording_id == recording_id
                )
            )
        }
        refs = []
        for r in rows:
            digest = r.sha256
            if digest is None and r.body is not None:
                digest = sha256_bytes(bytes(r.body))
            if digest is None and r.path is not None:
                digest = self._file_sha256(r.path)
            digest = digest or cipher.get(r.id)
            refs.append(ArtifactRef(r.id, r.kind, r.data_category, r.derived_from, r.path, digest))
        return refs

    def _file_sha256(self, path: str) -> str | None:
        try:
            h = hashlib.sha256()
            with self.artifact_file(path).open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            return h.hexdigest()
        except OSError:
            return None
