"""Shared fixtures. Real models (tiny.en, en_core_web_sm) load once per session.

``slow`` marks every test that uses a real model (CI runs them all; ``-m "not slow"`` is the
quick loop): a test that asks for ``detector``, ``transcriber`` or ``processed`` is marked
here, and a test that runs spaCy or Whisper in this process without the mark fails (see
``_model_use``). Tests that run models in child processes (CLI subprocesses, pool workers,
Ray actors) carry the mark themselves. Tests about something else use ``tests/fakes.py``.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from redactor.detect import PresidioDetector
from redactor.executors import LocalPipeline
from redactor.store import MEMORY, Store, open_store, store_url
from redactor.transcribe import FasterWhisperTranscriber
from redactor.types import RecordingMeta
from tests.fakes import model_uses

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


REAL_MODEL_FIXTURES = {"detector", "transcriber", "processed"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _model_use(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that ran spaCy or Whisper here but is not marked ``slow``."""
    before = model_uses()
    yield
    used = model_uses() - before
    if used and request.node.get_closest_marker("slow") is None:
        pytest.fail(
            f"{request.node.nodeid} used a real model ({used} calls) but is not marked slow"
        )


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def fixture_info() -> dict[str, Any]:
    """``fixtures/fixtures.json``: what each committed fixture says, and its PII values."""
    return json.loads((FIXTURES / "fixtures.json").read_text())["fixtures"]


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    path = SHARED / "eval"
    if not path.is_dir():
        pytest.skip("../shared/eval is absent: evaluation sets are not on this machine")
    return path


@pytest.fixture(scope="session")
def detector() -> PresidioDetector:
    return PresidioDetector()


@pytest.fixture(scope="session")
def transcriber() -> FasterWhisperTranscriber:
    return FasterWhisperTranscriber()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A SQLite file store: for tests about what lands on disk (and the CLI, which needs a path)."""
    return open_store(str(tmp_path / "store" / "redactor.db"))


@pytest.fixture
def memory_store(tmp_path: Path) -> Iterator[Store]:
    """An in-memory SQLite store (files still under ``tmp_path``): for tests about anything but
    the database on disk."""
    st = open_store(MEMORY, artifact_root=tmp_path / "artifacts")
    yield st
    st.close()


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The test PostgreSQL server (``scripts/pg-test-server.sh start``): REDACTOR_TEST_PG_URL.

    Without it a PostgreSQL test skips on a developer machine, and fails in CI (CI=true),
    where a skip would hide that half of the storage suite never ran.
    """
    url = os.environ.get("REDACTOR_TEST_PG_URL", "")
    if not url:
        msg = "REDACTOR_TEST_PG_URL is not set; run scripts/pg-test-server.sh start"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    return url


def store_location(st: Store) -> str:
    """What to pass as ``--store`` to reach the same store from the CLI."""
    return st.url.removeprefix("sqlite:///") if st.backend == "sqlite" else st.url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store on each backend: a SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        st = open_store(str(tmp_path / "store" / "redactor.db"))
        yield st
        st.close()
        return
    url, _ = store_url(request.getfixturevalue("pg_url"))
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = sqlalchemy.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    st = Store(f"{url}{sep}options=-csearch_path%3D{schema}", artifact_root=tmp_path / "artifacts")
    yield st
    st.close()
    with admin.begin() as conn:
        conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(scope="session")
def processed(
    tmp_path_factory: pytest.TempPathFactory,
    transcriber: FasterWhisperTranscriber,
    detector: PresidioDetector,
) -> tuple[Store, dict[str, str]]:
    """Every audio fixture through the real pipeline once: ``(store, {file name: id})``."""
    st = open_store(str(tmp_path_factory.mktemp("processed") / "redactor.db"))
    pipeline = LocalPipeline(store=st, transcriber=transcriber, detector=detector)
    ids = {}
    for name in ("call_support.flac", "call_stereo.flac", "short_phone.wav", "silence.wav"):
        result = pipeline.process_file(FIXTURES / name, RecordingMeta(host="acme"))
        assert result.status == "done", result.error
        assert result.recording_id is not None
        ids[name] = result.recording_id
    return st, ids


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
