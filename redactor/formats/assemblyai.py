"""AssemblyAI transcript JSON (``words``, optional ``utterances``; times in milliseconds).

Segments are the ``utterances`` where speaker labels were asked for, otherwise the ``words``
cut at speaker changes, pauses and sentence ends. Speakers ``A``, ``B``, ... become
``speaker_A``, ``speaker_B`` (generic labels, kept as they are by the redaction).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redactor.errors import InputError
from redactor.formats.build import WordT, cut_turns, num, source_words, transcript, word_segments
from redactor.transcribe import build_segment
from redactor.types import RedactedTranscript, Segment, Transcript

__all__ = ["read_assemblyai", "sniff_assemblyai", "write_assemblyai"]


def sniff_assemblyai(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("words"), list):
        return False
    first = data["words"][0] if data["words"] else {}
    return "utterances" in data or "audio_duration" in data or isinstance(first.get("start"), int)


def _word(path: Path, w: Any) -> WordT:
    return (
        str(w["text"]),
        num(w["start"], path, "a word's start") / 1000,
        num(w["end"], path, "a word's end") / 1000,
        num(w.get("confidence", 1.0), path, "a word's confidence"),
    )


def _speaker(value: Any) -> str:
    return "speaker" if value in (None, "") else f"speaker_{value}"


def read_assemblyai(path: Path, data: Any) -> Transcript:
    utterances = data.get("utterances")
    try:
        if isinstance(utterances, list) and utterances:
            segments: list[Segment] = [
                build_segment(i, _speaker(u.get("speaker")), [_word(path, w) for w in u["words"]])
                for i, u in enumerate(utterances)
            ]
        else:
            pairs = [(_speaker(w.get("speaker")), _word(path, w)) for w in data["words"]]
            segments = word_segments(cut_turns(pairs))
    except (KeyError, TypeError, AttributeError):
        raise InputError(f"{path}: AssemblyAI result without words or times") from None
    return transcript(
        path,
        segments,
        kind="assemblyai",
        producer="import/assemblyai.v1",
        source={"format": "assemblyai", "utterances": isinstance(utterances, list)},
        language=str(data.get("language_code") or "").split("_")[0].lower(),
        duration=float(data.get("audio_duration") or 0.0),
    )


def write_assemblyai(t: RedactedTranscript) -> dict[str, Any]:
    words_all: list[dict[str, Any]] = []
    utterances = []
    for seg in t.segments:
        label = seg.speaker.removeprefix("speaker_") if seg.speaker != "speaker" else None
        words = [
            {
                "text": w.text,
                "start": round(w.start_s * 1000),
                "end": round(w.end_s * 1000),
                "confidence": round(w.probability, 4),
                "speaker": label,
            }
            for w in source_words(seg)
        ]
        words_all += words
        utterances.append(
            {
                "confidence": round(
                    min((w.probability for w in source_words(seg)), default=1.0), 4
                ),
                "end": round(seg.end_s * 1000),
                "speaker": label,
                "start": round(seg.start_s * 1000),
                "text": seg.text,
                "words": words,
            }
        )
    return {
        "status": "completed",
        "language_code": t.language,
        "text": " ".join(s.text for s in t.segments),
        "words": words_all,
        "utterances": utterances if t.source.get("utterances") else None,
        "audio_duration": round(t.duration_s),
    }
