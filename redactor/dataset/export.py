"""``export_dataset``: a Hugging Face dataset from consented, redacted transcripts.

Steps: select eligible recordings; take each one's redaction under the policy; turn segments
into rows; drop empty and duplicate utterances; drop rows the residual-PII gate flags; assign
each recording to one split by a seeded hash; write shards, manifests and the card into a
staging folder beside ``out_dir`` that the registry knows before it is written; register the
lineage; rename the staging folder into place. A failure at any step (including the gate's
drop limit) removes the staging folder, and a kill leaves one the next export, purge or
``verify-purge`` sweeps (``registry.sweep_staging``): ``out_dir`` either holds a whole export
or nothing, and no copy of the rows outlives its export.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redactor.dataset import registry
from redactor.dataset.card import render_card
from redactor.dataset.consent import eligible_recordings
from redactor.dataset.files import (
    CONVERSATION_SCHEMA,
    CONVERSATIONS,
    sha256_file,
    shard_name,
    write_atomic,
    write_jsonl,
    write_manifest,
    write_parquet,
    write_row_manifest,
)
from redactor.dataset.gate import GATE_MIN_SCORE, Gate
from redactor.dataset.manifest import (
    MANIFEST_FORMAT,
    ExportManifest,
    ExportMeta,
    GateCounts,
    HistoryEntry,
    ManifestFile,
    RecordingEntry,
    RowManifestEntry,
)
from redactor.dataset.rows import Row, conversation_id, dedup_key, rows_of
from redactor.dataset.source import training_text
from redactor.detect.protocol import Detector
from redactor.errors import InputError, NotFoundError, RedactorError
from redactor.policy import load_policy
from redactor.store import Store

__all__ = [
    "DEFAULT_SPLITS",
    "ExportGateError",
    "ExportReport",
    "export_dataset",
    "split_of",
]

DEFAULT_SPLITS: tuple[tuple[str, float], ...] = (("train", 0.8), ("validation", 0.1), ("test", 0.1))
Progress = Callable[[int, int], None]


@dataclass
class ExportReport:
    """What an export did, in counts (no content): printed by the CLI, kept in the manifest."""

    export_id: str
    out_dir: Path
    policy: str
    recordings: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    candidates: int = 0
    rows_written: int = 0
    splits: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    gate_scanned: int = 0
    gate_dropped: int = 0
    re_redacted: int = 0
    unknown_ranges: int = 0
    seconds: float = 0.0
    max_drop_share: float = 0.0

    @property
    def drop_share(self) -> float:
        return self.gate_dropped / self.gate_scanned if self.gate_scanned else 0.0

    def lines(self) -> list[str]:
        rate = self.rows_written / self.seconds if self.seconds else 0.0
        out = [
            f"export {self.export_id} ({self.policy}) -> {self.out_dir}",
            f"recordings: {self.recordings} included, skipped: "
            + (", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items()) if v) or "none"),
            f"rows: {self.rows_written} written of {self.candidates} candidates ("
            + ", ".join(f"{k} {v}" for k, v in self.splits.items())
            + ")",
            f"dropped: {sum(self.dropped.values())}"
            + "".join(f"\n  {k}: {v}" for k, v in sorted(self.dropped.items())),
            f"residual-PII gate: {self.gate_dropped} of {self.gate_scanned} rows "
            f"({self.drop_share:.1%}; limit {self.max_drop_share:.1%})",
            f"time: {self.seconds:.2f} s ({rate:.0f} rows/s)",
        ]
        if self.re_redacted:
            out.insert(2, f"re-redacted under the policy: {self.re_redacted} recording(s)")
        return out


class ExportGateError(RedactorError):
    """The residual-PII gate dropped more than the allowed share; nothing was written."""

    exit_code = 1

    def __init__(self, message: str, report: ExportReport) -> None:
        super().__init__(message)
        self.report = report


def split_of(recording_id: str, seed: int, splits: Sequence[tuple[str, float]]) -> str:
    """The split of a recording: a seeded hash, so it never depends on the other recordings."""
    h = hashlib.sha256(f"split\x00{seed}\x00{recording_id}".encode()).digest()
    x = int.from_bytes(h[:8]) / 2**64
    total = sum(w for _, w in splits)
    acc = 0.0
    for name, weight in splits:
        acc += weight / total
        if x < acc:
            return name
    return splits[-1][0]


def _check_args(out_dir: Path, splits: Sequence[tuple[str, float]], max_drop: float) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(f"{out_dir}: exists and is not an empty folder; choose a new OUT_DIR")
    if not 0.0 <= max_drop <= 1.0:
        raise InputError(f"--max-drop-share: {max_drop} is not between 0 and 1")
    names = [n for n, _ in splits]
    if not splits or len(set(names)) != len(names) or any(w < 0 for _, w in splits):
        raise InputError("splits: give distinct names with non-negative weights")
    if sum(w for _, w in splits) <= 0:
        raise InputError("splits: the weights must not all be zero")


def export_dataset(
    store: Store,
    out_dir: Path | str,
    policy: str = "training",
    since: datetime | None = None,
    host: str | None = None,
    seed: int = 0,
    max_drop_share: float = 0.05,
    *,
    splits: Sequence[tuple[str, float]] = DEFAULT_SPLITS,
    rows_per_shard: int = 50_000,
    license: str = "other",
    analyzer: Detector | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Write a dataset to ``out_dir`` (a new or empty folder) and return the report.

    ``analyzer`` is the gate's detector (default: the pipeline's detector at threshold
    ``GATE_MIN_SCORE``). Raises ``ExportGateError`` (exit 1) when the gate dropped more than
    ``max_drop_share`` of the rows it scanned; nothing is written then.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    _check_args(out_dir, splits, max_drop_share)
    pol = load_policy(policy)
    if analyzer is None:
        from redactor.detect import PresidioDetector

        analyzer = PresidioDetector(min_score=GATE_MIN_SCORE)
    export_id = "ds-" + uuid.uuid4().hex[:20]
    report = ExportReport(export_id, out_dir, pol.name, max_drop_share=max_drop_share)
    registry.sweep_staging(store)  # what killed exports left behind
    chosen, report.skipped = eligible_recordings(store, since=since, host=host)
    report.skipped["no-text"] = 0
    gate = Gate(analyzer)
    seen: set[str] = set()
    kept: list[tuple[Row, str]] = []  # (row, source artifact id)
    operators: set[str] = set()
    detectors: set[str] = set()
    for n, rec in enumerate(chosen, start=1):
        try:
            src = training_text(store, rec.id, rec.host, pol)
        except NotFoundError:
            report.skipped["no-text"] += 1
            continue
        report.recordings += 1
        report.re_redacted += src.how == "re-redacted"
        operators.update(src.transcript.operators)
        detectors.add(src.transcript.detector)
        rows, unknown = rows_of(rec.id, src.transcript)
        report.unknown_ranges += unknown
        report.candidates += len(rows)
        fresh = []
        for r in rows:
            key = dedup_key(r)
            why = "empty" if not key else "duplicate" if key in seen else None
            if why:
                report.dropped[why] = report.dropped.get(why, 0) + 1
                continue
            seen.add(key)
            fresh.append(r)
        report.gate_scanned += len(fresh)
        for r, why in zip(fresh, gate.check(fresh), strict=True):
            if why is None:
                kept.append((r, src.artifact_id))
            else:
                report.gate_dropped += 1
                report.dropped[why] = report.dropped.get(why, 0) + 1
        if progress is not None:
            progress(n, len(chosen))
    if report.drop_share > max_drop_share:
        report.seconds = time.perf_counter() - started
        raise ExportGateError(
            f"export {export_id}: the residual-PII gate dropped {report.drop_share:.1%} of "
            f"rows (limit {max_drop_share:.1%}); nothing written",
            report,
        )
    meta = ExportMeta(
        export_id=export_id,
        policy=pol.name,
        policy_description=pol.description,
        operators=tuple(sorted(operators) or pol.operator_names),
        detector=", ".join(sorted(detectors)) or "none",
        seed=seed,
        license=license,
    )
    with registry.staged(store, export_id, out_dir, pol.name) as staging:
        lineage = _write(staging, kept, meta, report, splits, rows_per_shard)
        registry.publish(store, staging, out_dir, meta, lineage, report)
    registry.finish_publish(store, export_id, out_dir)
    report.seconds = time.perf_counter() - started
    return report


def _write(
    folder: Path,
    kept: Sequence[tuple[Row, str]],
    meta: ExportMeta,
    report: ExportReport,
    splits: Sequence[tuple[str, float]],
    rows_per_shard: int,
) -> dict[str, registry.RecordingLineage]:
    """Shards, row manifest, manifest and card into ``folder``; the lineage per recording."""
    eid = meta.export_id
    by_split: dict[str, list[tuple[Row, str]]] = {name: [] for name, _ in splits}
    for r, art in kept:
        by_split[split_of(r.recording_id, meta.seed, splits)].append((r, art))
    files: list[ManifestFile] = []
    recs: dict[str, _RecordingFiles] = {}
    lineage: dict[str, registry.RecordingLineage] = {}
    row_manifest: list[RowManifestEntry] = []
    labels: dict[str, int] = {}
    for split, items in by_split.items():
        report.splits[split] = len(items)
        chunks = [items[i : i + rows_per_shard] for i in range(0, len(items), rows_per_shard)]
        for i, chunk in enumerate(chunks):
            names = {f: shard_name(split, i, len(chunks), f) for f in ("parquet", "jsonl")}
            rows = []
            for r, art in chunk:
                cid = conversation_id(eid, r.recording_id)
                row: dict[str, Any] = {
                    "id": f"{cid}-{r.segment:05d}",
                    "conversation_id": cid,
                    "turn": r.segment,
                    "speaker": r.speaker,
                    "start": round(r.start_s, 3),
                    "end": round(r.end_s, 3),
                    "text": r.text,
                    "language": r.language,
                }
                rows.append(row)
                for _a, _b, label in r.replaced:
                    labels[label] = labels.get(label, 0) + 1
                entry = recs.setdefault(r.recording_id, _RecordingFiles(split, cid))
                entry.rows += 1
                for path in names.values():
                    if path not in entry.files:
                        entry.files.append(path)
                lin = lineage.setdefault(r.recording_id, registry.RecordingLineage(art))
                lin.files.setdefault(names["parquet"], []).append(row["id"])
                row_manifest.append(
                    RowManifestEntry(
                        row_id=row["id"],
                        recording_id=r.recording_id,
                        segment_ids=(r.segment,),
                        split=split,
                        file=names["parquet"],
                        source_artifact=art,
                        policy=meta.policy,
                        operators=meta.operators,
                        dataset_version=1,
                    )
                )
            write_parquet(folder / names["parquet"], rows)
            write_jsonl(folder / names["jsonl"], rows)
            files += _file_entries(folder, split, names, "rows", len(rows))
        files += _write_conversations(folder, split, items, eid, rows_per_shard, recs, lineage)
    write_row_manifest(folder, row_manifest)
    report.rows_written = len(kept)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = ExportManifest(
        format=MANIFEST_FORMAT,
        export_id=meta.export_id,
        policy=meta.policy,
        policy_description=meta.policy_description,
        operators=meta.operators,
        detector=meta.detector,
        seed=meta.seed,
        license=meta.license,
        dataset_version=1,
        created_at=stamp,
        updated_at=stamp,
        pretty_name=f"Redacted conversations ({eid})",
        languages=tuple(sorted({r.language for r, _ in kept})),
        rows=len(kept),
        splits=dict(report.splits),
        files=tuple(files),
        recordings={rid: e.entry() for rid, e in recs.items()},
        replaced_labels=labels,
        dropped=dict(sorted(report.dropped.items())),
        gate=GateCounts(scanned=report.gate_scanned, dropped=report.gate_dropped),
        history=(HistoryEntry(version=1, at=stamp, change="created", rows=len(kept)),),
    )
    write_card(folder, manifest)
    write_manifest(folder, manifest)
    return lineage


def _write_conversations(
    folder: Path,
    split: str,
    items: Sequence[tuple[Row, str]],
    eid: str,
    per_shard: int,
    recs: dict[str, _RecordingFiles],
    lineage: dict[str, registry.RecordingLineage],
) -> list[ManifestFile]:
    """The conversation layout of one split: a row per recording, its turns as ``messages``
    (``role`` is the row's speaker label), beside the utterance rows; the files written."""
    convs: dict[str, dict[str, Any]] = {}
    for r, _art in sorted(items, key=lambda it: (it[0].recording_id, it[0].segment)):
        cid = conversation_id(eid, r.recording_id)
        conv = convs.setdefault(
            r.recording_id, {"conversation_id": cid, "language": r.language, "messages": []}
        )
        conv["messages"].append({"role": r.speaker, "content": r.text})
    ordered = [convs[k] for k in sorted(convs, key=lambda k: convs[k]["conversation_id"])]
    chunks = [ordered[i : i + per_shard] for i in range(0, len(ordered), per_shard)]
    files: list[ManifestFile] = []
    for i, chunk in enumerate(chunks):
        names = {
            f: shard_name(split, i, len(chunks), f, CONVERSATIONS) for f in ("parquet", "jsonl")
        }
        write_parquet(folder / names["parquet"], chunk, CONVERSATION_SCHEMA)
        write_jsonl(folder / names["jsonl"], chunk)
        for rid, conv in convs.items():
            if conv in chunk:
                recs[rid].files.extend(names.values())
                lineage[rid].files.setdefault(names["parquet"], []).append(conv["conversation_id"])
        files += _file_entries(folder, split, names, CONVERSATIONS, len(chunk))
    return files


@dataclass
class _RecordingFiles:
    """A recording's manifest entry while its rows are being written."""

    split: str
    conversation_id: str
    rows: int = 0
    files: list[str] = field(default_factory=list)

    def entry(self) -> RecordingEntry:
        return RecordingEntry(
            split=self.split,
            conversation_id=self.conversation_id,
            rows=self.rows,
            files=tuple(self.files),
        )


def _file_entries(
    folder: Path, split: str, names: dict[str, str], layout: str, rows: int
) -> list[ManifestFile]:
    """The manifest entries of the files just written (one per format)."""
    return [
        ManifestFile.model_validate(
            {
                "path": path,
                "split": split,
                "format": fmt,
                "layout": layout,
                "rows": rows,
                "sha256": sha256_file(folder / path),
            }
        )
        for fmt, path in names.items()
    ]


def write_card(folder: Path, manifest: ExportManifest) -> None:
    text = render_card(manifest)
    write_atomic(folder / "README.md", lambda tmp: tmp.write_text(text, encoding="utf-8"))
