"""``process`` killed mid-run (a real kill, ``tests.killpoints``): the retry completes the
stages that are missing instead of answering ``skipped``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from redactor.detect import Detector
from redactor.executors import LocalPipeline
from redactor.store import Store
from redactor.store import schema as s
from redactor.summarize import load_summary
from redactor.transcribe import FasterWhisperTranscriber
from redactor.types import RecordingMeta
from tests.conftest import FIXTURES
from tests.killpoints import Op, kill_at, once_row

CALL = FIXTURES / "meeting_zoom.vtt"
META = RecordingMeta(host="acme", recording_id="call-1")


def reopen(st: Store) -> Store:
    return Store(st.url, artifact_root=st.artifact_root)


def once_stored(st: Store, rid: str) -> Callable[[Op], bool]:
    """A kill point: the first durable operation after the recording's own commit."""
    return once_row(st.url, s.recordings, s.recordings.c.id == rid)


def test_process_killed_after_the_commit_completes_its_stages_on_retry(
    backend_store: Store, detector: Detector, transcriber: FasterWhisperTranscriber
) -> None:
    """Issue 15 #3: the recording had no summaries for good, every retry said ``skipped``."""
    detector.analyze_texts(["warm the models up before forking"])
    backend_store.close()

    def run() -> None:
        pipe = LocalPipeline(
            store=reopen(backend_store), transcriber=transcriber, detector=detector
        )
        assert pipe.process_file(CALL, META).status == "done"

    kill_at(run, once_stored(backend_store, "call-1"))
    assert backend_store.recordings.exists("call-1")
    assert load_summary(backend_store, "call-1") == {}  # killed before the summaries
    pipe = LocalPipeline(store=backend_store, transcriber=transcriber, detector=detector)
    result = pipe.process_file(CALL, META)
    assert result.status == "done", result
    assert set(load_summary(backend_store, "call-1")) >= {"summary", "key_topics"}
    assert backend_store.recordings.get("call-1").status == "done"
    # complete now: a further run has nothing left to do
    assert pipe.process_file(CALL, META).status == "skipped"


def test_process_retry_of_a_complete_recording_is_skipped(
    store: Store, detector: Detector, transcriber: FasterWhisperTranscriber, tmp_path: Path
) -> None:
    pipe = LocalPipeline(store=store, transcriber=transcriber, detector=detector)
    assert pipe.process_file(CALL, META).status == "done"
    before = sorted(a.id for a in store.artifacts.of("call-1"))
    assert pipe.process_file(CALL, META).status == "skipped"
    assert sorted(a.id for a in store.artifacts.of("call-1")) == before
