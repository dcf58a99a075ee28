"""The batched Whisper path keeps what the sequential one gives: PII digits, word timestamps,
nothing for silence. Fixtures are short, so the batch threshold is lowered to reach it."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from redactor.ingest import DecodedAudio, decode_audio
from redactor.models import WhisperSpec
from redactor.transcribe import FasterWhisperTranscriber, default_speakers, split_turns, windows
from tests.conftest import FIXTURES, digits


@pytest.fixture(scope="module")
def batched(transcriber: FasterWhisperTranscriber) -> FasterWhisperTranscriber:
    """The session's model, decoding every channel through BatchedInferencePipeline."""
    t = FasterWhisperTranscriber(WhisperSpec(batch_size=8), model=transcriber.model)
    t.BATCH_MIN_S = 0.0  # type: ignore[misc]
    return t


@pytest.mark.parametrize("name", ["call_support.flac", "call_stereo.flac", "short_phone.wav"])
def test_transcribe_batched_keeps_pii_digits_and_word_times(
    batched: FasterWhisperTranscriber, fixture_info: dict[str, Any], name: str
) -> None:
    """Every PII number the sequential reference transcript (fixtures.json) has, batched has."""
    info = fixture_info[name]
    audio = decode_audio(FIXTURES / name)
    transcript = batched.transcribe(audio)
    speakers = default_speakers(len(audio.channels), ())
    kept = 0
    for channel, reference in enumerate(info["whisper_tiny_en"]):
        spoken = digits(
            " ".join(s.text for s in transcript.segments if s.speaker == speakers[channel])
        )
        for pii in info["pii"]:
            value = digits(pii["value"])
            if len(value) >= 7 and value in digits(reference):
                assert value in spoken, f"{name}: batched lost a {pii['type']}"
                kept += 1
    assert kept, f"{name}: the reference has a PII number to check"
    for seg in transcript.segments:
        assert seg.words, "every stored segment has its words"
        assert 0.0 <= seg.start_s <= seg.end_s <= audio.duration_s + 0.5
        starts = [w.start_s for w in seg.words]
        assert starts == sorted(starts)
        assert all(w.start_s <= w.end_s for w in seg.words)
        assert all(seg.text[w.char_start : w.char_end] == w.text for w in seg.words)


def test_transcribe_batched_silence_is_empty(batched: FasterWhisperTranscriber) -> None:
    assert batched.transcribe(decode_audio(FIXTURES / "silence.wav")).segments == ()
    # Not digital silence: faint room noise must go through VAD and still give nothing.
    noise = np.random.default_rng(7).normal(0, 0.003, 16_000 * 5).astype(np.float32)
    assert batched.transcribe(DecodedAudio(channels=(noise,))).segments == ()


@pytest.mark.parametrize(
    ("seconds", "window_s", "pieces"),
    [(30, 600, 1), (899, 600, 1), (901, 600, 2), (3600, 600, 6), (3600, 60, 60)],
)
def test_transcribe_windows_cover_channel_at_quiet_cuts(
    seconds: int, window_s: float, pieces: int
) -> None:
    rng = np.random.default_rng(1)
    samples = rng.normal(0, 0.1, seconds * 16_000).astype(np.float32)
    quiet = [int((k * window_s + 2.0) * 16_000) for k in range(1, pieces)]
    for q in quiet:  # a pause 2 s after each nominal cut
        samples[q - 1600 : q + 1600] = 0.0
    cuts = windows(samples, window_s)
    assert len(cuts) == pieces
    assert cuts[0][0] == 0 and cuts[-1][1] == len(samples)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cuts))
    for (_, end), q in zip(cuts, quiet, strict=False):
        assert abs(end - q) <= 1600, "cut inside the pause"


def _turn(speaker: str, *words: tuple[str, float]) -> tuple[float, str, list[Any]]:
    return (words[0][1], speaker, [(w, t, t + 0.3, 0.9) for w, t in words])


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        # the customer's answers to two questions, decoded as one segment, fall between them
        (
            [
                _turn("agent", ("Name?", 0.0), ("Birth?", 4.0)),
                _turn("customer", ("Jake.", 2.0), ("March", 6.0), ("fourth.", 6.5)),
            ],
            ["agent:Name?", "customer:Jake.", "agent:Birth?", "customer:March fourth."],
        ),
        # a pause nobody else spoke in is not a turn
        (
            [_turn("customer", ("one", 0.0), ("two", 3.0)), _turn("agent", ("Okay.", 5.0))],
            ["customer:one two", "agent:Okay."],
        ),
        # overlapping speech (a backchannel inside a word) does not cut the word's neighbours
        (
            [_turn("customer", ("five", 0.0), ("six", 0.35)), _turn("agent", ("mm", 0.1))],
            ["customer:five six", "agent:mm"],
        ),
        ([_turn("agent", ("Hello.", 0.0))], ["agent:Hello."]),
    ],
)
def test_split_turns_cuts_where_another_speaker_spoke(
    turns: list[tuple[float, str, list[Any]]], expected: list[str]
) -> None:
    got = split_turns(turns)
    assert [f"{spk}:{' '.join(w[0] for w in words)}" for _s, spk, words in got] == expected
    assert [s for s, _spk, _w in got] == sorted(s for s, _spk, _w in got)
