"""Redacted audio: bleep/silence over redacted words, everything else sample-identical."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from redactor.audio import (
    AudioOptions,
    AudioRedaction,
    Interval,
    apply_redaction,
    read_audio,
    redacted_in_place,
    write_audio,
)
from redactor.errors import InputError, StoreError
from redactor.executors import LocalPipeline
from redactor.store import ArtifactRow, Store, open_store
from redactor.types import RecordingMeta
from redactor.web.content import redacted_audio
from tests.conftest import FIXTURES
from tests.fakes import FakeDetector, FakeTranscriber

RATE = 16_000


def only_tone_or_silence(x: np.ndarray, rate: int) -> list[int]:
    """Indices of 20 ms frames that are neither near-silent nor a 1 kHz tone."""
    n = int(0.02 * rate)
    bad = []
    for i in range(0, len(x) - n + 1, n):
        frame = x[i : i + n]
        if np.sqrt(np.mean(frame**2)) < 1e-3:
            continue
        spec = np.abs(np.fft.rfft(frame * np.hanning(n))) ** 2
        freqs = np.fft.rfftfreq(n, 1 / rate)
        if spec[(freqs > 900) & (freqs < 1100)].sum() < 0.95 * spec.sum():
            bad.append(i // n)
    return bad


def _noise(seconds: float, channels: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.round(rng.normal(0, 0.1, (int(seconds * RATE), channels)) * 32768) / 32768


@pytest.mark.parametrize("mode", ["bleep", "silence"])
def test_audio_apply_covers_interval_plus_padding_only(mode: str) -> None:
    x = _noise(3.0, 1)
    y = apply_redaction(x, RATE, [Interval(1.0, 1.5)], AudioRedaction(mode=mode, padding_s=0.15))
    a, b = int(0.85 * RATE), int(1.65 * RATE)
    assert not only_tone_or_silence(y[a:b, 0], RATE)
    assert np.array_equal(y[:a], x[:a]) and np.array_equal(y[b:], x[b:])
    if mode == "silence":
        assert not y[a:b].any()


def test_audio_redacted_in_place_matches_a_copy_then_puts_the_samples_back() -> None:
    """The audio stage redacts the loaded source in place (an hour's copy is 230 MB to 1.4 GB)
    and must leave it as it was: the audio check rewrites from it after a widening, and the
    next policy redacts its own intervals from it."""
    x = _noise(3.0, 2)
    original = x.copy()
    ivs = [Interval(0.5, 1.0), Interval(0.9, 1.6, channel=1), Interval(2.8, 3.5)]  # overlap, end
    spec = AudioRedaction(padding_s=0.15)
    with redacted_in_place(x, RATE, ivs, spec) as y:
        assert y is x and np.array_equal(y, apply_redaction(original, RATE, ivs, spec))
    assert np.array_equal(x, original)
    with pytest.raises(RuntimeError), redacted_in_place(x, RATE, ivs, spec):
        raise RuntimeError("an encoder failure")
    assert np.array_equal(x, original), "put back on an error too"


def test_audio_stereo_only_the_speakers_channel() -> None:
    x = _noise(2.0, 2)
    y = apply_redaction(x, RATE, [Interval(0.5, 1.0, channel=1)], AudioRedaction(padding_s=0))
    assert np.array_equal(y[:, 0], x[:, 0])
    assert not only_tone_or_silence(y[int(0.5 * RATE) : RATE, 1], RATE)


@pytest.mark.parametrize(
    ("fmt", "lossless"), [("flac", True), ("wav", True), ("mp3", False), ("ogg", False)]
)
@pytest.mark.parametrize("channels", [1, 2])
def test_audio_write_keeps_rate_channels_duration(
    tmp_path: Path, fmt: str, lossless: bool, channels: int
) -> None:
    x = _noise(2.0, channels)
    path = tmp_path / f"out.{fmt}"
    write_audio(x, RATE, path, fmt)
    y, rate = read_audio(path)
    assert rate == RATE and y.shape[1] == channels
    assert abs(len(y) - len(x)) / RATE <= (0.0 if lossless else 0.1)
    if lossless:
        assert np.array_equal(y, x)


def test_audio_options_reject_unknown_choices() -> None:
    with pytest.raises(InputError, match="flac, wav, mp3, ogg"):
        AudioOptions(format="aiff")
    with pytest.raises(InputError, match="bleep, silence"):
        AudioOptions(mode="beep")


def _audio_artifact(st: Store, rid: str) -> ArtifactRow:
    rows = [a for a in st.artifacts.of(rid) if a.kind == "redacted_audio"]
    assert len(rows) == 1 and rows[0].policy == "support"
    return rows[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "pii_type"),
    [("call_support.flac", "PHONE_NUMBER"), ("call_stereo.flac", "PHONE_NUMBER")],
)
def test_audio_spoken_number_bleeped_rest_unchanged(
    processed: tuple[Store, dict[str, str]],
    fixture_info: dict[str, Any],
    name: str,
    pii_type: str,
) -> None:
    """Real fixture, real pipeline: the spoken number's interval is tone or silence only."""
    st, ids = processed
    row = _audio_artifact(st, ids[name])
    assert row.path is not None
    path = st.artifact_root / row.path
    assert ids[name] in path.name and "support" in path.name
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256
    original, rate0 = read_audio(FIXTURES / name)
    redacted, rate = read_audio(path, data=redacted_audio(st, ids[name]).read())  # sealed
    assert rate == rate0 and redacted.shape == original.shape
    pii = next(p for p in fixture_info[name]["pii"] if p["type"] == pii_type)
    ch = pii["channel"] or 0
    a, b = int(pii["start"] * rate), int(pii["end"] * rate)
    assert not only_tone_or_silence(redacted[a:b, ch], rate), "speech left in the number"
    changed = np.flatnonzero(np.any(redacted != original, axis=1))
    assert changed.size, "something was bleeped"
    # Unchanged outside what was redacted: every changed sample lies in a redacted interval
    # (padded), or in what the audio check added to one: a widening reaches at most a heard
    # window (WINDOW_S) and a margin past the bleep it widens.
    from redactor.audio import redaction_intervals
    from redactor.audio_check import MARGIN_S, WINDOW_S, stored_check

    check = stored_check(st, ids[name], "support")
    assert check is not None and check["passed"], check
    grow = 0.15 + check["widenings"] * (WINDOW_S + MARGIN_S)
    red = st.artifacts.redacted_transcript(ids[name], "support")
    speakers = {"agent": 0, "customer": 1} if original.shape[1] == 2 else None
    mask = np.zeros(len(original), dtype=bool)
    for iv in redaction_intervals(st.recordings.raw_transcript(ids[name]), red, speakers):
        mask[max(0, int((iv.start_s - grow) * rate)) : int((iv.end_s + grow) * rate) + 1] = True
    assert mask[changed].all()
    if original.shape[1] == 2:  # the agent's channel is untouched
        assert np.array_equal(redacted[:, 0], original[:, 0])


def test_audio_file_removed_when_store_write_fails(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # About the file cleanup, not the models: fakes that "hear" and find a phone number.
    pipeline = LocalPipeline(
        store=store,
        detector=FakeDetector(),
        transcriber=FakeTranscriber(),
        summaries=False,
    )

    def boom(*_a: Any, **_kw: Any) -> None:
        raise StoreError("store unavailable")

    monkeypatch.setattr(store.recordings, "save", boom)
    result = pipeline.process_file(FIXTURES / "short_phone.wav", RecordingMeta(host="acme"))
    assert result.status == "failed"
    leftovers = list(store.artifact_root.rglob("*")) if store.artifact_root.exists() else []
    assert not [p for p in leftovers if p.is_file() and p.name != ".redactor-store"]


def _fake_pipeline(st: Store) -> LocalPipeline:
    """The sweep is about files and rows: a fake transcriber and detector, no models."""
    return LocalPipeline(
        store=st,
        transcriber=FakeTranscriber(),
        detector=FakeDetector(),
        summaries=False,
    )


def test_audio_orphan_of_a_killed_run_is_swept_on_the_next_run(tmp_path: Path) -> None:
    """A run killed after writing its audio but before committing leaves a file no row names;
    the next run of that recording removes it, so nothing unregistered stays on disk."""
    st = open_store(str(tmp_path / "r.db"))
    orphan = st.recording_dir("quiet-1") / "quiet-1.support.deadbeef.redacted.flac"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left by a killed run")
    pipe = _fake_pipeline(st)
    result = pipe.process_file(FIXTURES / "silence.wav", RecordingMeta(recording_id="quiet-1"))
    assert result.status == "done", result.error
    assert not orphan.exists()
    registered = {st.artifact_root / str(a.path) for a in st.artifacts.of("quiet-1") if a.path}
    assert set(st.recording_dir("quiet-1").iterdir()) == registered


def test_audio_sweep_never_touches_a_store_sharing_the_artifact_root(tmp_path: Path) -> None:
    """Two stores in one folder share ``artifacts/``: one store's processing must not delete
    the other's files as 'orphans' (no row of its own names them)."""
    first = open_store(str(tmp_path / "a.db"))
    second = open_store(str(tmp_path / "b.db"))
    assert first.artifact_root == second.artifact_root
    meta = RecordingMeta(recording_id="quiet-2")
    assert _fake_pipeline(first).process_file(FIXTURES / "silence.wav", meta).status == "done"
    kept = set(first.recording_dir("quiet-2").iterdir())
    assert kept
    assert _fake_pipeline(second).process_file(FIXTURES / "silence.wav", meta).status == "done"
    assert kept <= set(first.recording_dir("quiet-2").iterdir())
