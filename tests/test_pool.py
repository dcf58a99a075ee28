"""The local process pool: a real multi-worker batch with a corrupt file, resume, worker death."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.cli.batch import BatchSummary
from redactor.executors import LocalPipeline, ProcessResult, ProcessStatus
from redactor.executors import pool as pool_mod
from redactor.executors.pool import run_pool, threads_per_worker
from redactor.ingest import DecodedAudio
from redactor.runs import RunConfig, RunOverrides, build_run
from redactor.store import Store, open_store
from redactor.types import RecordingMeta, Span, Transcript
from tests.conftest import FIXTURES, digits

runner = CliRunner()


@pytest.mark.parametrize(
    ("workers", "cores", "threads"),
    [(1, 2, 2), (2, 2, 1), (3, 2, 1), (2, 8, 4), (3, 8, 2), (16, 16, 1)],
)
def test_pool_threads_per_worker_never_oversubscribes(
    workers: int, cores: int, threads: int
) -> None:
    assert threads_per_worker(workers, cores) == threads
    assert workers * threads <= max(cores, workers)


def test_pool_summary_counts_statuses_and_audio_hours() -> None:
    summary = BatchSummary()
    done, skipped, failed = ProcessStatus.DONE, ProcessStatus.SKIPPED, ProcessStatus.FAILED
    for status, dur in [(done, 1800.0), (done, 1800.0), (skipped, 0.0), (failed, 0.0)]:
        summary.add(ProcessResult(Path("x.wav"), None, status, duration_s=dur))
    line = summary.line()
    assert line.startswith("2 done, 1 skipped, 1 failed; 1.000 audio hours")
    assert "refused" not in line


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    """Two real recordings, a transcript file and one corrupt 'recording'."""
    d = tmp_path / "batch"
    d.mkdir()
    shutil.copy(FIXTURES / "short_phone.wav", d / "a_phone.wav")
    shutil.copy(FIXTURES / "silence.wav", d / "b_silence.wav")
    shutil.copy(FIXTURES / "meeting.srt", d / "c_meeting.srt")
    (d / "d_corrupt.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + os.urandom(2048))
    return d


def _lines(output: str) -> dict[str, tuple[str, str]]:
    rows = [line.split("\t") for line in output.splitlines() if line.count("\t") == 2]
    return {Path(path).name: (rid, status) for rid, status, path in rows}


@pytest.mark.slow  # real models in child processes
def test_pool_cli_batch_with_corrupt_file_then_resume(batch_dir: Path, tmp_path: Path) -> None:
    """Two workers, real models: the corrupt file fails with its reason, the rest are stored;
    a second run skips everything already stored (by content hash)."""
    db = str(tmp_path / "store" / "r.db")
    args = ["process", str(batch_dir), "--store", db, "--workers", "2", "--no-audio"]
    first = runner.invoke(app, args)
    assert first.exit_code == 2, first.output  # the corrupt file is bad input
    rows = _lines(first.stdout)
    assert {name: status for name, (_, status) in rows.items()} == {
        "a_phone.wav": "done",
        "b_silence.wav": "done",
        "c_meeting.srt": "done",
        "d_corrupt.wav": "failed",
    }
    assert "d_corrupt.wav: cannot decode audio" in first.stderr
    assert "3 done, 0 skipped, 1 failed" in first.stderr

    store = open_store(db)
    phone = store.artifacts.redacted_transcript(rows["a_phone.wav"][0], "support")
    text = " ".join(seg.text for seg in phone.segments)
    assert "6465552819" not in digits(text)
    assert len(store.recordings.all()) == 3

    again = runner.invoke(app, args)
    statuses = {name: status for name, (_, status) in _lines(again.stdout).items()}
    assert statuses == {
        "a_phone.wav": "skipped",
        "b_silence.wav": "skipped",
        "c_meeting.srt": "skipped",
        "d_corrupt.wav": "failed",
    }
    assert "0 done, 3 skipped, 1 failed" in again.stderr


# -- a worker that dies mid-file (fakes through the pipeline's seams; no models) --------------


class _DyingTranscriber:
    """Kills its process on the 3-second recording, as an out-of-memory kill would."""

    name = "fake-dying/v1"

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        if round(audio.duration_s) == 3:
            os._exit(9)
        return Transcript((), "en", audio.duration_s, "audio", self.name)


class _NoDetector:
    name = "fake-none/v1"

    def detect(self, transcript: Transcript) -> tuple[Span, ...]:
        return ()

    def analyze_texts(self, texts: Sequence[str]) -> list[list[object]]:
        return [[] for _ in texts]

    def analyze_recording(self, texts: Sequence[str]) -> list[list[object]]:
        return [[] for _ in texts]


def _dying_init(run: RunConfig, threads: int) -> None:
    pool_mod._WORKER = LocalPipeline(
        store=open_store(run.store.location),
        transcriber=_DyingTranscriber(),
        detector=_NoDetector(),  # type: ignore[arg-type]
        audio=run.audio,
        summaries=run.summaries,
    )


def test_pool_worker_death_fails_only_its_file_and_stores_nothing(
    batch_dir: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "store" / "r.db")
    run = build_run("default", RunOverrides(store=db, audio=False))
    files = sorted(p for p in batch_dir.iterdir() if p.name != "d_corrupt.wav")
    results = list(
        run_pool(files, RecordingMeta(host="acme"), run=run, workers=2, initializer=_dying_init)
    )
    by_name = {r.path.name: r for r in results}
    assert {n: r.status for n, r in by_name.items()} == {
        "a_phone.wav": "done",
        "b_silence.wav": "failed",
        "c_meeting.srt": "done",
    }
    assert by_name["b_silence.wav"].error == f"{files[1]}: worker process died while processing"
    store = open_store(db)
    assert len(store.recordings.all()) == 2  # nothing of the dead file


class _DiesOnceOthersStored(_DyingTranscriber):
    """Dies on the 3-second recording, but only once the phone call is stored: the case where
    the broken pool loses the result of a file another worker had already committed."""

    def __init__(self, store: str) -> None:
        self.store = store

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        if round(audio.duration_s) == 3:
            deadline = time.monotonic() + 60
            while not open_store(self.store).recordings.all() and time.monotonic() < deadline:
                time.sleep(0.05)
            os._exit(9)
        return Transcript((), "en", audio.duration_s, "audio", self.name)


class _SlowSummaries(_NoDetector):
    def analyze_texts(self, texts: Sequence[str]) -> list[list[object]]:
        time.sleep(3)  # after the recording's write: its worker is still busy when the pool breaks
        return [[] for _ in texts]


def _lost_result_init(run: RunConfig, threads: int) -> None:
    pool_mod._WORKER = LocalPipeline(
        store=open_store(run.store.location),
        transcriber=_DiesOnceOthersStored(run.store.location),
        detector=_SlowSummaries(),  # type: ignore[arg-type]
        audio=run.audio,
    )


def test_pool_file_stored_before_the_pool_broke_is_done_not_skipped(
    batch_dir: Path, tmp_path: Path
) -> None:
    """The cause of the old flake, made certain: a_phone.wav is committed, then another worker
    dies and the pool breaks before a_phone's result comes back. Its retry finds it stored by
    this batch and must say done (the batch did it), not skipped."""
    db = str(tmp_path / "store" / "r.db")
    run = build_run("default", RunOverrides(store=db, audio=False))
    files = [batch_dir / "a_phone.wav", batch_dir / "b_silence.wav"]
    results = list(
        run_pool(
            files, RecordingMeta(host="acme"), run=run, workers=2, initializer=_lost_result_init
        )
    )
    by_name = {r.path.name: r for r in results}
    assert {n: r.status for n, r in by_name.items()} == {
        "a_phone.wav": "done",
        "b_silence.wav": "failed",
    }
    assert by_name["a_phone.wav"].duration_s > 0  # counted in the audio hours
    assert len(open_store(db).recordings.all()) == 1


def test_pool_retry_reports_done_only_for_what_this_batch_stored(
    memory_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker-side rule, without a pool: a retry that finds its file already stored says
    ``done`` when the recording was stored since the batch began (the lost attempt did it),
    and ``skipped`` when it was there before."""
    from tests.fakes import FakeTranscriber, QuietDetector

    pipeline = LocalPipeline(
        store=memory_store, transcriber=FakeTranscriber(), detector=QuietDetector()
    )
    monkeypatch.setattr(pool_mod, "_WORKER", pipeline)
    path, meta = FIXTURES / "short_phone.wav", RecordingMeta(host="acme")
    before = datetime.now(UTC)
    first = pool_mod._work(path, meta, False, False, None)
    after = datetime.now(UTC)
    assert first.status == ProcessStatus.DONE
    assert pool_mod._work(path, meta, False, False, None).status == ProcessStatus.SKIPPED
    assert pool_mod._work(path, meta, False, False, after).status == ProcessStatus.SKIPPED
    retried = pool_mod._work(path, meta, False, False, before)
    assert (retried.status, retried.recording_id) == (ProcessStatus.DONE, first.recording_id)
    assert retried.duration_s == first.duration_s > 0  # counted in the batch's audio hours


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--executor", "bogus"],
            "unknown executor 'bogus'; choose one of: inline, local, pool, ray",
        ),
        (["--workers", "0"], "Invalid value for '--workers'"),
    ],
)
def test_pool_cli_rejects_bad_batch_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(
        app, ["process", str(FIXTURES / "meeting.srt"), "--store", str(tmp_path / "r.db"), *args]
    )
    assert result.exit_code == 2
    assert message in result.output
