"""Dataset exports and purges killed mid-write (real kills, ``tests.killpoints``): the staging
copy of a killed export is known, swept and purged; the registry and the manifests agree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redactor.dataset import export_dataset, exports
from redactor.dataset.rows import conversation_id
from redactor.purge import purge, verify_purge
from redactor.store import Store
from tests.export_support import make_conversation
from tests.killpoints import Op, kill_at
from tests.residue import scan_files
from tests.test_export_purge import QUIET


def reopen(st: Store) -> Store:
    return Store(st.url, artifact_root=st.artifact_root)


@pytest.fixture
def calls(backend_store: Store) -> Store:
    for i in range(6):
        make_conversation(backend_store, f"rec-{i:02d}")
    return backend_store


def export_ids(root: Path) -> set[str]:
    """Every export id named by a manifest anywhere under ``root`` (staging folders too)."""
    found = set()
    for m in root.rglob("manifest.json"):
        found.add(json.loads(m.read_text())["export_id"])
    return found


def needles(st: Store, root: Path, rid: str) -> list[str]:
    """What would show a recording's rows: its conversation id in every export, and its id."""
    ids = export_ids(root) | {e.id for e in exports(st)}
    return [rid, *(conversation_id(eid, rid) for eid in sorted(ids))]


def killed_before(pred):  # type: ignore[no-untyped-def]
    return lambda op: pred(op)


def test_export_killed_before_publishing_leaves_nothing_purge_misses(
    calls: Store, tmp_path: Path
) -> None:
    """Issue 15 #1: the staging copy of a killed export held every row; purge never saw it."""
    out = tmp_path / "exports" / "ds"
    calls.close()

    def export() -> None:
        export_dataset(reopen(calls), out, analyzer=QUIET)

    # The staging folder is complete: killed just before it is renamed into place.
    kill_at(export, lambda op: op == Op("replace", "ds") or op == Op("rename", "ds"))
    assert not out.exists()
    export_dataset(calls, out, analyzer=QUIET)  # the retry succeeds
    assert [e.status for e in exports(calls)] == ["ready"], "no export stuck at 'writing'"
    found = needles(calls, tmp_path, "rec-02")
    purge(calls, "rec-02", "host-deleted")
    assert verify_purge(calls, "rec-02") == []
    assert scan_files([tmp_path / "exports"], found) == []
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["ds"]


def test_export_killed_staging_is_reported_and_swept_by_verify_and_purge(
    calls: Store, tmp_path: Path
) -> None:
    out = tmp_path / "exports" / "ds"
    calls.close()

    def export() -> None:
        export_dataset(reopen(calls), out, analyzer=QUIET)

    kill_at(export, lambda op: op == Op("replace", "ds") or op == Op("rename", "ds"))
    found = needles(calls, tmp_path, "rec-01")
    assert scan_files([tmp_path / "exports"], found) != []  # the killed copy has its rows
    purge(calls, "rec-01", "host-deleted")
    assert verify_purge(calls, "rec-01") == []
    assert scan_files([tmp_path / "exports"], found) == []
    # verify-purge reports a staging folder it finds (made here by hand: a stale copy)
    kill_at(export, lambda op: op == Op("replace", "ds") or op == Op("rename", "ds"))
    findings = verify_purge(calls, "rec-01")
    assert any("staging" in f for f in findings), findings
    assert verify_purge(calls, "rec-01") == [], "verify-purge sweeps what it reported"


def test_export_purge_killed_between_rewrite_and_registry_is_repaired(
    calls: Store, tmp_path: Path
) -> None:
    """Issue 15 #2: killed after the manifest rewrite, the registry kept the old version."""
    out = tmp_path / "ds"
    export_dataset(calls, out, analyzer=QUIET)
    calls.close()
    seen_manifest = False

    def after_manifest(op: Op) -> bool:
        nonlocal seen_manifest
        if op in (Op("replace", "manifest.json"), Op("rename", "manifest.json")):
            seen_manifest = True
            return False
        return seen_manifest and op.kind == "commit"

    kill_at(lambda: purge(reopen(calls), "rec-03", "host-deleted"), after_manifest)
    manifest = json.loads((out / "manifest.json").read_text())
    purge(calls, "rec-03", "host-deleted")  # the re-run
    manifest = json.loads((out / "manifest.json").read_text())
    (entry,) = exports(calls)
    assert (entry.version, entry.rows, entry.recordings) == (
        manifest["dataset_version"],
        manifest["rows"],
        len(manifest["recordings"]),
    )
    assert verify_purge(calls, "rec-03") == []


def test_export_verify_purge_fails_when_registry_and_manifest_disagree(
    calls: Store, tmp_path: Path
) -> None:
    out = tmp_path / "ds"
    export_dataset(calls, out, analyzer=QUIET)
    purge(calls, "rec-03", "host-deleted")
    assert verify_purge(calls, "rec-03") == []
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["dataset_version"] = 1  # the registry says 2: they disagree
    (out / "manifest.json").write_text(json.dumps(manifest))
    findings = verify_purge(calls, "rec-03")
    assert any("registry" in f for f in findings), findings
