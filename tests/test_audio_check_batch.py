"""The audio checks of many files at once: one shared track per round for every file still
being checked (``audio_check.verify_all``), and the pipeline holding a batch of recordings
until their audio is checked (``LocalPipeline.process_files``), with a failure failing only
its own file and a kill storing nothing of the batch."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from redactor.audio import AudioRedaction, Interval, write_redacted_audio
from redactor.audio_check import WINDOW_S, CheckJob, stored_check, verify_all
from redactor.audio_file import SealedAudio
from redactor.executors import LocalPipeline
from redactor.executors import stages as stages_module
from redactor.executors.guard import process_files_safely
from redactor.ingest import DecodedAudio
from redactor.policy import load_policy
from redactor.relisten import GAP_S
from redactor.store import ArtifactKind, Store, open_store
from redactor.transcribe import build_segment
from redactor.types import RecordingMeta, Transcript
from tests.conftest import FIXTURES
from tests.fakes import FakeDetector, FakeTranscriber

SRC = FIXTURES / "short_phone.wav"  # 6.95 s
SPEC = AudioRedaction(padding_s=0.0)


class Ears:
    """Hears digits in the first ``digits_s`` seconds of the track of the calls listed in
    ``digits_on`` (1-based), and nothing anywhere else; records every track's length."""

    name = "fake/ears"

    def __init__(self, digits_s: float = 0.0, digits_on: Sequence[int] = ()) -> None:
        self.digits_s = digits_s
        self.digits_on = set(digits_on)
        self.tracks: list[float] = []

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        self.tracks.append(audio.duration_s)
        words = []
        if len(self.tracks) in self.digits_on:
            n = int(self.digits_s / 0.3)
            words = [(str(i % 10), 0.3 * i, 0.3 * i + 0.2, 0.9) for i in range(n)]
        segments = (build_segment(0, "check", words),) if words else ()
        return Transcript(segments=segments, duration_s=audio.duration_s)


def _check_job(tmp_path: Path, name: str, at: float) -> tuple[CheckJob, list[Path]]:
    written: list[Path] = []

    def write(ivs: Sequence[Interval]) -> SealedAudio:
        out = write_redacted_audio(
            SRC, tmp_path, recording_id=name, policy="support", intervals=ivs, spec=SPEC,
            fmt="flac",
        )  # fmt: skip
        written.append(out.path)
        return out

    return CheckJob(write, [Interval(at, at + 1.0)], 0.0, frozenset()), written


def test_verify_all_hears_every_file_in_one_track(tmp_path: Path) -> None:
    """Five files, a bleep each: one Whisper call hears all ten windows (WINDOW_S a side)."""
    jobs = [_check_job(tmp_path, f"r{k}", 2.0 + 0.5 * k) for k in range(5)]
    ears = Ears()
    results = verify_all([job for job, _ in jobs], ears)
    assert len(ears.tracks) == 1
    assert ears.tracks[0] == pytest.approx(10 * (WINDOW_S + GAP_S), abs=0.01)
    for (_j, written), (sealed, check) in zip(jobs, results, strict=True):
        assert check.passed and check.checks == 1 and check.widenings == 0
        assert check.heard_s == pytest.approx(2 * WINDOW_S, abs=0.01)
        assert written == [sealed.path] and sealed.path.exists()


def test_verify_all_widens_only_the_file_that_leaks(tmp_path: Path) -> None:
    """Digits heard in the first file's windows (the track's first two pieces) widen that
    file's bleep only; the second round hears that file alone."""
    (first, first_files), (second, second_files) = (
        _check_job(tmp_path, "r0", 2.0),
        _check_job(tmp_path, "r1", 3.0),
    )
    ears = Ears(digits_s=2 * (WINDOW_S + GAP_S), digits_on=[1])
    (s0, c0), (s1, c1) = verify_all([first, second], ears)
    assert (c0.checks, c0.widenings, c0.passed) == (2, 1, True)
    assert (c1.checks, c1.widenings, c1.passed) == (1, 0, True)
    assert len(ears.tracks) == 2
    assert ears.tracks[1] < ears.tracks[0], "the second round hears the widened file only"
    assert [p for p in first_files if p.exists()] == [s0.path], "its first file is removed"
    assert second_files == [s1.path]


def test_verify_all_removes_every_file_when_hearing_fails(tmp_path: Path) -> None:
    class Deaf:
        name = "fake/deaf"

        def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
            raise KeyboardInterrupt  # a kill: nothing the batch wrote may stay

    jobs = [_check_job(tmp_path, f"r{k}", 2.0) for k in range(3)]
    with pytest.raises(KeyboardInterrupt):
        verify_all([job for job, _ in jobs], Deaf())
    assert all(written for _j, written in jobs)
    assert not [p for _j, written in jobs for p in written if p.exists()]


class CheckCounting(FakeTranscriber):
    """Hears a phone number in every recording, and nothing in the check's tracks, whose
    lengths it records. ``fail_on``: check calls (1-based) that raise."""

    def __init__(self, fail_on: Sequence[int] = (), interrupt: bool = False) -> None:
        super().__init__()
        self.checks: list[float] = []
        self.fail_on = set(fail_on)
        self.interrupt = interrupt

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        if list(speakers) != ["check"]:
            return super().transcribe(audio, speakers)
        self.checks.append(audio.duration_s)
        if len(self.checks) in self.fail_on:
            if self.interrupt:
                raise KeyboardInterrupt
            raise RuntimeError("the check's model failed")
        return Transcript(segments=(), duration_s=audio.duration_s)


def _calls(tmp_path: Path, n: int) -> list[Path]:
    """``n`` copies of a short call with different content (a byte of padding each)."""
    out = []
    for k in range(n):
        path = tmp_path / "in" / f"call{k}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SRC, path)
        with path.open("ab") as f:
            f.write(bytes(k + 1))  # after the data chunk: the same audio, another sha256
        out.append(path)
    return out


def _pipeline(store: Store, transcriber: FakeTranscriber) -> LocalPipeline:
    return LocalPipeline(
        store=store,
        transcriber=transcriber,
        detector=FakeDetector(),  # type: ignore[arg-type]
        policies=(load_policy("support"),),
        summaries=False,
    )


def _leftovers(store: Store) -> list[str]:
    root = store.artifact_root
    return sorted(p.name for p in root.rglob("*.redacted.*")) if root.exists() else []


def test_process_files_checks_a_batch_of_recordings_together(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store" / "redactor.db"))
    ears = CheckCounting()
    files = _calls(tmp_path, 3)
    results = list(_pipeline(store, ears).process_files(files, RecordingMeta()))
    assert [r.path for r in results] == files, "one result per file, in order"
    assert [r.status for r in results] == ["done"] * 3
    assert len(ears.checks) == 1, "the three recordings' checks share one track"
    for r in results:
        assert r.recording_id is not None
        check = stored_check(store, r.recording_id, "support")
        assert check is not None and check["passed"] and check["checks"] == 1
        assert store.artifacts.newest(r.recording_id, ArtifactKind.REDACTED_AUDIO, "support")


def test_process_files_batch_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch closes at ``CHECK_BATCH_FILES`` files: five files, two a batch, three checks."""
    monkeypatch.setattr(stages_module, "CHECK_BATCH_FILES", 2)
    store = open_store(str(tmp_path / "store" / "redactor.db"))
    ears = CheckCounting()
    results = list(_pipeline(store, ears).process_files(_calls(tmp_path, 5), RecordingMeta()))
    assert [r.status for r in results] == ["done"] * 5
    assert len(ears.checks) == 3


def test_process_files_the_same_call_twice_is_stored_once(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store" / "redactor.db"))
    (call,) = _calls(tmp_path, 1)
    again = tmp_path / "again.wav"
    shutil.copy(call, again)
    text = FIXTURES / "meeting_zoom.vtt"
    results = list(
        _pipeline(store, CheckCounting()).process_files([call, text, again], RecordingMeta())
    )
    assert [r.status for r in results] == ["done", "done", "skipped"]
    assert results[2].recording_id == results[0].recording_id


def test_a_failing_check_fails_only_its_own_file(tmp_path: Path) -> None:
    """The batch's check fails; each file is then checked on its own, and only the one whose
    check fails again is failed: nothing of it is stored or left on disk."""
    store = open_store(str(tmp_path / "store" / "redactor.db"))
    ears = CheckCounting(fail_on=[1, 3])  # the batch, then the second file alone
    pipe = _pipeline(store, ears)
    results = list(process_files_safely(pipe, _calls(tmp_path, 3), RecordingMeta(), False, False))
    assert [r.status for r in results] == ["done", "failed", "done"]
    assert results[1].error is not None and "internal error (RuntimeError)" in results[1].error
    assert "model failed" not in results[1].error, "an exception's text is never shown"
    stored = {r.recording_id for r in results if r.recording_id}
    assert len(stored) == 2 and all(store.recordings.exists(rid) for rid in stored)
    assert len(_leftovers(store)) == 2, "only the stored recordings' files are on disk"


def test_a_kill_during_the_batch_check_stores_nothing_and_the_rerun_completes(
    tmp_path: Path,
) -> None:
    store = open_store(str(tmp_path / "store" / "redactor.db"))
    files = _calls(tmp_path, 3)
    with pytest.raises(KeyboardInterrupt):
        list(_pipeline(store, CheckCounting(fail_on=[1], interrupt=True)).process_files(
            files, RecordingMeta()
        ))  # fmt: skip
    assert store.recordings.all() == [], "nothing of the batch is stored"
    assert _leftovers(store) == [], "no redacted file of the batch is left"
    results = list(_pipeline(store, CheckCounting()).process_files(files, RecordingMeta()))
    assert [r.status for r in results] == ["done"] * 3
    for r in results:
        assert r.recording_id is not None
        body = stored_check(store, r.recording_id, "support")
        assert body is not None and json.dumps(body)
