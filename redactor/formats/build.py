"""Shared pieces of the readers: word tuples to segments, cue text to words, times, errors.

Every reader turns its vendor's structure into ``(text, start, end, confidence)`` word tuples
with a speaker, and these helpers turn those into the engine's ``Segment`` list the same way
for every format, so a transcript reads the same whichever tool produced it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redactor.errors import InputError
from redactor.transcribe import build_segment
from redactor.types import RedactedSegment, Segment, Transcript, Word

__all__ = [
    "PAUSE_S",
    "SENTENCE_MIN_S",
    "Turn",
    "WordT",
    "cut_channels",
    "cut_turns",
    "num",
    "source_words",
    "text_segment",
    "transcript",
    "word_segments",
]

WordT = tuple[str, float, float, float]  # text, start s, end s, confidence

# A new segment starts at a speaker change, after a pause of PAUSE_S, after a sentence end
# followed by a pause of SENTENCE_PAUSE_S or once the segment is SENTENCE_MIN_S long, and at
# MAX_SEGMENT_S at the latest: what a reader of the transcript would call a caption or turn.
PAUSE_S = 1.5
SENTENCE_PAUSE_S = 0.5  # a sentence end followed by a shorter pause does not cut
SENTENCE_MIN_S = 8.0
MAX_SEGMENT_S = 30.0
_SENTENCE_END = re.compile(r"[.?!…][\"')\]]*$")


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: str
    words: tuple[WordT, ...]


def num(value: Any, path: Path, what: str) -> float:
    """A number from a vendor file (AWS writes them as strings); bad ones name the file."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{path}: {what} is not a number") from None
    if out != out or out < 0:  # NaN or negative
        raise InputError(f"{path}: {what} is not a time")
    return out


def cut_turns(words: Iterable[tuple[str, WordT]]) -> list[Turn]:
    """Group ``(speaker, word)`` pairs into segments: speaker changes, pauses, sentence ends."""
    turns: list[tuple[str, list[WordT]]] = []
    for speaker, w in words:
        if turns and turns[-1][0] == speaker and turns[-1][1]:
            cur = turns[-1][1]
            gap = w[1] - cur[-1][2]
            length = cur[-1][2] - cur[0][1]
            ends = bool(_SENTENCE_END.search(cur[-1][0]))
            if not (
                gap >= PAUSE_S
                or (ends and (gap >= SENTENCE_PAUSE_S or length >= SENTENCE_MIN_S))
                or length >= MAX_SEGMENT_S
            ):
                cur.append(w)
                continue
        turns.append((speaker, [w]))
    return [Turn(s, tuple(ws)) for s, ws in turns]


def cut_channels(words: Iterable[tuple[str, WordT]]) -> list[Turn]:
    """``cut_turns`` per channel (speaker), then in time order: two channels talk at once, so
    interleaving their words first would cut both into one-word turns."""
    streams: dict[str, list[tuple[str, WordT]]] = {}
    for speaker, w in words:
        streams.setdefault(speaker, []).append((speaker, w))
    turns = [t for stream in streams.values() for t in cut_turns(sorted(stream, key=_start))]
    return sorted(turns, key=lambda t: t.words[0][1])


def _start(sw: tuple[str, WordT]) -> float:
    return sw[1][1]


def text_segment(index: int, speaker: str, start: float, end: float, text: str) -> Segment:
    """A segment without word timings: words get the cue's interval spread by character."""
    tokens = text.split()
    total = sum(len(t) for t in tokens) or 1
    words, pos = [], start
    for tok in tokens:
        dur = (end - start) * len(tok) / total
        words.append((tok, pos, pos + dur, 1.0))
        pos += dur
    seg = build_segment(index, speaker, words)
    return Segment(seg.index, seg.speaker, start, end, seg.text, seg.words)


def transcript(
    path: Path,
    segments: Sequence[Segment],
    *,
    kind: str,
    producer: str,
    source: dict[str, Any],
    language: str = "",
    duration: float = 0.0,
) -> Transcript:
    """The reader's result; a file that yields no text is refused, naming the file."""
    kept = [s for s in segments if s.text]
    if not kept:
        raise InputError(f"{path}: {kind} file has no transcript text")
    ordered = tuple(
        Segment(i, s.speaker, s.start_s, s.end_s, s.text, s.words) for i, s in enumerate(kept)
    )
    end = max(s.end_s for s in ordered)
    return Transcript(
        ordered,
        language=language,
        duration_s=max(duration, end),
        source_kind=kind,
        producer=producer,
        source=source,
    )


def word_segments(turns: Sequence[Turn]) -> list[Segment]:
    return [build_segment(i, t.speaker, t.words) for i, t in enumerate(turns)]


_TOKEN = re.compile(r"\S+")


def source_words(seg: RedactedSegment) -> list[Word]:
    """The redacted segment's text as words, each timed by the redacted words it overlaps.

    A redacted value's words collapse into one word without the punctuation that followed
    it ("Dana." -> "[PERSON_2]" while the text keeps "[PERSON_2]."); a writer that wrote the
    word list as it is would lose that punctuation, so writers take the text's tokens.
    """
    out: list[Word] = []
    for m in _TOKEN.finditer(seg.text):
        over = [w for w in seg.words if w.char_start < m.end() and w.char_end > m.start()]
        if over:
            start, end = over[0].start_s, over[-1].end_s
            conf = min(w.probability for w in over)
        else:  # no word of its own: a zero-length word where the last one ended
            start = end = out[-1].end_s if out else seg.start_s
            conf = 1.0
        out.append(Word(m.group(), start, end, m.start(), m.end(), conf))
    return out
