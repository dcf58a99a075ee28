"""The purge commands end to end: receipt, verify-purge exit codes, re-ingest refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from redactor.detect import Detector
from redactor.store import Store
from tests.conftest import FIXTURES, store_location
from tests.synthetic import SECRET, make_recording

runner = CliRunner()


def _run(st: Store, *args: str):  # type: ignore[no-untyped-def]
    from redactor.cli import app

    env = {"REDACTOR_ARTIFACTS": str(st.artifact_root)}
    return runner.invoke(app, [*args, "--store", store_location(st)], env=env)


def test_purge_cli_receipt_and_verify(backend_store: Store, tmp_path: Path) -> None:
    make_recording(backend_store, "rec-a", export_dir=tmp_path / "exports")
    before = _run(backend_store, "verify-purge", "rec-a")
    assert before.exit_code == 1 and "not purged" in before.stdout
    done = _run(backend_store, "purge", "rec-a", "--reason", "host-deleted")
    assert done.exit_code == 0, done.output
    receipt = json.loads(done.stdout)
    assert receipt["recording_id"] == "rec-a" and receipt["counts"]["dataset_file"] == 1
    assert SECRET not in done.output
    again = _run(backend_store, "purge", "rec-a", "--reason", "retention")
    assert json.loads(again.stdout) == receipt
    ok = _run(backend_store, "verify-purge", "rec-a")
    assert ok.exit_code == 0 and ok.stdout == "ok: nothing of rec-a remains\n"
    # An exported copy that reappears (restored from elsewhere) is residue.
    (tmp_path / "exports" / "rec-a.jsonl").write_text("{}\n")
    left = _run(backend_store, "verify-purge", "rec-a")
    assert left.exit_code == 1 and "rec-a.jsonl (dataset_file) still exists" in left.stdout


def test_purge_cli_bad_input(backend_store: Store) -> None:
    bad_reason = _run(backend_store, "purge", "rec-a", "--reason", "whim")
    assert bad_reason.exit_code == 2
    hostile = _run(backend_store, "purge", "../x", "--reason", "host-deleted")
    assert hostile.exit_code == 2 and "invalid recording id" in hostile.output
    unknown = _run(backend_store, "verify-purge", "never-seen")
    assert unknown.exit_code == 2 and "never purged" in unknown.output


def test_purge_cli_reingest_of_a_purged_recording_is_refused(
    backend_store: Store, tmp_path: Path, detector: Detector
) -> None:
    src = tmp_path / "meeting.srt"
    shutil.copy(FIXTURES / "meeting.srt", src)
    first = _run(backend_store, "process", str(src), "--id", "mtg-1")
    assert first.exit_code == 0, first.output
    assert first.stdout.split("\t")[:2] == ["mtg-1", "done"]
    assert _run(backend_store, "purge", "mtg-1", "--reason", "host-deleted").exit_code == 0
    assert _run(backend_store, "verify-purge", "mtg-1").exit_code == 0
    for extra in ([], ["--id", "mtg-2"]):  # same id, or the same file under another id
        again = _run(
            backend_store, "process", str(src), *([] if extra else ["--id", "mtg-1"]), *extra
        )
        assert again.exit_code == 2
        assert "\trefused\t" in again.stdout
        assert "was purged; re-ingest refused (use --allow-purged to force)" in again.output
    assert not backend_store.recordings.exists("mtg-1") and not backend_store.recordings.exists(
        "mtg-2"
    )
    assert _run(backend_store, "verify-purge", "mtg-1").exit_code == 0
    forced = _run(backend_store, "process", str(src), "--id", "mtg-1", "--allow-purged")
    assert forced.exit_code == 0 and "\tdone\t" in forced.stdout


def test_purge_cli_resume_finishes_every_purge_a_kill_cut_off(backend_store: Store) -> None:
    from tests.killpoints import kill_at

    make_recording(backend_store, "rec-a")
    make_recording(backend_store, "rec-b")
    backend_store.close()
    for rid in ("rec-a", "rec-b"):

        def cut_off(rid: str = rid) -> None:
            from redactor.purge import purge

            purge(
                Store(backend_store.url, artifact_root=backend_store.artifact_root),
                rid,
                "host-deleted",
            )

        kill_at(cut_off, lambda op: op.kind == "rmtree")  # tombstoned, key gone, files left
    assert {j.recording_id for j in backend_store.purges.running()} == {"rec-a", "rec-b"}
    bad = _run(backend_store, "purge", "rec-a", "--resume")
    assert bad.exit_code == 2
    done = _run(backend_store, "purge", "--resume")
    assert done.exit_code == 0, done.output
    receipts = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted(r["recording_id"] for r in receipts) == ["rec-a", "rec-b"]
    assert "resumed 2 purge(s)" in done.stderr
    assert _run(backend_store, "verify-purge", "rec-a").exit_code == 0
    assert backend_store.purges.running() == []
