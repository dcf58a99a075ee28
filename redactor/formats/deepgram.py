"""Deepgram pre-recorded JSON (``results.channels[].alternatives[]``, optional ``utterances``).

Segments are Deepgram's ``utterances`` where the request asked for them; otherwise the first
alternative's words of each channel, cut at speaker changes, pauses and sentence ends. Diarized
words (``speaker``: 0, 1, ...) give ``speaker_0``, ...; a multichannel result without
diarization gives ``channel_0``, ... . ``punctuated_word`` is the word's text where present.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from redactor.errors import InputError
from redactor.formats.build import (
    WordT,
    cut_channels,
    cut_turns,
    num,
    source_words,
    transcript,
    word_segments,
)
from redactor.transcribe import build_segment
from redactor.types import RedactedTranscript, Segment, Transcript

__all__ = ["read_deepgram", "sniff_deepgram", "write_deepgram"]


def sniff_deepgram(data: Any) -> bool:
    results = data.get("results") if isinstance(data, dict) else None
    return isinstance(results, dict) and isinstance(results.get("channels"), list)


def _word(path: Path, w: Any) -> WordT:
    text = str(w.get("punctuated_word") or w["word"])
    return (
        text,
        num(w["start"], path, "a word's start"),
        num(w["end"], path, "a word's end"),
        num(w.get("confidence", 1.0), path, "a word's confidence"),
    )


def _speaker(w: Any, channel: int, multichannel: bool) -> str:
    if w.get("speaker") is not None:
        return f"speaker_{int(w['speaker'])}"
    return f"channel_{channel}" if multichannel else "speaker"


def read_deepgram(path: Path, data: Any) -> Transcript:
    results = data["results"]
    channels = results["channels"]
    multichannel = len(channels) > 1
    utterances = results.get("utterances")
    segments: list[Segment] = []
    try:
        if isinstance(utterances, list) and utterances:
            for u in utterances:
                channel = int(u.get("channel", 0))
                speaker = _speaker(u, channel, multichannel)
                words = [_word(path, w) for w in u.get("words", [])]
                segments.append(build_segment(len(segments), speaker, words))
        else:
            pairs: list[tuple[str, WordT]] = []
            for ch, channel in enumerate(channels):
                alt = channel["alternatives"][0]
                pairs += [(_speaker(w, ch, multichannel), _word(path, w)) for w in alt["words"]]
            pairs.sort(key=lambda sw: sw[1][1])
            segments = word_segments(cut_channels(pairs) if multichannel else cut_turns(pairs))
    except (KeyError, IndexError, TypeError, AttributeError, ValueError):
        raise InputError(f"{path}: Deepgram result without words or times") from None
    meta = data.get("metadata") or {}
    language = channels[0].get("detected_language") if channels else None
    return transcript(
        path,
        segments,
        kind="deepgram",
        producer="import/deepgram.v1",
        source={
            "format": "deepgram",
            "utterances": isinstance(utterances, list),
            "channels": len(channels),
        },
        language=str(language or "").split("-")[0].lower(),
        duration=float(meta.get("duration") or 0.0),
    )


_BARE = re.compile(r"^[^\w\[]+|[^\w\]]+$")


def _dg_words(seg: Any, channel: int) -> list[dict[str, Any]]:
    out = []
    for w in source_words(seg):
        item: dict[str, Any] = {
            "word": _BARE.sub("", w.text).lower() or w.text,
            "start": round(w.start_s, 3),
            "end": round(w.end_s, 3),
            "confidence": round(w.probability, 4),
            "punctuated_word": w.text,
        }
        if seg.speaker.startswith("speaker_"):
            item["speaker"] = int(seg.speaker.removeprefix("speaker_"))
        out.append(item)
    return out


def _channel_of(speaker: str) -> int:
    tail = speaker.removeprefix("channel_")
    return int(tail) if speaker.startswith("channel_") and tail.isdigit() else 0


def write_deepgram(t: RedactedTranscript) -> dict[str, Any]:
    n = max(int(t.source.get("channels", 1)), 1)
    per_channel: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    utterances = []
    for seg in t.segments:
        ch = min(_channel_of(seg.speaker), n - 1)
        words = _dg_words(seg, ch)
        per_channel[ch] += words
        utt: dict[str, Any] = {
            "start": round(seg.start_s, 3),
            "end": round(seg.end_s, 3),
            "confidence": round(min((w.probability for w in source_words(seg)), default=1.0), 4),
            "channel": ch,
            "transcript": seg.text,
            "words": words,
            "id": f"utterance-{seg.index}",
        }
        if words and "speaker" in words[0]:
            utt["speaker"] = words[0]["speaker"]
        utterances.append(utt)
    results: dict[str, Any] = {
        "channels": [
            {
                "alternatives": [
                    {
                        "transcript": " ".join(w["punctuated_word"] for w in words),
                        "confidence": 1.0,
                        "words": words,
                    }
                ],
                "detected_language": t.language,
            }
            for words in per_channel
        ]
    }
    if t.source.get("utterances"):
        results["utterances"] = utterances
    return {
        "metadata": {"duration": round(t.duration_s, 3), "channels": n},
        "results": results,
    }
