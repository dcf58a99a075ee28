"""The audio check: redacted audio is listened to again and a bleep that let a value through
is widened, then checked again; a policy that requires it withholds audio that never passed."""

from __future__ import annotations

import json
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from redactor.audio import (
    AudioOptions,
    AudioRedaction,
    Interval,
    plan_audio,
    read_audio,
    write_audio_artifacts,
    write_redacted_audio,
)
from redactor.audio_check import TRACK_MAX_S, WINDOW_S, Leak, find_leaks, verify, widen
from redactor.audio_file import SealedAudio
from redactor.errors import InputError
from redactor.ingest import SAMPLE_RATE, DecodedAudio, decode_audio
from redactor.policy import parse_policy
from redactor.relisten import GAP_S
from redactor.residue import digit_stream
from redactor.transcribe import FasterWhisperTranscriber, build_segment, check_chunks
from redactor.types import RedactedSegment, RedactedTranscript, Span, Transcript
from tests.conftest import FIXTURES

SSN_CALL = FIXTURES / "spoken_ssn_turns.flac"
SPOKEN = json.loads((FIXTURES / "spoken.json").read_text())["fixtures"]


class HearsDigits:
    """A transcriber that hears digits all through the audio: nothing can ever pass."""

    name = "fake/hears-digits"

    def __init__(self) -> None:
        self.calls = 0

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        self.calls += 1
        n = int(audio.duration_s / 0.3)
        words = [(str(i % 10), 0.3 * i, 0.3 * i + 0.2, 0.9) for i in range(n)]
        return Transcript(segments=(build_segment(0, "check", words),), duration_s=audio.duration_s)


def _check_row(rows: list[dict]) -> dict:
    (row,) = [r for r in rows if r.kind == "audio_check"]
    assert row.body is not None
    return dict(json.loads(row.body))


@pytest.mark.slow
def test_audio_check_widens_a_too_narrow_bleep_then_passes(
    tmp_path: Path, transcriber: FasterWhisperTranscriber
) -> None:
    """The SSN of a committed fixture, bleeped over only the first 0.4 s of each of its two
    pieces (as if its word times were wrong, padding 0): the check hears the rest, widens
    the bleeps and passes."""
    (ssn,) = [v for v in SPOKEN["spoken_ssn_turns.flac"]["values"] if v["type"] == "US_SSN"]
    narrow = [Interval(a, a + 0.4, None) for a, _ in ssn["intervals"]]
    spec = AudioRedaction(padding_s=0.0)
    written: list[Path] = []

    def write(ivs: Sequence[Interval]) -> SealedAudio:
        out = write_redacted_audio(
            SSN_CALL, tmp_path, recording_id="t", policy="support", intervals=ivs, spec=spec,
            fmt="flac",
        )  # fmt: skip
        written.append(out.path)
        return out

    first = write(narrow)  # the premise: this bleep lets digits through
    heard_first = transcriber.transcribe(decode_audio(first.path, data=first.read())).text
    assert len(digit_stream(heard_first)) >= 4
    first.path.unlink()
    written.clear()
    sealed, check = verify(
        write, narrow, padding_s=0.0, transcriber=transcriber, words_of_values=frozenset()
    )
    path = sealed.path
    assert check.widenings >= 1, check
    assert check.passed, check
    assert check.checks == check.widenings + 1
    assert [p for p in written if p.exists()] == [path], "earlier rounds' files are removed"
    heard = transcriber.transcribe(decode_audio(path, data=sealed.read())).text
    assert not digit_stream(heard), "no digit of the SSN is audible any more"


def test_audio_check_require_withholds_audio_that_never_passes(tmp_path: Path) -> None:
    src = FIXTURES / "short_phone.wav"  # 6.95 s
    # the bleep sits in the middle: three widenings (0.8 s a side each) stay inside the file,
    # so every check has audio on both sides to hear digits in
    words = [("my", 1.8, 2.0, 1.0), ("number", 2.0, 2.4, 1.0), ("6465552819", 2.5, 3.5, 1.0)]
    raw = Transcript(segments=(build_segment(0, "speaker", words),), duration_s=7.0)
    seg = raw.segments[0]
    span = Span(0, 10, 20, "PHONE_NUMBER", 1.0)
    red = RedactedTranscript(
        segments=(
            RedactedSegment(0, "speaker", 1.8, 3.5, "my number [PHONE]", seg.words, (span,)),
        ),
        policy="support",
        operators=("label.v1",),
        detector="test",
    )
    hears = HearsDigits()
    rows, files = write_audio_artifacts(
        [
            plan_audio(
                src,
                tmp_path,
                recording_id="t",
                raw=raw,
                redactions=[(AudioRedaction(check="require"), red)],
                options=AudioOptions(),
            )
        ],
        hears,
    )[0]
    check = _check_row(rows)
    assert not check["passed"] and not check["published"]
    assert check["widenings"] == 3 and hears.calls == 4
    assert "still audible" in check["reason"]
    assert not [r for r in rows if r.kind == "redacted_audio"] and not files
    assert not list((tmp_path / "t").iterdir()), "no redacted file is left behind"
    # "record" keeps the audio (and says it failed)
    rows, files = write_audio_artifacts(
        [
            plan_audio(
                src,
                tmp_path,
                recording_id="t",
                raw=raw,
                redactions=[(AudioRedaction(check="record"), red)],
                options=AudioOptions(),
            )
        ],
        HearsDigits(),
    )[0]
    assert not _check_row(rows)["passed"] and _check_row(rows)["published"]
    assert len(files) == 1


def test_audio_check_off_writes_no_check_row(tmp_path: Path) -> None:
    raw = Transcript(segments=(), duration_s=7.0)
    red = RedactedTranscript(segments=(), policy="support", operators=(), detector="test")
    rows, _ = write_audio_artifacts(
        [
            plan_audio(
                FIXTURES / "short_phone.wav",
                tmp_path,
                recording_id="t",
                raw=raw,
                redactions=[(AudioRedaction(check="off"), red)],
                options=AudioOptions(),
            )
        ],
        HearsDigits(),
    )[0]
    assert [r.kind for r in rows] == ["redacted_audio"]


@pytest.mark.parametrize(
    ("leak", "expected"),
    [
        # touching the bleep's right edge: the bleep grows to cover it
        (Leak(2.1, 2.5, None, "digits"), [Interval(1.0, 2.7, None)]),
        # under the bleep already (times are approximate): a fixed step on both sides
        (Leak(1.2, 1.8, None, "digits"), [Interval(0.7, 2.3, None)]),
        # far from any bleep: a bleep of its own
        (Leak(5.0, 5.5, None, "value"), [Interval(1.0, 2.0, None), Interval(4.8, 5.7, None)]),
    ],
)
def test_audio_check_widen(leak: Leak, expected: list[Interval]) -> None:
    out = widen([Interval(1.0, 2.0, None)], [leak], padding_s=0.15)
    assert [(round(i.start_s, 3), round(i.end_s, 3), i.channel) for i in out] == [
        (e.start_s, e.end_s, e.channel) for e in expected
    ]


def test_audio_check_widen_stays_on_the_leak_channel() -> None:
    out = widen([Interval(1.0, 2.0, 0)], [Leak(2.1, 2.4, 1, "digits")], padding_s=0.15)
    assert out[0] == Interval(1.0, 2.0, 0) and out[1].channel == 1


@pytest.mark.parametrize("mode", ["off", "record", "require"])
def test_audio_check_policy_key(mode: str) -> None:
    p = parse_policy(f'name = "x"\n[audio]\ncheck = "{mode}"\n', "x.toml")
    assert p.audio.check == mode


def test_audio_check_policy_key_rejects_unknown() -> None:

    with pytest.raises(InputError, match="off, record, require"):
        parse_policy('name = "x"\n[audio]\ncheck = "maybe"\n', "x.toml")


class Hears:
    """Hears the given words at the start of the glued track."""

    name = "fake/hears"

    def __init__(self, words: list[str]) -> None:
        self.words = words

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        at = [(w, 0.04 * i, 0.04 * i + 0.04, 0.9) for i, w in enumerate(self.words)]
        return Transcript(segments=(build_segment(0, "check", at),), duration_s=audio.duration_s)


@pytest.mark.parametrize(
    ("words", "leaks"),
    [
        (["five", "five", "five", "five"], 1),  # a 4-digit run, spoken
        (["six", "one", "two", "nine"], 1),
        (["6129"], 1),  # written
        (["sixty", "one", "twenty", "nine"], 1),  # pairs
        (["one", "two"], 0),  # two digits away from the edge: a count, not the value
        (["okay", "thanks"], 0),
    ],
)
def test_audio_check_hears_digit_runs_away_from_the_edge(words: list[str], leaks: int) -> None:
    # 10 s of quiet noise, one bleep 4-5 s: the first window heard is 3.4-4.05 s; the words
    # lie at 3.40-3.56 s, clear of the bleep's edge (3.6 s), so only a 4-digit run leaks.
    rng = np.random.default_rng(0)
    audio = DecodedAudio(channels=(rng.normal(0, 0.01, 10 * SAMPLE_RATE).astype(np.float32),))
    found, _heard = find_leaks(audio, [Interval(4.0, 5.0)], 0.0, Hears(words), frozenset())
    assert len(found) == leaks


class Counting:
    """The CTranslate2 model, counting its encodes and decodes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        if name in ("encode", "generate"):
            self.calls[name] += 1
        return getattr(self.inner, name)


@pytest.mark.slow
def test_audio_check_listen_decodes_a_looped_chunk_again(
    transcriber: FasterWhisperTranscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk of a check track is decoded once, greedily; a chunk whose decode compresses
    more than ``CHECK_LOOP_RATIO`` (looped) is decoded again on its own at each fallback
    temperature."""
    audio = decode_audio(SSN_CALL)
    chunks = len(check_chunks(audio.channels[0], FasterWhisperTranscriber.CHECK_CHUNK_S))
    model = Counting(transcriber.model.model)
    monkeypatch.setattr(transcriber.model, "model", model)
    once = transcriber.listen(audio)
    assert model.calls == {"encode": chunks, "generate": chunks}, "this fixture does not loop"
    model.calls.clear()
    monkeypatch.setattr(FasterWhisperTranscriber, "CHECK_LOOP_RATIO", 0.0)  # every decode loops
    again = transcriber.listen(audio)
    tries = len(FasterWhisperTranscriber.CHECK_RETRY_TEMPERATURES)
    assert model.calls["generate"] == chunks * (1 + tries)
    assert {s.speaker for s in once.segments} == {s.speaker for s in again.segments} == {"check"}


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        # (seconds of sound, seconds of zeros) ...: cut in the middle of the last gap that fits
        ([(10, 0.5), (10, 0.5), (10, 0.5)], [(0.0, 20.75), (20.75, 31.5)]),
        ([(5, 0.5)] * 4, [(0.0, 22.0)]),  # short: one chunk
        ([(40, 0.0)], [(0.0, 29.0), (29.0, 40.0)]),  # no silence: cut at the limit
        ([(10, 0.3), (10, 0.3), (10, 0.0)], [(0.0, 29.0), (29.0, 30.6)]),  # gaps too short
        ([(0, 2.0), (28, 0.0)], [(0.0, 1.0), (1.0, 30.0)]),  # a leading silence
    ],
)
def test_check_chunks_cut_at_the_gaps(
    layout: list[tuple[float, float]], expected: list[tuple[float, float]]
) -> None:
    parts = []
    for sound, zeros in layout:
        parts += [np.full(int(sound * SAMPLE_RATE), 0.1, np.float32)]
        parts += [np.zeros(int(zeros * SAMPLE_RATE), np.float32)]
    chunks = check_chunks(np.concatenate(parts), 29.0)
    assert [c for ab in chunks for c in ab] == pytest.approx(
        [c for ab in expected for c in ab], abs=0.011
    )
    assert all(b - a <= 29.0 + 1e-9 for a, b in chunks)


class HearsEveryTrack:
    """Hears four digits at the start of every track, and notes the tracks' lengths."""

    name = "fake/hears-every-track"

    def __init__(self) -> None:
        self.tracks: list[float] = []

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        self.tracks.append(audio.duration_s)
        at = [(w, 0.1 * i, 0.1 * i + 0.1, 0.9) for i, w in enumerate(["4", "5", "6", "7"])]
        return Transcript(segments=(build_segment(0, "check", at),), duration_s=audio.duration_s)


def test_audio_check_hears_a_long_recording_in_short_tracks() -> None:
    """An hour's windows glued into one track cost 740 MB to decode; they are heard in
    tracks of at most TRACK_MAX_S, every window in one of them, and a leak in any track is
    placed back where it was heard."""
    rng = np.random.default_rng(0)
    audio = DecodedAudio(channels=(rng.normal(0, 0.01, 400 * SAMPLE_RATE).astype(np.float32),))
    intervals = [Interval(2.0 + 2.6 * i, 3.0 + 2.6 * i) for i in range(150)]
    hears = HearsEveryTrack()
    found, heard = find_leaks(audio, intervals, 0.0, hears, frozenset())
    assert heard == pytest.approx(150 * 2 * WINDOW_S, abs=0.01)
    assert len(hears.tracks) == 3 and max(hears.tracks) <= TRACK_MAX_S
    assert sum(hears.tracks) == pytest.approx(heard + 300 * GAP_S, abs=0.01)
    # each track's first window (before a bleep) is where its four digits were heard
    starts = sorted(lk.start_s for lk in found)
    assert len(found) == 3 and starts[0] == pytest.approx(2.0 - WINDOW_S)
    assert starts[-1] > 250


class HearsNothing:
    name = "fake/hears-nothing"

    def transcribe(self, audio: DecodedAudio, speakers: Sequence[str] = ()) -> Transcript:
        return Transcript(segments=(), duration_s=audio.duration_s)


def test_audio_check_holds_the_windows_it_hears_not_the_recording(tmp_path: Path) -> None:
    """Verifying a long recording's redacted audio holds what the check hears (1.2 s a bleep)
    and the encoded file, not the recording decoded again nor a redacted copy of it: that cost
    the 60-minute memory bench 600 MB. numpy's buffers are traced by tracemalloc."""
    seconds = 1200  # 77 MB decoded; what the check may hold does not grow with it
    t = np.arange(seconds * SAMPLE_RATE) / SAMPLE_RATE
    tone = np.round(0.2 * np.sin(2 * np.pi * 220 * t) * 32767) / 32768  # compresses well
    src = tmp_path / "long.flac"
    sf.write(src, tone, SAMPLE_RATE, subtype="PCM_16")
    del t, tone
    loaded = read_audio(src)
    decoded_bytes = len(loaded[0]) * 4  # float32 at 16 kHz, what decode_audio would hold

    def write(ivs: Sequence[Interval]) -> SealedAudio:
        return write_redacted_audio(
            src, tmp_path / "out", recording_id="t", policy="support", intervals=ivs,
            spec=AudioRedaction(), fmt="flac", samples=loaded,
        )  # fmt: skip

    tracemalloc.start()
    try:
        _sealed, check = verify(
            write,
            [Interval(60.0, 61.0), Interval(300.0, 302.0)],
            padding_s=0.15,
            transcriber=HearsNothing(),
            words_of_values=frozenset(),
        )
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert check.passed and check.checks == 1 and check.heard_s == pytest.approx(2.4, abs=0.01)
    assert peak < 0.4 * decoded_bytes, f"peak {peak / 1e6:.1f} MB"
