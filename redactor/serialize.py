"""Lossless JSON forms of the transcript types, for the store (not the public JSON export)."""

from __future__ import annotations

from typing import Any

from redactor.types import RedactedSegment, RedactedTranscript, Segment, Span, Transcript, Word

__all__ = ["redacted_from_dict", "redacted_to_dict", "transcript_from_dict", "transcript_to_dict"]


def _words(words: tuple[Word, ...]) -> list[list[Any]]:
    return [[w.text, w.start_s, w.end_s, w.char_start, w.char_end, w.probability] for w in words]


def _unwords(rows: list[list[Any]]) -> tuple[Word, ...]:
    return tuple(
        Word(str(r[0]), float(r[1]), float(r[2]), int(r[3]), int(r[4]), float(r[5])) for r in rows
    )


def _spans(spans: tuple[Span, ...]) -> list[list[Any]]:
    return [[s.segment, s.start, s.end, s.label, s.score, s.recognizer] for s in spans]


def _unspans(rows: list[list[Any]]) -> tuple[Span, ...]:
    return tuple(
        Span(int(r[0]), int(r[1]), int(r[2]), str(r[3]), float(r[4]), str(r[5])) for r in rows
    )


def transcript_to_dict(t: Transcript) -> dict[str, Any]:
    return {
        "language": t.language,
        "duration_s": t.duration_s,
        "source_kind": t.source_kind,
        "producer": t.producer,
        "source": t.source,
        "segments": [
            {
                "index": s.index,
                "speaker": s.speaker,
                "start_s": s.start_s,
                "end_s": s.end_s,
                "text": s.text,
                "words": _words(s.words),
            }
            for s in t.segments
        ],
    }


def transcript_from_dict(d: dict[str, Any]) -> Transcript:
    return Transcript(
        segments=tuple(
            Segment(
                int(s["index"]),
                str(s["speaker"]),
                float(s["start_s"]),
                float(s["end_s"]),
                str(s["text"]),
                _unwords(s["words"]),
            )
            for s in d["segments"]
        ),
        language=d.get("language", "en"),
        duration_s=float(d.get("duration_s", 0.0)),
        source_kind=d.get("source_kind", "audio"),
        producer=d.get("producer", ""),
        source=dict(d.get("source") or {}),
    )


def redacted_to_dict(t: RedactedTranscript) -> dict[str, Any]:
    return {
        "policy": t.policy,
        "operators": list(t.operators),
        "detector": t.detector,
        "language": t.language,
        "duration_s": t.duration_s,
        "source": t.source,
        "segments": [
            {
                "index": s.index,
                "speaker": s.speaker,
                "start_s": s.start_s,
                "end_s": s.end_s,
                "text": s.text,
                "words": _words(s.words),
                "spans": _spans(s.spans),
            }
            for s in t.segments
        ],
    }


def redacted_from_dict(d: dict[str, Any]) -> RedactedTranscript:
    segments = tuple(
        RedactedSegment(
            int(s["index"]),
            str(s["speaker"]),
            float(s["start_s"]),
            float(s["end_s"]),
            str(s["text"]),
            _unwords(s["words"]),
            _unspans(s["spans"]),
        )
        for s in d["segments"]
    )
    return RedactedTranscript(
        segments=segments,
        policy=str(d["policy"]),
        operators=tuple(d.get("operators", ())),
        detector=str(d.get("detector", "")),
        language=d.get("language", "en"),
        duration_s=float(d.get("duration_s", 0.0)),
        redacted_spans=tuple(sp for s in segments for sp in s.spans),
        source=dict(d.get("source") or {}),
    )
