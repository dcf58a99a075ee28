"""Verify redacted audio: listen to it again and widen any bleep that let something through.

Word timestamps are approximate, so a bleep over a value's words can miss a digit at its
edge, and a value the text redaction caught may sit next to digits it did not. After the
redacted audio is written, the same speech model transcribes it again, but only around the
redacted intervals (``WINDOW_S`` on each side of every padded interval, not the tone itself,
which is known). The windows are glued into shared tracks with silence between: those of
every channel, every policy and every recording of a batch (``verify_all``; the pipeline
holds a batch of recordings until their audio is checked), so Whisper's encoder runs once
per ``TRACK_MAX_S`` of windows, not once per interval, channel or recording; a window whose
decode looped is decoded again (``Listener.listen``). Still audible is:

- a run of ``MIN_DIGITS`` or more digits, after reading spoken digits back into digits
  (``redactor.residue``: "six four six", "oh", "double five", homophones next to digits), or
  any digit within ``EDGE_S`` of a bleep (the part of a number the bleep missed);
- a word of a value the detector found in the recording (a name, a street, an e-mail part).

Each such stretch widens the nearest bleep to cover it (or gets a bleep of its own when it is
more than ``JOIN_S`` from any), and the widened intervals are checked again, up to
``MAX_ROUNDS`` widenings. The result (passed or not, how many checks and widenings, how much
audio was heard) is stored per policy; a policy with ``check = "require"`` publishes no audio
that did not pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np

from redactor.audio import Interval
from redactor.audio_file import SealedAudio
from redactor.ingest import SAMPLE_RATE, DecodedAudio, decode_stretches, decoded_channels
from redactor.relisten import GAP_S, HeardWord, Piece, glue_parts, place
from redactor.residue import digit_runs, digit_stream
from redactor.store import ArtifactKind, Store
from redactor.transcribe import FasterWhisperTranscriber, Listener, Transcriber
from redactor.types import RedactedTranscript, Transcript

__all__ = [
    "PRODUCER",
    "AudioCheck",
    "CheckJob",
    "Leak",
    "find_leaks",
    "stored_check",
    "value_words",
    "verify",
    "verify_all",
]

PRODUCER = "audio-check.v7"  # v7: the windows of a batch of recordings share tracks
WINDOW_S = 0.6  # context heard on each side of a bleep (covers EDGE_S and a word's soft edge)
MIN_DIGITS = 4
EDGE_S = 0.4  # any digit heard this close to a bleep is the rest of the value
MARGIN_S = 0.2  # added around a leaked stretch (word times are approximate)
STEP_S = 0.3  # widening when the leak already lies under the bleep's own interval
JOIN_S = 0.6  # a leak this close to a bleep widens it; farther away it gets its own bleep
MAX_ROUNDS = 3
# Windows longer than this in all are heard as several tracks: decoding the 60-minute memory
# bench's windows as one track took 740 MB (Whisper's features of the whole track and the
# decoder's buffers); a track this short decodes with freed memory kept.
TRACK_MAX_S = FasterWhisperTranscriber.KEEP_MEMORY_MAX_S
# Words that a value's text contains but that say nothing about the person.
_COMMON = frozenset(
    [
        "the",
        "and",
        "dot",
        "at",
        "com",
        "org",
        "net",
        "uk",
        "co",
        "my",
        "is",
        "it's",
        "its",
        "this",
        "that",
        "name",
        "street",
        "road",
        "avenue",
        "lane",
        "drive",
        "court",
        "number",
        "card",
        "account",
        "social",
        "security",
        "email",
        "address",
    ]
)


@dataclass(frozen=True, slots=True)
class AudioCheck:
    """The outcome of verifying one policy's redacted audio."""

    passed: bool
    checks: int  # re-transcriptions of the windows
    widenings: int  # bleeps widened or added
    heard_s: float  # seconds of audio transcribed again
    published: bool = True
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "producer": PRODUCER,
            "passed": self.passed,
            "checks": self.checks,
            "widenings": self.widenings,
            "heard_s": round(self.heard_s, 2),
            "published": self.published,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Leak:
    """A stretch of a channel where something is still audible. Never carries the words."""

    start_s: float
    end_s: float
    channel: int | None
    kind: str  # digits | value


def stored_check(store: Store, recording_id: str, policy: str) -> dict[str, Any] | None:
    """The stored result for one policy's redacted audio (``AudioCheck.as_dict()``), if any."""
    row = store.artifacts.newest(recording_id, ArtifactKind.AUDIO_CHECK, policy)
    return None if row is None or row.body is None else dict(json.loads(row.body))


def value_words(raw: Transcript, redacted: RedactedTranscript) -> frozenset[str]:
    """Lower-case words (3+ letters) of every value the redaction covered, minus filler."""
    by_index = {s.index: s for s in raw.segments}
    out: set[str] = set()
    for seg in redacted.segments:
        raw_seg = by_index.get(seg.index)
        if raw_seg is None:
            continue
        for sp in seg.spans:
            for w in re.findall(r"[A-Za-z]{3,}", raw_seg.text[sp.start : sp.end]):
                if w.lower() not in _COMMON and not digit_stream(w):
                    out.add(w.lower())
    return frozenset(out)


def _merge(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _on(iv: Interval, channel: int, n_channels: int) -> bool:
    return (
        iv.channel is None or iv.channel == channel or (channel == 0 and iv.channel >= n_channels)
    )


def _edges(start: float, end: float) -> list[tuple[float, float]]:
    """What to hear around one bleep: ``WINDOW_S`` of context on each side. The tone is known
    and is not heard: Whisper makes words up on it ("It's... F***"), 70% more tokens with
    0.2 s of it at each edge on the spoken-call bench's check tracks, and loops more often."""
    return [(start - WINDOW_S, start), (end, end + WINDOW_S)]


Stretches = Sequence[tuple[int, float, float]]  # (channel, start s, end s)
ReadStretches = Callable[[Stretches], list[np.ndarray]]  # their samples, at SAMPLE_RATE


def find_leaks(
    audio: DecodedAudio,
    intervals: Sequence[Interval],
    padding_s: float,
    transcriber: Transcriber,
    words_of_values: frozenset[str],
) -> tuple[list[Leak], float]:
    """Leaks heard around ``intervals`` in the redacted ``audio``, and the seconds heard."""

    def read(stretches: Stretches) -> list[np.ndarray]:
        return [
            audio.channels[ch][int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)]
            for ch, a, b in stretches
        ]

    n_ch = len(audio.channels)
    parts = _parts(read, n_ch, intervals, padding_s)
    (heard,) = _hear([parts], transcriber)
    return _leaks(heard, n_ch, intervals, padding_s, words_of_values), _seconds(parts)


Part = tuple[int, np.ndarray, float]  # channel, samples, start s in the source


def _parts(
    read: ReadStretches, n_ch: int, intervals: Sequence[Interval], padding_s: float
) -> list[Part]:
    """The windows to hear around ``intervals``, merged per channel and cut by ``read`` (a
    stretch past the end comes back short)."""
    stretches = [
        (ch, a, b)
        for ch in range(n_ch)
        for a, b in _merge(
            (max(0.0, a), b)
            for iv in intervals
            if _on(iv, ch, n_ch)
            for a, b in _edges(iv.start_s - padding_s, iv.end_s + padding_s)
        )
    ]
    return [
        (ch, samples, a)
        for (ch, a, _b), samples in zip(stretches, read(stretches), strict=True)
        if len(samples)
    ]


def _seconds(parts: Sequence[Part]) -> float:
    return sum(len(samples) for _ch, samples, _a in parts) / SAMPLE_RATE


def _hear(
    jobs: Sequence[Sequence[Part]], transcriber: Transcriber
) -> list[list[tuple[Piece, list[HeardWord]]]]:
    """What Whisper hears in each job's windows, per window.

    The windows of every job (every channel, every policy, every recording of a batch) are
    glued into shared tracks (``redactor.relisten``) of at most ``TRACK_MAX_S``: the encoder
    runs over 30 s whatever the track holds, and one check's windows are a few seconds, so a
    track per check paid a whole encoder pass for each (63 passes on the spoken-call bench's
    42 calls)."""
    tagged = [(k, part) for k, parts in enumerate(jobs) for part in parts]
    out: list[list[tuple[Piece, list[HeardWord]]]] = [[] for _ in jobs]
    for group in _tracks(tagged):
        track, pieces = glue_parts(part for _k, part in group)
        glued = DecodedAudio(channels=(track,))
        if isinstance(transcriber, Listener):
            transcript = transcriber.listen(glued)
        else:
            transcript = transcriber.transcribe(glued, ["check"])
        decode = [
            (w.text, w.start_s, w.end_s, w.probability)
            for s in transcript.segments
            for w in s.words
        ]
        for (k, _part), piece, words in zip(group, pieces, place(decode, pieces), strict=True):
            out[k].append((piece, words))
    return out


def _leaks(
    heard: Sequence[tuple[Piece, list[HeardWord]]],
    n_ch: int,
    intervals: Sequence[Interval],
    padding_s: float,
    words_of_values: frozenset[str],
) -> list[Leak]:
    """What is still audible in the words heard around ``intervals``."""
    leaks: list[Leak] = []
    for piece, words in heard:
        ch = piece.channel
        channel = ch if n_ch > 1 else None
        edges = [
            (iv.start_s - padding_s - EDGE_S, iv.end_s + padding_s + EDGE_S)
            for iv in intervals
            if _on(iv, ch, n_ch)
        ]
        for run in digit_runs([w[0] for w in words]):
            a, b = words[run.first][1], words[run.last][2]
            # a long run anywhere, or any digit at a bleep's edge (what the bleep missed)
            if len(run.digits) >= MIN_DIGITS or any(a < hi and b > lo for lo, hi in edges):
                leaks.append(Leak(a, b, channel, "digits"))
        for text, a, b, _p in words:
            if any(t.lower() in words_of_values for t in re.findall(r"[A-Za-z]+", text)):
                leaks.append(Leak(a, b, channel, "value"))
    return leaks


def _tracks(parts: Sequence[tuple[int, Part]]) -> list[list[tuple[int, Part]]]:
    """Job-tagged windows in tracks of at most ``TRACK_MAX_S`` (a longer one alone), in order."""
    groups: list[list[tuple[int, Part]]] = []
    length = 0.0
    for tagged in parts:
        secs = len(tagged[1][1]) / SAMPLE_RATE + GAP_S
        if not groups or length + secs > TRACK_MAX_S:
            groups.append([])
            length = 0.0
        groups[-1].append(tagged)
        length += secs
    return groups


def widen(intervals: Sequence[Interval], leaks: Sequence[Leak], padding_s: float) -> list[Interval]:
    """Each leak widens the nearest bleep on its channel, or gets a bleep of its own."""
    out = list(intervals)
    for lk in leaks:
        a, b = lk.start_s - MARGIN_S, lk.end_s + MARGIN_S
        best, dist = -1, float("inf")
        for i, iv in enumerate(out):
            if iv.channel not in (None, lk.channel) and lk.channel is not None:
                continue
            d = max(0.0, iv.start_s - padding_s - b, a - iv.end_s - padding_s)
            if d < dist:
                best, dist = i, d
        if best < 0 or dist > JOIN_S:
            out.append(Interval(a, b, lk.channel))
            continue
        iv = out[best]
        if iv.start_s - padding_s <= a and b <= iv.end_s + padding_s:  # under the bleep already
            a, b = iv.start_s - STEP_S, iv.end_s + STEP_S
        out[best] = replace(iv, start_s=min(iv.start_s, a), end_s=max(iv.end_s, b))
    return out


@dataclass(frozen=True, slots=True)
class CheckJob:
    """One redacted file to verify: ``write(intervals)`` writes it (sealed) with those bleeps;
    ``words_of_values``: the words of the values its redaction covered (``value_words``)."""

    write: Callable[[Sequence[Interval]], SealedAudio]
    intervals: Sequence[Interval]
    padding_s: float
    words_of_values: frozenset[str]
    max_rounds: int = MAX_ROUNDS


def verify(
    write: Callable[[Sequence[Interval]], SealedAudio],
    intervals: Sequence[Interval],
    *,
    padding_s: float,
    transcriber: Transcriber,
    words_of_values: frozenset[str],
    max_rounds: int = MAX_ROUNDS,
) -> tuple[SealedAudio, AudioCheck]:
    """Write the redacted audio, listen, widen and rewrite until nothing leaks (or give up).

    One job of ``verify_all``. Returns the last file written (the caller decides whether to
    publish it) and the check."""
    job = CheckJob(write, intervals, padding_s, words_of_values, max_rounds)
    return verify_all([job], transcriber)[0]


@dataclass(slots=True)
class _State:
    job: CheckJob
    current: list[Interval]
    written: SealedAudio
    todo: list[Interval]
    checks: int = 0
    widenings: int = 0
    heard: float = 0.0
    result: AudioCheck | None = None


def verify_all(
    jobs: Sequence[CheckJob], transcriber: Transcriber
) -> list[tuple[SealedAudio, AudioCheck]]:
    """Verify many redacted files at once: each round hears the windows of every file still
    being checked in shared tracks (``_hear``), then widens and rewrites the files that leak.

    What is heard is each file as written, read back and decrypted: the check covers the bytes
    that are stored. Only the windows heard are decoded (``redactor.ingest.decode_stretches``):
    an hour's file decoded whole again was the 60-minute memory bench's peak. Nobody knows
    the files yet: on any error every file written is removed. Returns, per job in order, its
    last file written and its check."""
    states: list[_State] = []
    try:
        for job in jobs:
            first = list(job.intervals)
            states.append(_State(job, first, job.write(first), first))
        for s in states:
            if not s.todo:
                s.result = AudioCheck(True, 0, 0, 0.0)
        while active := [s for s in states if s.result is None]:
            heard_by: list[tuple[int, list[Part]]] = []
            for s in active:
                read, n_ch = _hear_file(s.written)
                heard_by.append((n_ch, _parts(read, n_ch, s.todo, s.job.padding_s)))
            heard = _hear([parts for _n, parts in heard_by], transcriber)
            for s, (n_ch, parts), words in zip(active, heard_by, heard, strict=True):
                _next_round(s, n_ch, parts, words)
    except BaseException:
        for s in states:
            s.written.path.unlink(missing_ok=True)
        raise
    return [(s.written, s.result) for s in states if s.result is not None]


def _next_round(
    s: _State, n_ch: int, parts: Sequence[Part], words: Sequence[tuple[Piece, list[HeardWord]]]
) -> None:
    """One job's round: record the check, then pass, give up, or widen and rewrite."""
    job = s.job
    leaks = _leaks(words, n_ch, s.todo, job.padding_s, job.words_of_values)
    s.checks += 1
    s.heard += _seconds(parts)
    if not leaks:
        s.result = AudioCheck(True, s.checks, s.widenings, s.heard)
        return
    if s.widenings >= job.max_rounds:
        why = f"still audible after {s.widenings} widenings ({len(leaks)} stretches)"
        s.result = AudioCheck(False, s.checks, s.widenings, s.heard, reason=why)
        return
    before = set(s.current)
    s.current = widen(s.current, leaks, job.padding_s)
    s.todo = [iv for iv in s.current if iv not in before]
    s.widenings += 1
    s.written.path.unlink(missing_ok=True)
    s.written = job.write(s.current)
    if not s.todo:  # the widening changed nothing new: nothing more to hear
        s.result = AudioCheck(True, s.checks, s.widenings, s.heard)


def _hear_file(written: SealedAudio) -> tuple[ReadStretches, int]:
    """A reader of stretches of the written file (decrypted once, decoded a stretch at a
    time), and its channel count."""
    data = written.read()
    return partial(decode_stretches, written.path, data=data), decoded_channels(
        written.path, data=data
    )
