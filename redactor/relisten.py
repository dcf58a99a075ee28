"""Listen again to chosen stretches of audio, in one short decode.

Whisper encodes 30-second windows whatever their content, so hearing ten two-second stretches
one by one costs ten windows. Here the stretches (of any channel) are glued into one track with
``GAP_S`` of silence between them, decoded once, and every word is placed back on the stretch
and the time it came from. Used by the transcriber to hear speech its first pass skipped
(``unheard_speech``) and by the audio check to hear the neighbourhood of every bleep.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from redactor.ingest import SAMPLE_RATE

__all__ = ["GAP_S", "Piece", "glue", "glue_parts", "new_words", "place", "unheard_speech"]

GAP_S = 0.5  # silence between glued stretches: Whisper ends a segment there
MIN_UNHEARD_S = 1.0  # less voiced time without a word: breaths, clicks, loose word times
PAD_S = 0.25  # heard around an unheard stretch (a word's soft edges)
FRAME_S = 0.02
VOICED_DB = 15.0  # a frame this close to the heard words' median level sounds like speech
JOIN_S = 1.0  # stretches closer than this are one (an utterance with pauses)
NEAR_S = 0.3  # around a heard word: its own soft edges, not a skipped utterance
BLOCK_FRAMES = 1 << 14  # frames whose power is computed at once (5.5 minutes)

HeardWord = tuple[str, float, float, float]  # text, start s, end s, probability


@dataclass(frozen=True, slots=True)
class Piece:
    """Where one stretch lies on the glued track, and where it came from."""

    track_start: float
    track_end: float
    source_start: float
    channel: int


def glue(
    stretches: Iterable[tuple[int, np.ndarray, float, float]],
) -> tuple[np.ndarray, list[Piece]]:
    """One track of ``(channel, samples, start s, end s)`` stretches, silence between them."""
    return glue_parts(
        (channel, samples[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)], a)
        for channel, samples, a, b in stretches
    )


def glue_parts(parts: Iterable[tuple[int, np.ndarray, float]]) -> tuple[np.ndarray, list[Piece]]:
    """One track of ``(channel, samples, start s)`` stretches already cut from their source."""
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
    chunks: list[np.ndarray] = []
    pieces: list[Piece] = []
    pos = 0.0
    for channel, part, a in parts:
        chunks += [part, gap]
        pieces.append(Piece(pos, pos + len(part) / SAMPLE_RATE, a, channel))
        pos += (len(part) + len(gap)) / SAMPLE_RATE
    track = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return track, pieces


def place(words: Iterable[HeardWord], pieces: Sequence[Piece]) -> list[list[HeardWord]]:
    """The words heard on the glued track, per stretch, at their times in the source."""
    out: list[list[HeardWord]] = [[] for _ in pieces]
    for text, start, end, prob in words:
        mid = (start + end) / 2
        for k, p in enumerate(pieces):
            if p.track_start <= mid <= p.track_end:
                shift = p.source_start - p.track_start
                out[k].append((text, start + shift, end + shift, prob))
                break
    return out


def unheard_speech(
    samples: np.ndarray, heard: Sequence[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Stretches that sound like speech but where no word was heard.

    Whisper's sequential decoder can skip an utterance at the edge of a 30-second window
    (the answer to "Can you confirm your date of birth?" vanished that way); a value in it
    is never seen by the detector and is never bleeped. Speech is judged by loudness against
    the words that were heard (within ``VOICED_DB`` of their median frame level), which costs
    a few milliseconds a minute: a second voice-activity pass cost 7% of the transcription.
    A channel where nothing was heard has no reference level and gives nothing.
    """
    frame = int(FRAME_S * SAMPLE_RATE)
    n = len(samples) // frame
    if n == 0 or not heard:
        return []
    power = np.concatenate(  # a block of frames at a time: an hour as float64 is 460 MB
        [
            np.square(samples[i * frame : j * frame].astype(np.float64)).reshape(-1, frame).mean(1)
            for i, j in _blocks(n, BLOCK_FRAMES)
        ]
    )
    level = 10 * np.log10(power + 1e-12)
    covered = np.zeros(n, bool)
    for s, e in heard:  # a word's time is loose: its neighbourhood counts as heard too
        covered[max(0, int((s - NEAR_S) / FRAME_S)) : int((e + NEAR_S) / FRAME_S) + 1] = True
    if not covered.any():
        return []
    voiced = np.flatnonzero((level > np.median(level[covered]) - VOICED_DB) & ~covered)
    # Voiced frames closer than JOIN_S are one stretch (an utterance with pauses, digits said
    # one by one); a stretch with less than MIN_UNHEARD_S of voiced frames is dropped.
    stretches: list[tuple[int, int, int]] = []  # first frame, last frame, voiced frames
    for i in voiced:
        if stretches and (i - stretches[-1][1]) * FRAME_S < JOIN_S:
            first, _last, count = stretches[-1]
            stretches[-1] = (first, int(i), count + 1)
        else:
            stretches.append((int(i), int(i), 1))
    duration = len(samples) / SAMPLE_RATE
    return [
        (max(0.0, first * FRAME_S - PAD_S), min(duration, (last + 1) * FRAME_S + PAD_S))
        for first, last, count in stretches
        if count * FRAME_S >= MIN_UNHEARD_S
    ]


def _blocks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for i in range(0, n, size):
        yield i, min(n, i + size)


def new_words(
    found: Sequence[list[HeardWord]], heard: Sequence[tuple[float, float]]
) -> list[list[HeardWord]]:
    """``found`` without the words already heard (a stretch's edges overlap its neighbours)."""
    out = []
    for words in found:
        kept = [w for w in words if not any(s <= (w[1] + w[2]) / 2 <= e for s, e in heard)]
        if kept:
            out.append(kept)
    return out
