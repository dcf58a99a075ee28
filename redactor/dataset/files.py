"""The files of a dataset folder: Parquet and JSONL shards, and the manifest.

Layout (Hugging Face ``datasets`` reads it as is; the card's ``configs`` points at the Parquet)::

    README.md                       dataset card
    manifest.json                   version, files, recordings, history
    manifest.jsonl                  one line per row: row id -> recording, segments, policy
    data/<split>/<split>-00000-of-00002.parquet           one row per utterance
    data/<split>/<split>-00000-of-00002.jsonl
    conversations/<split>/<split>-00000-of-00001.parquet  one row per conversation:
    conversations/<split>/<split>-00000-of-00001.jsonl    messages [{role, content}]

Every file is written next to its final name and renamed into place, so a reader (or a crash)
never sees half a file. The two manifests are typed records (``redactor.dataset.manifest``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from redactor.dataset.manifest import ExportManifest, RowManifestEntry
from redactor.errors import InputError
from redactor.ingest import file_sha256

__all__ = [
    "CONVERSATION_SCHEMA",
    "ROW_SCHEMA",
    "filter_jsonl",
    "filter_parquet",
    "read_manifest",
    "read_row_manifest",
    "schema_of",
    "sha256_file",
    "shard_name",
    "write_atomic",
    "write_jsonl",
    "write_manifest",
    "write_parquet",
    "write_row_manifest",
]

ROW_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("conversation_id", pa.string(), nullable=False),
        pa.field("turn", pa.int32(), nullable=False),
        pa.field("speaker", pa.string(), nullable=False),
        pa.field("start", pa.float64(), nullable=False),
        pa.field("end", pa.float64(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("language", pa.string(), nullable=False),
    ]
)
# The conversation layout, the form chat fine-tuning libraries read (TRL's "messages").
CONVERSATION_SCHEMA = pa.schema(
    [
        pa.field("conversation_id", pa.string(), nullable=False),
        pa.field("language", pa.string(), nullable=False),
        pa.field(
            "messages",
            pa.list_(
                pa.struct(
                    [
                        pa.field("role", pa.string(), nullable=False),
                        pa.field("content", pa.string(), nullable=False),
                    ]
                )
            ),
            nullable=False,
        ),
    ]
)
CONVERSATIONS = "conversations"
sha256_file = file_sha256
MANIFEST = "manifest.json"
ROW_MANIFEST = "manifest.jsonl"


def shard_name(split: str, index: int, count: int, fmt: str, layout: str = "data") -> str:
    return f"{layout}/{split}/{split}-{index:05d}-of-{count:05d}.{fmt}"


def schema_of(rel_path: str) -> pa.Schema:
    """The Parquet schema of a shard, by its folder (``data/`` or ``conversations/``)."""
    return CONVERSATION_SCHEMA if rel_path.startswith(CONVERSATIONS + "/") else ROW_SCHEMA


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write through ``write(tmp)`` to a temporary name beside ``path``, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_parquet(
    path: Path, rows: Sequence[dict[str, Any]], schema: pa.Schema = ROW_SCHEMA
) -> None:
    table = pa.Table.from_pylist(list(rows), schema=schema)
    write_atomic(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")

    write_atomic(path, write)


def filter_parquet(path: Path, conversation: str, schema: pa.Schema = ROW_SCHEMA) -> int:
    """Rewrite a shard without one conversation's rows; returns how many were removed."""
    table = pq.read_table(path, schema=schema)
    keep = [c != conversation for c in table.column("conversation_id").to_pylist()]
    removed = keep.count(False)
    if removed:
        kept = table.filter(pa.array(keep, type=pa.bool_()))
        write_atomic(path, lambda tmp: pq.write_table(kept, tmp, compression="zstd"))
    return removed


def filter_jsonl(path: Path, drop: Callable[[dict[str, Any]], bool]) -> int:
    """Rewrite a JSON-lines file without the lines ``drop`` selects; returns how many."""
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if ln and not drop(json.loads(ln))]
    removed = len([ln for ln in lines if ln]) - len(kept)
    if removed:
        write_atomic(path, lambda tmp: tmp.write_text("".join(k + "\n" for k in kept), "utf-8"))
    return removed


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot be read ({e.strerror or type(e).__name__})") from None


def read_manifest(folder: Path) -> ExportManifest:
    """``manifest.json``, checked: an ``InputError`` naming the file if it is damaged."""
    path = folder / MANIFEST
    return ExportManifest.from_json(_read(path), source=path)


def write_manifest(folder: Path, manifest: ExportManifest) -> None:
    text = manifest.to_json()
    write_atomic(folder / MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_row_manifest(folder: Path) -> list[RowManifestEntry]:
    """``manifest.jsonl`` (empty if absent), checked line by line."""
    path = folder / ROW_MANIFEST
    if not path.is_file():
        return []
    lines = _read(path).splitlines()
    return [
        RowManifestEntry.from_json(ln, source=f"{path}, line {n}")
        for n, ln in enumerate(lines, start=1)
        if ln
    ]


def write_row_manifest(folder: Path, entries: Iterable[RowManifestEntry]) -> None:
    write_jsonl(folder / ROW_MANIFEST, (e.to_dict() for e in entries))
