"""An export's ``manifest.json`` and ``manifest.jsonl`` as typed, frozen records.

Read through pydantic in strict mode (a count must be a JSON integer, not ``"3"`` or
``true``; unknown keys are refused), so a damaged or hand-edited file is an ``InputError``
naming the file and the first problem, never a ``KeyError`` deep in a purge. Written exactly as
the exporter has always written them (``json.dumps`` with sorted keys; two-space indent for the
manifest, one line per row for the row manifest), and only the keys the file had or the code
set (``exclude_unset``): a manifest read and written back is byte-identical, and an older one
without ``layout`` keeps not having it. ``tests/test_dataset_manifest.py`` holds manifests
written before these records existed and checks both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Final, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from redactor.errors import InputError

__all__ = [
    "MANIFEST_FORMAT",
    "ExportManifest",
    "ExportMeta",
    "GateCounts",
    "HistoryEntry",
    "ManifestFile",
    "RecordingEntry",
    "RowManifestEntry",
]

MANIFEST_FORMAT: Final = "redactor-dataset-manifest/v1"


def _relative(path: str) -> str:
    # A purge rewrites every file a manifest names: a path leaving the folder would let a
    # tampered manifest make it rewrite files elsewhere.
    p = PurePosixPath(path)
    if not path or p.is_absolute() or ".." in p.parts or "\\" in path:
        raise ValueError("must be a relative path inside the export folder")
    return path


RelPath = Annotated[str, AfterValidator(_relative)]
Count = Annotated[int, Field(ge=0)]
Version = Annotated[int, Field(ge=1)]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object: every key the file had or the code set, and no other."""
        return self.model_dump(mode="json", exclude_unset=True)

    @classmethod
    def from_json(cls, text: str | bytes, *, source: Path | str) -> Self:
        """Parse and check one JSON document; ``source`` names it in the error."""
        try:
            return cls.model_validate_json(text)
        except ValidationError as e:
            raise InputError(f"{source}: {_problem(e)}", path=source) from None


def _problem(e: ValidationError) -> str:
    # Built from the location and pydantic's message only: its default text repeats the input
    # value, which must not reach an error message.
    errors = e.errors(include_url=False, include_input=False)
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"])
    if first["type"] == "json_invalid":
        what = f"not valid JSON ({first['msg'].removeprefix('Invalid JSON: ')})"
    else:
        what = f"not a dataset manifest: {where or 'the document'}: {first['msg']}"
    more = len(errors) - 1
    return what + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


class ManifestFile(_Record):
    """One shard: ``layout`` is ``rows`` (utterances) or ``conversations``; ``rows`` counts
    the lines of that layout in the file."""

    path: RelPath
    split: str
    format: Literal["parquet", "jsonl"]
    layout: Literal["rows", "conversations"] = "rows"  # absent in manifests before the layouts
    rows: Count
    sha256: str


class RecordingEntry(_Record):
    """Where one recording's rows are: what a purge of it rewrites."""

    split: str
    conversation_id: str
    rows: Count
    files: tuple[RelPath, ...]


class GateCounts(_Record):
    scanned: Count
    dropped: Count


class HistoryEntry(_Record):
    """One version: ``rows`` on creation, ``rows_removed`` on a purge."""

    version: Version
    at: str
    change: str
    rows: Count | None = None
    rows_removed: Count | None = None


@dataclass(frozen=True, slots=True)
class ExportMeta:
    """What an export is, known before its rows are written: the registry and the row
    manifest need it, and it opens the manifest."""

    export_id: str
    policy: str
    policy_description: str
    operators: tuple[str, ...]
    detector: str
    seed: int
    license: str


class ExportManifest(_Record):
    """``manifest.json``: the export, its version and history, its files and recordings."""

    format: Literal["redactor-dataset-manifest/v1"]
    export_id: str
    policy: str
    policy_description: str
    operators: tuple[str, ...]
    detector: str
    seed: int
    license: str
    license_name: str | None = None  # never written by the exporter; the card reads it
    dataset_version: Version
    created_at: str
    updated_at: str
    pretty_name: str
    languages: tuple[str, ...]
    rows: Count
    splits: dict[str, Count]
    files: tuple[ManifestFile, ...]
    recordings: dict[str, RecordingEntry]
    replaced_labels: dict[str, Count]
    dropped: dict[str, Count]
    gate: GateCounts
    history: tuple[HistoryEntry, ...]

    def to_json(self) -> str:
        """The file's text, byte for byte as the exporter writes it."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def without_recording(
        self, recording_id: str, files: tuple[ManifestFile, ...], *, at: str, rows_removed: int
    ) -> ExportManifest:
        """The next version after a purge: the recording gone, ``files`` (re-hashed and
        re-counted by the caller), split sizes and rows recounted, one history entry."""
        splits = dict.fromkeys(self.splits, 0)
        for f in files:
            if f.format == "parquet" and f.layout == "rows":
                splits[f.split] = splits.get(f.split, 0) + f.rows
        version = self.dataset_version + 1
        change = HistoryEntry(
            version=version, at=at, change="purged 1 recording", rows_removed=rows_removed
        )
        update: Mapping[str, object] = {
            "dataset_version": version,
            "updated_at": at,
            "splits": splits,
            "rows": sum(splits.values()),
            "files": files,
            "recordings": {k: v for k, v in self.recordings.items() if k != recording_id},
            "history": (*self.history, change),
        }
        return self.model_copy(update=update)


class RowManifestEntry(_Record):
    """One line of ``manifest.jsonl``: a row id and where it came from."""

    row_id: str
    recording_id: str
    segment_ids: tuple[int, ...]
    split: str
    file: RelPath
    source_artifact: str
    policy: str
    operators: tuple[str, ...]
    dataset_version: Version
