"""The fault matrix: every multi-step write killed at each of its durable operations.

For each command (``process``, ``export-dataset``, ``purge``, the deletion webhook) a clean run
is traced (``tests.killpoints``); then, for every commit, rename, unlink and folder removal it
made, a fresh store runs the command in a child process that is killed just before that
operation, the command is run again (or the server restarted), and the result is checked:
the work is complete, nothing is half-written, and a scan of every file of the store and of
the exports finds nothing of a purged recording. fsyncs are traced but not killed at: a
process killed before an fsync leaves what a kill before the rename after it leaves.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from redactor.auth import create_token, set_webhook_secret
from redactor.crypto import is_sealed_file
from redactor.dataset import export_dataset, exports
from redactor.dataset.rows import conversation_id
from redactor.detect import Detector
from redactor.executors import LocalPipeline
from redactor.purge import purge, verify_purge
from redactor.store import Store, open_store, store_url
from redactor.summarize import load_summary
from redactor.transcribe import FasterWhisperTranscriber
from redactor.types import RecordingMeta, Transcript
from redactor.web import create_app
from redactor.web.content import redacted_audio
from tests.conftest import FIXTURES
from tests.export_support import make_conversation
from tests.killpoints import Op, kill_at, trace
from tests.residue import scan_files
from tests.synthetic import SECRET, make_recording, marker
from tests.test_export_purge import QUIET
from tests.test_web_webhooks import URL, body_for, signed

CALLS = {"call-vtt": FIXTURES / "meeting_zoom.vtt", "call-wav": FIXTURES / "short_phone.wav"}


@dataclass
class Case:
    """One fresh store and the folders around it."""

    store: Store
    root: Path  # every file of this case: store, artifacts, exports

    def reopen(self) -> Store:
        return Store(self.store.url, artifact_root=self.store.artifact_root)

    def store_files(self) -> list[Path]:
        return [self.root]


Factory = Callable[[], Case]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Factory]:
    """Makes a new empty store per call (a SQLite file, or a new PostgreSQL schema)."""
    made: list[tuple[Store, str | None]] = []
    admin = None
    if request.param == "postgresql":
        url, _ = store_url(request.getfixturevalue("pg_url"))
        admin = sqlalchemy.create_engine(url)

    def make() -> Case:
        root = tmp_path / uuid.uuid4().hex[:8]
        if admin is None:
            st = open_store(str(root / "store" / "redactor.db"))
            made.append((st, None))
        else:
            schema = "fm_" + uuid.uuid4().hex[:12]
            with admin.begin() as conn:
                conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
            sep = "&" if "?" in str(admin.url) else "?"
            st = Store(
                f"{admin.url.render_as_string(hide_password=False)}{sep}"
                f"options=-csearch_path%3D{schema}",
                artifact_root=root / "artifacts",
            )
            made.append((st, schema))
        return Case(st, root)

    yield make
    for st, schema in made:
        st.close()
        if admin is not None and schema is not None:
            with admin.begin() as conn:
                conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
    if admin is not None:
        admin.dispose()


def kill_points(ops: list[Op]) -> list[int]:
    return [i for i, op in enumerate(ops, start=1) if op.kind != "fsync"]


def run_matrix(
    fresh: Factory,
    setup: Callable[[Case], None],
    command: Callable[[Case], object],
    rerun_and_check: Callable[[Case], list[str]],
) -> int:
    """Kill ``command`` at each point; return how many points ran. Fails listing every point
    whose re-run left something wrong."""
    probe = fresh()
    setup(probe)
    probe.store.close()
    ops = trace(lambda: command(probe))
    points = kill_points(ops)
    assert points, "the command made no durable operation"
    failures = []
    for k in points:
        case = fresh()
        setup(case)
        case.store.close()
        kill_at(lambda c=case: command(c), k)  # type: ignore[misc]
        problems = rerun_and_check(case)
        failures += [f"killed before op {k} ({ops[k - 1]}): {p}" for p in problems]
    assert failures == [], "\n".join(failures)
    return len(points)


# -- process ------------------------------------------------------------------------------


class Replay:
    """The real transcriber's output for the audio call, replayed (no CTranslate2 after fork)."""

    name = "replay"

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript

    def transcribe(self, audio: object, speakers: object = ()) -> Transcript:
        return self.transcript


@pytest.fixture(scope="module")
def replay(transcriber: FasterWhisperTranscriber, detector: Detector) -> Replay:
    from redactor.ingest import decode_audio

    detector.analyze_texts(["warm the models up before forking"])
    return Replay(transcriber.transcribe(decode_audio(CALLS["call-wav"]), ()))


def test_fault_matrix_process(fresh: Factory, replay: Replay, detector: Detector) -> None:
    def pipeline(st: Store) -> LocalPipeline:
        return LocalPipeline(store=st, transcriber=replay, detector=detector)  # type: ignore[arg-type]

    def command(case: Case) -> None:
        pipe = pipeline(case.reopen())
        for rid, path in CALLS.items():
            assert (
                pipe.process_file(path, RecordingMeta(host="acme", recording_id=rid)).status
                == "done"
            )

    def check(case: Case) -> list[str]:
        st, problems = case.store, []
        pipe = pipeline(st)
        for rid, path in CALLS.items():
            r = pipe.process_file(path, RecordingMeta(host="acme", recording_id=rid))
            if r.status not in ("done", "skipped"):
                problems.append(f"{rid}: re-run {r.status}")
                continue
            if st.recordings.get(rid).status != "done":
                problems.append(f"{rid}: status {st.recordings.get(rid).status}")
            if not load_summary(st, rid):
                problems.append(f"{rid}: no summaries")
            named = {st.artifact_file(a.path) for a in st.artifacts.of(rid) if a.path}
            for f in st.recording_dir(rid).rglob("*"):
                if f.is_file() and f.resolve() not in {p.resolve() for p in named}:
                    problems.append(f"{rid}: unregistered file {f.name}")
                if f.is_file() and not is_sealed_file(f.read_bytes()[:16]):
                    problems.append(f"{rid}: plaintext file {f.name} (audio must be sealed)")
            if path.suffix == ".wav" and not redacted_audio(st, rid).read().startswith(b"fLaC"):
                problems.append(f"{rid}: the redacted audio does not decrypt to FLAC")
        return problems

    run_matrix(fresh, lambda case: None, command, check)


# -- export-dataset -----------------------------------------------------------------------


def _conversations(case: Case) -> None:
    for i in range(5):
        make_conversation(case.store, f"rec-{i:02d}")


def _needles(case: Case, rid: str) -> list[str]:
    """What shows a recording's rows in an export: its conversation id in each export."""
    ids = {e.id for e in exports(case.store)}
    ids |= {json.loads(m.read_text())["export_id"] for m in case.root.rglob("manifest.json")}
    return [conversation_id(eid, rid) for eid in sorted(ids)]


def _export_residue(case: Case, rid: str, found: list[str]) -> list[str]:
    """The recording's rows anywhere (store files included), or its id in an export's files
    (the store keeps the id of a purged recording on purpose: receipt, tombstone, audit)."""
    return scan_files([case.root], found) + scan_files([case.root / "exports"], [f'"{rid}"'])


def _registry_problems(st: Store) -> list[str]:
    problems = []
    for e in exports(st):
        if e.status != "ready":
            problems.append(f"export {e.id}: status {e.status}")
        m = e.out_dir / "manifest.json"
        if m.is_file():
            data = json.loads(m.read_text())
            if (data["dataset_version"], data["rows"]) != (e.version, e.rows):
                problems.append(f"export {e.id}: registry and manifest disagree")
    return problems


def test_fault_matrix_export_dataset(fresh: Factory) -> None:
    def command(case: Case) -> None:
        export_dataset(case.reopen(), case.root / "exports" / "ds", analyzer=QUIET)

    def check(case: Case) -> list[str]:
        st = case.store
        out = case.root / "exports" / "ds"
        if not (out / "manifest.json").is_file():
            export_dataset(st, out if not out.exists() else out.with_name("ds2"), analyzer=QUIET)
        found = _needles(case, "rec-02")
        purge(st, "rec-02", "host-deleted")
        problems = _registry_problems(st)
        problems += verify_purge(st, "rec-02")
        problems += _export_residue(case, "rec-02", found)
        problems += [f"left over: {p.name}" for p in (case.root / "exports").glob(".*")]
        return problems

    run_matrix(fresh, _conversations, command, check)


# -- purge --------------------------------------------------------------------------------


def _purge_setup(case: Case) -> None:
    _conversations(case)
    export_dataset(case.store, case.root / "exports" / "ds", analyzer=QUIET)
    make_recording(case.store, "rec-a", export_dir=case.root / "exports" / "files")


def test_fault_matrix_purge(fresh: Factory) -> None:
    def command(case: Case) -> None:
        st = case.reopen()
        purge(st, "rec-02", "host-deleted")
        purge(st, "rec-a", "subject-request")

    def check(case: Case) -> list[str]:
        st = case.store
        found = _needles(case, "rec-02")
        purge(st, "rec-02", "host-deleted")
        purge(st, "rec-a", "subject-request")
        problems = verify_purge(st, "rec-02") + verify_purge(st, "rec-a")
        problems += _registry_problems(st)
        problems += _export_residue(case, "rec-02", found)
        problems += scan_files(case.store_files(), [marker("rec-a"), SECRET])
        return problems

    run_matrix(fresh, _purge_setup, command, check)


# -- the deletion webhook -----------------------------------------------------------------


def test_fault_matrix_webhook(fresh: Factory) -> None:
    secrets: dict[str, str] = {}

    def setup(case: Case) -> None:
        make_recording(case.store, "rec-a1", export_dir=case.root / "exports" / "files")
        make_recording(case.store, "rec-a2")
        secrets[case.store.url] = set_webhook_secret(case.store, "acme")
        secrets[case.store.url + "#token"] = create_token(case.store, role="host", host="acme")

    def post(client: TestClient, case: Case) -> None:
        body = body_for("rec-a1")
        client.post(URL, content=body, headers=signed(secrets[case.store.url], body))

    def command(case: Case) -> None:
        with TestClient(create_app(case.reopen(), allowed_hosts=["testserver"])) as client:
            post(client, case)

    def check(case: Case) -> list[str]:
        st = case.store
        with TestClient(
            create_app(st, allowed_hosts=["testserver"])
        ) as client:  # the restart resumes unfinished work
            post(client, case)  # and the host sends the event again
            token = secrets[st.url + "#token"]
            r = client.get(
                "/api/webhook-events/evt-1", headers={"Authorization": f"Bearer {token}"}
            )
        problems = [] if r.json().get("status") == "done" else [f"event: {r.json()}"]
        problems += verify_purge(st, "rec-a1")
        problems += scan_files(case.store_files(), [marker("rec-a1")])
        if not st.recordings.exists("rec-a2"):
            problems.append("rec-a2 was purged too")
        return problems

    run_matrix(fresh, setup, command, check)
