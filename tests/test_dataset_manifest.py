"""The typed export manifests (``redactor.dataset.manifest``): the bytes they write are the
bytes the dict-based exporter wrote, and a damaged ``manifest.json`` is a clear input error.

``tests/data/dataset/`` holds ``manifest.json`` and ``manifest.jsonl`` of a synthetic export
(6 recordings, seed 7, 5 rows a shard) written by the exporter before the typed records existed
(``-v1``), and of the same export after that exporter's purge of ``rec-02`` (``-v2``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from redactor.dataset import export_dataset
from redactor.dataset.files import (
    read_manifest,
    read_row_manifest,
    write_manifest,
    write_row_manifest,
)
from redactor.dataset.manifest import ExportManifest
from redactor.dataset.propagate import _rewrite_row_manifest
from redactor.errors import InputError
from redactor.purge import purge, verify_purge
from redactor.store import Store
from tests.conftest import store_location
from tests.export_support import make_conversation
from tests.fakes import QuietDetector

GOLDEN = Path(__file__).parent / "data" / "dataset"
QUIET = QuietDetector()


def _golden(tmp_path: Path, version: int) -> Path:
    """A folder holding the golden manifests of one version under their real names."""
    folder = tmp_path / f"v{version}"
    folder.mkdir(parents=True)
    shutil.copy(GOLDEN / f"manifest-v{version}.json", folder / "manifest.json")
    shutil.copy(GOLDEN / f"manifest-v{version}.jsonl", folder / "manifest.jsonl")
    return folder


@pytest.mark.parametrize("version", [1, 2])
def test_dataset_manifest_golden_reads_and_writes_back_byte_identical(
    tmp_path: Path, version: int
) -> None:
    folder = _golden(tmp_path, version)
    before = (folder / "manifest.json").read_bytes(), (folder / "manifest.jsonl").read_bytes()
    manifest, rows = read_manifest(folder), read_row_manifest(folder)
    assert manifest.dataset_version == version and len(rows) == manifest.rows
    (folder / "manifest.json").unlink()
    (folder / "manifest.jsonl").unlink()
    write_manifest(folder, manifest)
    write_row_manifest(folder, rows)
    assert (folder / "manifest.json").read_bytes() == before[0]
    assert (folder / "manifest.jsonl").read_bytes() == before[1]


def test_dataset_manifest_purge_gives_the_old_exporters_bytes(tmp_path: Path) -> None:
    """v1 without rec-02, with v2's re-hashed files, is v2 byte for byte (manifest and rows)."""
    v1, v2 = read_manifest(_golden(tmp_path, 1)), read_manifest(_golden(tmp_path, 2))
    purged = v1.without_recording("rec-02", v2.files, at=v2.updated_at, rows_removed=6)
    assert purged.to_json().encode() == (GOLDEN / "manifest-v2.json").read_bytes()
    folder = _golden(tmp_path / "rows", 1)
    _rewrite_row_manifest(folder, "rec-02", 2)
    assert (folder / "manifest.jsonl").read_bytes() == (GOLDEN / "manifest-v2.jsonl").read_bytes()


@pytest.mark.parametrize(
    "change",
    [
        lambda m: [f.pop("layout") for f in m["files"] if f["layout"] == "rows"],
        lambda m: m.update(license_name=None),
        lambda m: m.update(license_name="acme-internal"),
    ],
    ids=["older-without-layout", "license-name-null", "license-name"],
)
def test_dataset_manifest_keeps_exactly_the_keys_the_file_had(
    change: Callable[[dict[str, Any]], object],
) -> None:
    data = json.loads((GOLDEN / "manifest-v1.json").read_text())
    change(data)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    manifest = ExportManifest.from_json(text, source="manifest.json")
    assert manifest.to_json() == text
    # an absent layout reads as the utterance layout (what the purge recounts)
    assert [f.layout == "rows" for f in manifest.files] == [
        f.path.startswith("data/") for f in manifest.files
    ]


def _keys(value: object) -> object:
    """The shape of a JSON value: its keys at every level, no values (recording ids aside)."""
    if isinstance(value, dict):
        return {k if not k.startswith("rec-") else "rec": _keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted({json.dumps(_keys(v), sort_keys=True) for v in value})
    return type(value).__name__


def test_dataset_manifest_fresh_export_has_the_old_shape_and_round_trips(
    memory_store: Store, tmp_path: Path
) -> None:
    for i in range(6):
        make_conversation(memory_store, f"rec-{i:02d}", turns=12, seed=i)
    export_dataset(memory_store, tmp_path / "ds", analyzer=QUIET, seed=7, rows_per_shard=5)
    folder = tmp_path / "ds"
    written = json.loads((folder / "manifest.json").read_text())
    old = json.loads((GOLDEN / "manifest-v1.json").read_text())
    assert _keys(written) == _keys(old)
    same = ("format", "policy", "operators", "detector", "seed", "license", "dataset_version")
    same += ("languages", "rows", "splits", "replaced_labels", "dropped", "gate")
    assert {k: written[k] for k in same} == {k: old[k] for k in same}
    assert [(f["path"], f["rows"]) for f in written["files"]] == [
        (f["path"], f["rows"]) for f in old["files"]
    ]
    before = (folder / "manifest.json").read_bytes()
    write_manifest(folder, read_manifest(folder))
    assert (folder / "manifest.json").read_bytes() == before


def _old_purged(before: dict[str, Any], folder: Path, rid: str, stamp: str) -> str:
    """What the dict-based exporter's purge wrote for ``before`` (kept here as the reference)."""
    m = copy.deepcopy(before)
    entry = m["recordings"].pop(rid)
    for f in m["files"]:
        path = folder / f["path"]
        if f["path"] in entry["files"] and path.is_file():
            f["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
            f["rows"] = (
                pq.ParquetFile(path).metadata.num_rows
                if f["format"] == "parquet"
                else sum(1 for ln in path.read_text().splitlines() if ln)
            )
    splits = dict.fromkeys(m["splits"], 0)
    for f in m["files"]:
        if f["format"] == "parquet" and f.get("layout", "rows") == "rows":
            splits[f["split"]] += f["rows"]
    version = m["dataset_version"] + 1
    m.update(dataset_version=version, updated_at=stamp, splits=splits, rows=sum(splits.values()))
    m["history"].append(
        {"version": version, "at": stamp, "change": "purged 1 recording", "rows_removed": 6}
    )
    return json.dumps(m, indent=2, sort_keys=True) + "\n"


def test_dataset_manifest_purge_rewrite_matches_the_dict_exporter(
    memory_store: Store, tmp_path: Path
) -> None:
    for i in range(6):
        make_conversation(memory_store, f"rec-{i:02d}", turns=12, seed=i)
    export_dataset(memory_store, tmp_path / "ds", analyzer=QUIET, seed=7, rows_per_shard=5)
    folder = tmp_path / "ds"
    before = json.loads((folder / "manifest.json").read_text())
    assert before["recordings"]["rec-02"]["rows"] == 6
    purge(memory_store, "rec-02", "host-deleted")
    after = (folder / "manifest.json").read_text()
    stamp = json.loads(after)["updated_at"]
    assert after == _old_purged(before, folder, "rec-02", stamp)
    assert read_manifest(folder).history[-1].rows_removed == 6


def _damage_rows(m: dict[str, Any]) -> None:
    m["recordings"]["rec-01"]["rows"] = "Zebulon 555-0100"


DAMAGE: list[tuple[str, Callable[[dict[str, Any]], object] | str, str]] = [
    ("truncated", '{\n  "created_at": ', "not valid JSON"),
    ("not-an-object", "[]", "not a dataset manifest: the document: Input should be an object"),
    ("missing-files", lambda m: m.pop("files"), "not a dataset manifest: files: Field required"),
    ("count-as-text", _damage_rows, "recordings.rec-01.rows: Input should be a valid integer"),
    ("count-as-bool", lambda m: m.update(rows=True), "rows: Input should be a valid integer"),
    ("newer-format", lambda m: m.update(format="redactor-dataset-manifest/v9"), "format: Input"),
    ("unknown-key", lambda m: m.update(colour="red"), "colour: Extra inputs are not permitted"),
    (
        "path-escapes",
        lambda m: m["files"][0].update(path="../../elsewhere.parquet"),
        "files.0.path: Value error, must be a relative path inside the export folder",
    ),
]


def _damaged(folder: Path, damage: Callable[[dict[str, Any]], object] | str) -> bytes:
    """Damage ``manifest.json`` in place; returns the good bytes."""
    good = (folder / "manifest.json").read_bytes()
    if isinstance(damage, str):
        text = damage
    else:
        data = json.loads(good)
        damage(data)
        text = json.dumps(data, indent=2, sort_keys=True)
    (folder / "manifest.json").write_text(text)
    return good


@pytest.fixture
def exported(store: Store, tmp_path: Path) -> Path:
    for i in range(3):
        make_conversation(store, f"rec-{i:02d}", turns=8, seed=i)
    export_dataset(store, tmp_path / "ds", analyzer=QUIET)
    return tmp_path / "ds"


@pytest.mark.parametrize(("damage", "problem"), [d[1:] for d in DAMAGE], ids=[d[0] for d in DAMAGE])
def test_dataset_manifest_damaged_is_an_input_error_naming_file_and_problem(
    tmp_path: Path, damage: Callable[[dict[str, Any]], object] | str, problem: str
) -> None:
    folder = _golden(tmp_path, 1)
    _damaged(folder, damage)
    with pytest.raises(InputError) as err:
        read_manifest(folder)
    msg = str(err.value)
    assert msg.startswith(f"{folder / 'manifest.json'}: ") and problem in msg, msg
    assert "Zebulon" not in msg and "555" not in msg  # the damaged value is never repeated


def test_dataset_manifest_damaged_row_manifest_names_its_line(tmp_path: Path) -> None:
    folder = _golden(tmp_path, 1)
    lines = (folder / "manifest.jsonl").read_text().splitlines()
    lines[3] = lines[3].replace('"segment_ids": [3]', '"segment_ids": ["3"]')
    (folder / "manifest.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"manifest\.jsonl, line 4: .*segment_ids\.0"):
        read_row_manifest(folder)


def test_dataset_manifest_damaged_stops_purge_cleanly_and_the_rerun_completes(
    store: Store, exported: Path
) -> None:
    good = _damaged(exported, _damage_rows)
    with pytest.raises(InputError, match=r"manifest\.json: not a dataset manifest"):
        purge(store, "rec-01", "host-deleted")
    (exported / "manifest.json").write_bytes(good)  # repaired: the purge resumes and finishes
    purge(store, "rec-01", "host-deleted")
    assert verify_purge(store, "rec-01") == []
    assert "rec-01" not in read_manifest(exported).recordings


@pytest.mark.parametrize(("command", "rid"), [("verify-purge", "rec-00"), ("purge", "rec-01")])
def test_dataset_manifest_damaged_exits_2_at_the_cli(
    store: Store, exported: Path, command: str, rid: str
) -> None:
    from redactor.cli import app

    purge(store, "rec-00", "host-deleted")  # verify-purge asks the hooks of a purged one
    _damaged(exported, _damage_rows)
    args = [command, rid, *(["--reason", "host-deleted"] * (command == "purge"))]
    env = {"REDACTOR_ARTIFACTS": str(store.artifact_root)}
    done = CliRunner().invoke(app, [*args, "--store", store_location(store)], env=env)
    assert done.exit_code == 2, done.output
    assert "manifest.json: not a dataset manifest: recordings.rec-01.rows" in done.output
    assert "Traceback" not in done.output and "Zebulon" not in done.output
