"""Listening again: stretches glued into one track and words placed back; speech the first
pass heard no word in is found and decoded again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from redactor import relisten
from redactor.ingest import SAMPLE_RATE, audio_fingerprint, decode_audio
from redactor.relisten import GAP_S, glue, new_words, place, unheard_speech
from redactor.transcribe import FasterWhisperTranscriber

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "call_support.flac"


def test_audio_fingerprint_is_the_same_a_block_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint hashes the PCM a block at a time (not the hour four times over in
    memory); stored fingerprints stay valid: the hash of the whole is unchanged."""
    import hashlib

    audio = decode_audio(FIXTURE)
    pcm = np.round(np.clip(audio.channels[0], -1.0, 1.0) * 32767).astype("<i2")
    whole = hashlib.sha256(f"1:{audio.sample_rate}".encode() + pcm.tobytes()).hexdigest()
    monkeypatch.setattr("redactor.ingest._FINGERPRINT_BLOCK", 1001)
    assert audio_fingerprint(audio) == f"fp1:pcm:{whole}"


def test_relisten_glue_and_place_round_trip() -> None:
    left = np.full(10 * SAMPLE_RATE, 0.1, np.float32)
    right = np.full(10 * SAMPLE_RATE, -0.2, np.float32)
    track, pieces = glue([(0, left, 2.0, 3.0), (1, right, 5.0, 7.0)])
    assert len(track) == int((1.0 + GAP_S + 2.0 + GAP_S) * SAMPLE_RATE)
    assert track[0] == pytest.approx(0.1) and track[int(2.0 * SAMPLE_RATE)] == pytest.approx(-0.2)
    words = [("one", 0.1, 0.4, 0.9), ("gap", 1.1, 1.4, 0.9), ("two", 1.6, 2.0, 0.8)]
    first, second = place(words, pieces)
    assert first == [("one", 2.1, 2.4, 0.9)]
    assert second == [("two", pytest.approx(5.1), pytest.approx(5.5), 0.8)]  # "gap": silence
    # A stretch's edges overlap words already heard: those are not added twice.
    assert new_words([first, second], heard=[(2.0, 2.5)]) == [second]


def test_relisten_unheard_speech_is_what_no_word_covers() -> None:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    samples = decode_audio(FIXTURE).channels[0]
    duration = len(samples) / SAMPLE_RATE
    assert unheard_speech(samples, [(0.0, duration)]) == []
    assert unheard_speech(samples, []) == [], "nothing heard: no level to judge speech by"
    # Words heard everywhere but over two seconds of one utterance: that stretch is unheard.
    region = next(
        r
        for r in get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=500))
        if r["end"] - r["start"] >= 2.5 * SAMPLE_RATE
    )
    a = region["start"] / SAMPLE_RATE
    hole = (a, a + 2.0)
    (found,) = unheard_speech(samples, [(0.0, hole[0]), (hole[1], duration)])
    assert found[0] < hole[1] and found[1] > hole[0]
    assert found[1] - found[0] >= 1.0
    # Silence is never speech, however long nobody spoke.
    quiet = np.concatenate([samples, np.zeros(5 * SAMPLE_RATE, np.float32)])
    assert unheard_speech(quiet, [(0.0, duration)]) == []


def test_relisten_unheard_speech_is_the_same_a_block_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Frame levels are computed a block of frames at a time (an hour as float64 is 460 MB);
    the stretches found do not depend on where the blocks fall."""
    samples = decode_audio(FIXTURE).channels[0]
    duration = len(samples) / SAMPLE_RATE
    heard = [(0.0, 3.0), (9.0, duration - 4.0)]
    whole = unheard_speech(samples, heard)
    monkeypatch.setattr(relisten, "BLOCK_FRAMES", 37)
    assert unheard_speech(samples, heard) == whole and whole


@pytest.mark.slow  # runs the real speech model
def test_relisten_recovers_an_utterance_the_first_pass_skipped(
    transcriber: FasterWhisperTranscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An utterance lost at a 30-second window's edge (simulated: the first pass's segment
    that holds the phone number is dropped) is heard again, with its times."""
    audio = decode_audio(FIXTURE)
    full = transcriber.transcribe(audio)
    target = next(s for s in full.segments if sum(c.isdigit() for c in s.text) >= 7)
    first_pass = transcriber._channel_segments

    def skipping(samples: np.ndarray, seen: list[str]) -> list[object]:
        return [s for s in first_pass(samples, seen) if abs(s.start - target.start_s) > 0.5]

    monkeypatch.setattr(transcriber, "_channel_segments", skipping)
    again = transcriber.transcribe(audio)
    near = [s for s in again.segments if abs(s.start_s - target.start_s) < 1.5]
    assert near, "the skipped utterance is transcribed again"
    assert sum(c.isdigit() for s in near for c in s.text) >= 7


@pytest.mark.slow  # runs the real speech model
def test_relisten_is_not_used_by_the_audio_checks_listen(
    transcriber: FasterWhisperTranscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audio check's glued track holds bleep tones, which the loudness test would take for
    skipped speech: ``listen`` hears the track as it is; ``transcribe`` listens again."""
    asked: list[int] = []

    def counting(samples: np.ndarray, heard: list[list[object]]) -> list[list[object]]:
        asked.append(len(samples))
        return []

    monkeypatch.setattr(transcriber, "_relisten", counting)
    audio = decode_audio(FIXTURE)
    assert transcriber.listen(audio).segments and asked == []
    transcriber.transcribe(audio)
    assert asked == [len(audio.channels[0])]
