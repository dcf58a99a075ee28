"""Tombstones recognise the content: the purged call in another line ending, with extra
whitespace, or in another audio container is refused, not stored again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from redactor.detect import Detector
from redactor.executors import LocalPipeline
from redactor.purge import purge
from redactor.store import Store
from redactor.transcribe import FasterWhisperTranscriber
from redactor.types import RecordingMeta
from tests.conftest import FIXTURES


@pytest.fixture
def pipe(
    backend_store: Store, detector: Detector, transcriber: FasterWhisperTranscriber
) -> LocalPipeline:
    return LocalPipeline(
        store=backend_store, transcriber=transcriber, detector=detector, summaries=False
    )


def _variants(text: str) -> dict[str, str]:
    return {
        "crlf": text.replace("\n", "\r\n"),
        "extra-newline": text + "\n",
        "trailing-spaces": text.replace("\n", "  \n"),
        "bom": "\ufeff" + text,
    }


@pytest.mark.parametrize("variant", list(_variants("")))
def test_tombstone_refuses_the_purged_transcript_in_another_form(
    pipe: LocalPipeline, tmp_path: Path, variant: str
) -> None:
    """Issue 15 #6: the CRLF copy, or one with an extra newline, was stored again."""
    first = pipe.process_file(FIXTURES / "meeting_zoom.vtt", RecordingMeta(host="acme"))
    assert first.status == "done" and first.recording_id
    purge(pipe.store, first.recording_id, "host-deleted")
    copy = tmp_path / "again.vtt"
    text = (FIXTURES / "meeting_zoom.vtt").read_text(encoding="utf-8")
    copy.write_bytes(_variants(text)[variant].encode("utf-8"))
    again = pipe.process_file(copy, RecordingMeta(host="acme"))
    assert again.status == "refused", again
    assert again.recording_id is None and pipe.store.recordings.all() == []


def test_tombstone_refuses_the_purged_audio_in_another_container(
    pipe: LocalPipeline, tmp_path: Path
) -> None:
    first = pipe.process_file(FIXTURES / "short_phone.wav", RecordingMeta(host="acme"))
    assert first.status == "done" and first.recording_id
    purge(pipe.store, first.recording_id, "host-deleted")
    samples, rate = sf.read(FIXTURES / "short_phone.wav", dtype="int16")
    flac = tmp_path / "same-call.flac"
    sf.write(flac, samples, rate, format="FLAC")
    again = pipe.process_file(flac, RecordingMeta(host="acme"))
    assert again.status == "refused", again
    assert pipe.store.recordings.all() == []


def test_tombstone_does_not_refuse_a_different_call(pipe: LocalPipeline, tmp_path: Path) -> None:
    first = pipe.process_file(FIXTURES / "meeting_zoom.vtt", RecordingMeta(host="acme"))
    assert first.recording_id
    purge(pipe.store, first.recording_id, "host-deleted")
    other = tmp_path / "other.vtt"
    text = (FIXTURES / "meeting_zoom.vtt").read_text(encoding="utf-8")
    other.write_text(text.replace("billing details", "delivery address"), encoding="utf-8")
    assert pipe.process_file(other, RecordingMeta(host="acme")).status == "done"
