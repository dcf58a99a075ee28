"""Typed seams between the stages.

Every stage takes one of these and returns another; all are immutable. The ``repr`` of
anything that can hold transcript text never shows the text: a stray log line or a test
failure message must not leak personal data.

``Transcript`` is the raw (unredacted) transcript. ``RedactedTranscript`` is a separate type
so that the summarizer, the support view and the dataset exporter can demand it: a raw
transcript cannot reach them by accident (mypy rejects it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word. ``start``/``end`` are character offsets into the segment text."""

    text: str
    start_s: float
    end_s: float
    char_start: int
    char_end: int
    probability: float = 1.0

    def __repr__(self) -> str:
        return f"Word(<{len(self.text)} chars>, {self.start_s:.2f}-{self.end_s:.2f}s)"


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of one speaker's speech. ``text`` is the words joined with single spaces."""

    index: int
    speaker: str
    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...] = ()

    def __repr__(self) -> str:
        return (
            f"Segment(#{self.index}, speaker={self.speaker!r}, {self.start_s:.2f}-{self.end_s:.2f}s,"
            f" <{len(self.text)} chars, {len(self.words)} words>)"
        )


@dataclass(frozen=True, slots=True)
class Transcript:
    """Raw transcript: may contain personal data. Never shown to support, summaries, exports."""

    segments: tuple[Segment, ...]
    language: str = "en"
    duration_s: float = 0.0
    source_kind: str = "audio"  # audio | vtt | srt | aws | deepgram | ... | messages
    producer: str = ""  # versioned name of what made it, e.g. faster-whisper/tiny.en
    # The input file's shape (format, layout, key names; never content) so that
    # ``show --format source`` can write the redacted transcript back in that shape.
    source: dict[str, Any] = field(default_factory=dict, compare=False)

    def __repr__(self) -> str:
        return (
            f"Transcript(<{len(self.segments)} segments>, {self.duration_s:.1f}s, {self.producer})"
        )

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.segments)


@dataclass(frozen=True, slots=True)
class Span:
    """A detected entity: offsets into one segment's text. Never carries the matched text."""

    segment: int
    start: int
    end: int
    label: str
    score: float
    recognizer: str = ""

    def __repr__(self) -> str:
        return (
            f"Span(seg={self.segment}, {self.start}-{self.end}, {self.label}, "
            f"{self.score:.2f}, {self.recognizer})"
        )


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A detected entity in a free text (``redact-text``): offsets into that text."""

    start: int
    end: int
    label: str
    score: float
    recognizer: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True, slots=True)
class RedactedSegment:
    index: int
    speaker: str
    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...]
    spans: tuple[Span, ...] = ()  # offsets into the *raw* segment text (for audio and lineage)


@dataclass(frozen=True, slots=True)
class RedactedTranscript:
    """Redacted transcript: the only transcript type the outside world ever sees."""

    segments: tuple[RedactedSegment, ...]
    policy: str
    operators: tuple[str, ...]
    detector: str
    language: str = "en"
    duration_s: float = 0.0
    redacted_spans: tuple[Span, ...] = field(default=())
    source: dict[str, Any] = field(default_factory=dict, compare=False)  # see Transcript

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.segments)

    def __repr__(self) -> str:
        return (
            f"RedactedTranscript(<{len(self.segments)} segments>, policy={self.policy!r}, "
            f"{len(self.redacted_spans)} spans)"
        )

    def to_json(self, recording_id: str) -> dict[str, Any]:
        return {
            "id": recording_id,
            "policy": self.policy,
            "operators": list(self.operators),
            "detector": self.detector,
            "language": self.language,
            "duration": round(self.duration_s, 3),
            "segments": [
                {
                    "index": s.index,
                    "speaker": s.speaker,
                    "start": round(s.start_s, 3),
                    "end": round(s.end_s, 3),
                    "text": s.text,
                    "words": [
                        {"word": w.text, "start": round(w.start_s, 3), "end": round(w.end_s, 3)}
                        for w in s.words
                    ],
                    "spans": [
                        {"start": sp.start, "end": sp.end, "label": sp.label} for sp in s.spans
                    ],
                }
                for s in self.segments
            ],
        }


@dataclass(frozen=True, slots=True)
class Participant:
    name: str = ""
    role: str = ""  # agent | customer | ...
    identifier: str = ""  # how the host knows them (e-mail, phone, customer id); stored hashed
    channel: int | None = None
    opted_out: bool = False

    def __repr__(self) -> str:
        return (
            f"Participant(role={self.role!r}, channel={self.channel}, opted_out={self.opted_out})"
        )


@dataclass(frozen=True, slots=True)
class RecordingMeta:
    """Ownership and consent metadata, from CLI flags or a JSON sidecar."""

    host: str = "default"
    recording_id: str | None = None
    consent_training: bool = False
    participants: tuple[Participant, ...] = ()
    speakers: tuple[str, ...] = ()  # channel names for stereo: ("agent", "customer")

    def __repr__(self) -> str:
        return (
            f"RecordingMeta(host={self.host!r}, id={self.recording_id!r}, "
            f"consent_training={self.consent_training}, {len(self.participants)} participants)"
        )
