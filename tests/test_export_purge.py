"""Dataset export on synthetic recordings (both store backends): files, lineage, purge
propagation, verify-purge, determinism, and all-or-nothing failure.

The gate's detector is replaced by a fake that finds nothing (the pattern rules still run);
the real detector is exercised in ``test_export_fixtures.py``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from redactor.dataset import (
    ExportGateError,
    export_dataset,
    export_purges,
    exports,
    set_opt_out,
    set_training_consent,
)
from redactor.errors import InputError
from redactor.purge import purge, verify_purge
from redactor.store import ArtifactKind, Store
from tests.export_support import make_conversation
from tests.fakes import QuietDetector

QUIET = QuietDetector()


def _rows(folder: Path) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for f in sorted(folder.glob("data/*/*.parquet")):
        out += pq.read_table(f).to_pylist()
    return out


def _manifest(folder: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / "manifest.json").read_text())
    return data


@pytest.fixture
def conversations(backend_store: Store) -> Store:
    for i in range(12):
        make_conversation(backend_store, f"rec-{i:02d}", consent=i != 11)
    return backend_store


def test_export_writes_consented_rows_and_lineage(conversations: Store, tmp_path: Path) -> None:
    st = conversations
    set_opt_out(st, "rec-10", "customer")
    report = export_dataset(st, tmp_path / "ds", analyzer=QUIET, seed=3, rows_per_shard=25)
    m = _manifest(tmp_path / "ds")
    assert set(m["recordings"]) == {f"rec-{i:02d}" for i in range(10)}  # type: ignore[arg-type]
    assert report.skipped["no-consent"] == 1 and report.skipped["opted-out"] == 1
    rows = _rows(tmp_path / "ds")
    assert len(rows) == report.rows_written == m["rows"]
    assert report.dropped.get("duplicate", 0) > 0  # the fixed agent lines repeat
    assert len(list((tmp_path / "ds").glob("data/train/*.parquet"))) > 1  # sharded
    # every recording in exactly one split
    splits: dict[str, set[str]] = {}
    for line in (tmp_path / "ds" / "manifest.jsonl").read_text().splitlines():
        r = json.loads(line)
        splits.setdefault(r["recording_id"], set()).add(r["split"])
        assert r["policy"] == "training" and r["operators"] == ["surrogate.v2"]
    assert all(len(v) == 1 for v in splits.values())
    kinds = [a.kind for a in st.artifacts.of("rec-00")]
    assert kinds.count("dataset_export") == 1 and "dataset_rows" in kinds
    assert [e.status for e in exports(st)] == ["ready"]


def test_export_never_writes_the_secret_values(conversations: Store, tmp_path: Path) -> None:
    secrets = [make_conversation(conversations, "rec-x", consent=True)]
    export_dataset(conversations, tmp_path / "ds", analyzer=QUIET)
    blob = b"".join(p.read_bytes() for p in (tmp_path / "ds").rglob("*") if p.is_file())
    for s in secrets:
        for value in (s.name, s.phone, s.email, s.name.split()[0]):
            assert value.encode() not in blob


def test_export_purge_rewrites_the_export_and_verify_confirms(
    conversations: Store, tmp_path: Path
) -> None:
    st = conversations
    export_dataset(st, tmp_path / "ds", analyzer=QUIET, rows_per_shard=25)
    export_dataset(st, tmp_path / "ds2", analyzer=QUIET)
    before = _manifest(tmp_path / "ds")
    lineage = st.artifacts.of("rec-03", kind=ArtifactKind.DATASET_EXPORT, with_body=True)
    bodies = [json.loads(a.body or b"") for a in lineage]
    listed = sorted(
        ({"export_id": b["export_id"], "out_dir": b["out_dir"]} for b in bodies),
        key=lambda e: e["export_id"],
    )
    assert [e["export_id"] for e in listed] == sorted(e.id for e in exports(st))
    old_shards = {p: p.read_bytes() for p in (tmp_path / "ds").glob("data/*/*.parquet")}
    conv = before["recordings"]["rec-03"]["conversation_id"]  # type: ignore[index]
    n_before = len(_rows(tmp_path / "ds"))

    receipt = purge(st, "rec-03", "host-deleted")

    assert receipt.sections["dataset-exports"] == listed, "the receipt lists the exports rewritten"
    after = _manifest(tmp_path / "ds")
    rows = _rows(tmp_path / "ds")
    assert conv not in {r["conversation_id"] for r in rows}
    assert len(rows) == n_before - before["recordings"]["rec-03"]["rows"]  # type: ignore[index]
    assert after["dataset_version"] == 2 and "rec-03" not in after["recordings"]  # type: ignore[operator]
    assert after["rows"] == len(rows)
    assert "rec-03" not in (tmp_path / "ds" / "manifest.jsonl").read_text()
    assert "Dataset version: **2**" in (tmp_path / "ds" / "README.md").read_text()
    assert {e["export_id"] for e in export_purges(st, "rec-03")} == {e.id for e in exports(st)}
    assert verify_purge(st, "rec-03") == []
    assert verify_purge(st, "rec-04") != []  # not purged: verify must be able to fail

    # put the old shards back: verify-purge finds the purged recording's rows in them
    for path, data in old_shards.items():
        path.write_bytes(data)
    findings = verify_purge(st, "rec-03")
    assert any("dataset-exports: export" in f and ".parquet" in f for f in findings)


def test_export_purge_of_a_recording_in_no_export_leaves_exports_alone(
    conversations: Store, tmp_path: Path
) -> None:
    export_dataset(conversations, tmp_path / "ds", analyzer=QUIET)
    purge(conversations, "rec-11", "retention")  # no consent: never exported
    assert _manifest(tmp_path / "ds")["dataset_version"] == 1
    assert verify_purge(conversations, "rec-11") == []


def test_export_splits_are_deterministic_given_the_seed(
    conversations: Store, tmp_path: Path
) -> None:
    def splits(name: str, seed: int) -> dict[str, str]:
        export_dataset(conversations, tmp_path / name, analyzer=QUIET, seed=seed)
        recs = _manifest(tmp_path / name)["recordings"]
        return {rid: e["split"] for rid, e in recs.items()}  # type: ignore[attr-defined]

    a, b = splits("a", 1), splits("b", 1)
    assert a == b
    texts = [
        sorted(str(r["text"]) for r in _rows(tmp_path / n) if r["turn"] == 1) for n in ("a", "b")
    ]
    assert texts[0] == texts[1]
    assert any(splits(f"s{seed}", seed) != a for seed in range(2, 6))


def test_export_gate_limit_fails_and_writes_nothing(conversations: Store, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    # A policy that keeps phone numbers as they are: every phone row trips the gate.
    policy = tmp_path / "leaky.toml"
    policy.write_text('name = "leaky"\noperator = "surrogate.v2"\nlabels = ["PERSON"]\n')
    with pytest.raises(ExportGateError) as err:
        export_dataset(conversations, out, policy=str(policy), analyzer=QUIET, max_drop_share=0.01)
    assert err.value.exit_code == 1
    assert err.value.report.dropped["digit-run"] >= 10
    assert not out.exists() and list(tmp_path.glob(".ds*")) == []
    assert exports(conversations) == []
    assert not any(a.kind.startswith("dataset") for a in conversations.artifacts.of("rec-00"))


def test_export_refuses_a_folder_that_is_not_empty(conversations: Store, tmp_path: Path) -> None:
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "keep.txt").write_text("x")
    with pytest.raises(InputError):
        export_dataset(conversations, tmp_path / "ds", analyzer=QUIET)
    assert (tmp_path / "ds" / "keep.txt").read_text() == "x"


def test_export_follows_consent_changes(conversations: Store, tmp_path: Path) -> None:
    set_training_consent(conversations, "rec-00", False)
    set_training_consent(conversations, "rec-11", True)
    set_opt_out(conversations, "rec-01", "0")  # by channel
    export_dataset(conversations, tmp_path / "ds", analyzer=QUIET)
    recs = set(_manifest(tmp_path / "ds")["recordings"])  # type: ignore[arg-type]
    assert "rec-11" in recs and not recs & {"rec-00", "rec-01"}
    actions = [e.action for e in conversations.audit.entries("rec-01")]
    assert "participant-opt-out" in actions


def test_export_of_a_missing_folder_is_skipped_by_purge(
    conversations: Store, tmp_path: Path
) -> None:
    export_dataset(conversations, tmp_path / "ds", analyzer=QUIET)
    shutil.rmtree(tmp_path / "ds")  # moved away by the data team
    purge(conversations, "rec-02", "host-deleted")
    assert verify_purge(conversations, "rec-02") == []


def test_export_purge_during_the_export_is_applied_before_it_returns(
    conversations: Store, tmp_path: Path
) -> None:
    def purge_first(done: int, total: int) -> None:
        if done == 2:  # rec-00's rows are already collected
            purge(conversations, "rec-00", "host-deleted")

    export_dataset(conversations, tmp_path / "ds", analyzer=QUIET, progress=purge_first)
    m = _manifest(tmp_path / "ds")
    assert "rec-00" not in m["recordings"] and m["dataset_version"] == 2  # type: ignore[operator]
    assert verify_purge(conversations, "rec-00") == []
