"""Shared fixtures. Real models (tiny.en, en_core_web_sm) load once per session."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from redactor.detect import Detector
from redactor.pipelines import LocalPipeline
from redactor.store import Store, open_store
from redactor.transcribe import FasterWhisperTranscriber
from redactor.types import RecordingMeta

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


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
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="session")
def transcriber() -> FasterWhisperTranscriber:
    return FasterWhisperTranscriber()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(str(tmp_path / "store" / "redactor.db"))


@pytest.fixture(scope="session")
def processed(
    tmp_path_factory: pytest.TempPathFactory,
    transcriber: FasterWhisperTranscriber,
    detector: Detector,
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
