"""Listen again to chosen stretches of audio, in one short decode.

Whisper encodes 30-second windows whatever their content, so hearing ten two-second stretches
one by one costs ten windows. Here the stretches (of any channel) are glued into one track with
``GAP_S`` of silence between them, decoded once, and every word is placed back on the stretch
and the time it came from. Used by the transcriber to hear speech its first pass skipped
(``unheard_speech``) and by the audio check to hear the neighbourhood of every bleep.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from redactor.ingest import SAMPLE_RATE

__all__ = ["GAP_S", "Piece", "glue", "place", "unheard_speech"]

GAP_S = 0.5  # silence between glued stretches: Whisper ends a segment there
MIN_UNHEARD_S = 1.0  # shorter stretches without a word: breaths, clicks, loose word times
PAD_S = 0.25  # heard around an unheard stretch (VAD cuts close to the speech)

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
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
    parts: list[np.ndarray] = []
    pieces: list[Piece] = []
    pos = 0.0
    for channel, samples, a, b in stretches:
        part = samples[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)]
        parts += [part, gap]
        pieces.append(Piece(pos, pos + len(part) / SAMPLE_RATE, a, channel))
        pos += (len(part) + len(gap)) / SAMPLE_RATE
    track = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
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
    samples: np.ndarray, heard: Sequence[tuple[float, float]], *, min_silence_ms: int = 500
) -> list[tuple[float, float]]:
    """Stretches that voice activity detection calls speech but where no word was heard.

    Whisper's sequential decoder can skip an utterance at the edge of a 30-second window
    (the answer to "Can you confirm your date of birth?" vanished that way); a value in it
    is never seen by the detector and is never bleeped.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    duration = len(samples) / SAMPLE_RATE
    regions = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=min_silence_ms))
    words = sorted(heard)
    out: list[tuple[float, float]] = []
    for r in regions:
        a, b = r["start"] / SAMPLE_RATE, r["end"] / SAMPLE_RATE
        cursor = a
        for s, e in words:
            if e <= a or s >= b:
                continue
            if s - cursor >= MIN_UNHEARD_S:
                out.append((cursor, s))
            cursor = max(cursor, e)
        if b - cursor >= MIN_UNHEARD_S:
            out.append((cursor, b))
    return [(max(0.0, float(a) - PAD_S), min(duration, float(b) + PAD_S)) for a, b in out]
