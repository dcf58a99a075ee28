"""Redact: apply detected spans to a transcript, covering every copy of each span.

Spans are widened to whole tokens (a half-covered token still leaks) and merged where they
overlap or touch (``redactor.spans``, the same rules the detector applies), and then replaced in the segment text; the words a span touches collapse into one
word that carries the replacement and the time interval from the first to the last of them, so
the word list and the audio interval of the redaction stay exact.

Replacement values come from Presidio operators (see ``redactor.operators``), routed by
entity type through an ``OperatorReplacer`` that a policy builds fresh for each recording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from presidio_anonymizer.operators import Operator

from redactor.spans import merge, widen
from redactor.types import RedactedSegment, RedactedTranscript, Segment, Span, Transcript, Word

__all__ = [
    "OperatorReplacer",
    "ReplaceFn",
    "redact_segment",
    "redact_speaker",
    "redact_transcript",
    "speaker_label",
]


class ReplaceFn(Protocol):
    """``(value, label) -> replacement``, plus the versioned names of what produces it."""

    @property
    def names(self) -> tuple[str, ...]: ...

    def __call__(self, value: str, label: str) -> str: ...


Route = tuple[Operator, Mapping[str, Any]]


@dataclass
class OperatorReplacer:
    """Send each entity type to its Presidio operator (and options); others to ``default``.

    Operators may hold per-recording state (numbering, surrogates), so build one per recording.
    """

    default: Route
    routes: Mapping[str, Route] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        ops = [self.default[0], *(op for op, _ in self.routes.values())]
        return tuple(sorted({op.operator_name() for op in ops}))

    def __call__(self, value: str, label: str) -> str:
        op, params = self.routes.get(label, self.default)
        return str(op.operate(value, {**params, "entity_type": label}))

    def avoid(self, values: Iterable[str]) -> None:
        for op, _ in [self.default, *self.routes.values()]:
            if hasattr(op, "avoid"):
                op.avoid(values)


# Speaker labels that are roles or numbers, not names: they stay as they are.
GENERIC_SPEAKER = re.compile(
    r"^(agent|customer|caller|callee|speaker|host|guest|participant|unknown|spk|channel)"
    r"([ _-]?\d+|[ _-][A-Z])?$",
    re.IGNORECASE,
)


def redact_speaker(name: str, replace: ReplaceFn, labels: frozenset[str] | None = None) -> str:
    """A speaker label that is a person's name (Zoom ``Name:``, Teams ``<v Name>``) is PII.

    It goes through the same operator as a ``PERSON`` in the text, so "[PERSON_2]" the speaker
    and "[PERSON_2]" mentioned in a turn are visibly the same person.
    """
    if not name or GENERIC_SPEAKER.match(name.strip()):
        return name
    label = speaker_label(name)
    if labels is not None and label not in labels:
        return name
    return replace(name, label)


# A message log's sender is often a phone number or an e-mail address, not a name.
_EMAIL_SENDER = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE_SENDER = re.compile(r"^\+?[\d\s().-]{7,}$")


def speaker_label(name: str) -> str:
    """The entity type a speaker label is redacted as: EMAIL_ADDRESS, PHONE_NUMBER or PERSON."""
    value = name.strip()
    if _EMAIL_SENDER.match(value):
        return "EMAIL_ADDRESS"
    if _PHONE_SENDER.match(value) and sum(c.isdigit() for c in value) >= 7:
        return "PHONE_NUMBER"
    return "PERSON"


def redact_segment(seg: Segment, spans: Sequence[Span], replace: ReplaceFn) -> RedactedSegment:
    spans = merge(widen(seg.text, spans), seg.text)
    pieces: list[str] = []
    words: list[Word] = []
    raw_words = seg.words
    pos = out_len = wi = 0  # raw text position, redacted text length, next raw word

    def keep_words_before(limit: int) -> None:
        nonlocal wi
        shift = out_len - pos  # raw offset -> redacted offset for untouched text
        while wi < len(raw_words) and raw_words[wi].char_end <= limit:
            w = raw_words[wi]
            words.append(
                Word(
                    w.text,
                    w.start_s,
                    w.end_s,
                    w.char_start + shift,
                    w.char_end + shift,
                    w.probability,
                )
            )
            wi += 1

    for sp in [*spans, None]:
        stop = len(seg.text) if sp is None else sp.start
        keep_words_before(stop)
        pieces.append(seg.text[pos:stop])
        out_len += stop - pos
        pos = stop
        if sp is None:
            break
        replacement = replace(seg.text[sp.start : sp.end], sp.label)
        covered = []
        while wi < len(raw_words) and raw_words[wi].char_start < sp.end:
            covered.append(raw_words[wi])
            wi += 1
        if covered:
            words.append(
                Word(
                    replacement,
                    covered[0].start_s,
                    covered[-1].end_s,
                    out_len,
                    out_len + len(replacement),
                    min(w.probability for w in covered),
                )
            )
        pieces.append(replacement)
        out_len += len(replacement)
        pos = sp.end
    return RedactedSegment(
        seg.index, seg.speaker, seg.start_s, seg.end_s, "".join(pieces), tuple(words), tuple(spans)
    )


def replace_speaker(seg: RedactedSegment, speaker: str) -> RedactedSegment:
    if speaker == seg.speaker:
        return seg
    return RedactedSegment(
        seg.index, speaker, seg.start_s, seg.end_s, seg.text, seg.words, seg.spans
    )


def redact_transcript(
    transcript: Transcript,
    spans: Sequence[Span],
    replace: ReplaceFn,
    *,
    policy: str,
    detector: str,
    labels: frozenset[str] | None = None,
) -> RedactedTranscript:
    """Redact every segment. ``labels`` limits which entity types the policy redacts."""
    by_segment: dict[int, list[Span]] = {}
    for sp in spans:
        if labels is None or sp.label in labels:
            by_segment.setdefault(sp.segment, []).append(sp)
    if hasattr(replace, "avoid"):  # surrogates must not echo any real value of the recording
        values = [transcript.segments[sp.segment].text[sp.start : sp.end] for sp in spans]
        replace.avoid([*values, *(s.speaker for s in transcript.segments)])
    segments = []
    for s in transcript.segments:
        speaker = redact_speaker(s.speaker, replace, labels)  # first: it precedes the turn
        red = redact_segment(s, by_segment.get(s.index, []), replace)
        segments.append(replace_speaker(red, speaker))
    return RedactedTranscript(
        segments=tuple(segments),
        policy=policy,
        operators=replace.names,
        detector=detector,
        language=transcript.language,
        duration_s=transcript.duration_s,
        redacted_spans=tuple(sp for s in segments for sp in s.spans),
        source=transcript.source,
    )
