"""Whisper-family JSON: OpenAI Whisper, faster-whisper, WhisperX, whisper-timestamped
(``segments[]`` with optional ``words[]``), whisper.cpp ``-oj`` (``transcription[]``) and the
Hugging Face ASR pipeline's ``chunks`` (a list of ``{text, timestamp: [start, end]}``).

A segment's words keep their own times and confidence (``probability``, ``score`` or
``confidence``); a word WhisperX could not align (no times) gets its neighbours' interval, and
a segment without words gets its interval spread over its words by length. WhisperX's
``speaker`` (``SPEAKER_00``) is kept. Word-level HF chunks are cut into segments at pauses
and sentence ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redactor.errors import InputError
from redactor.formats.build import (
    WordT,
    cut_turns,
    num,
    source_words,
    text_segment,
    transcript,
    word_segments,
)
from redactor.transcribe import build_segment
from redactor.types import RedactedTranscript, Segment, Transcript

__all__ = [
    "read_hf_chunks",
    "read_whisper",
    "read_whispercpp",
    "sniff_hf_chunks",
    "sniff_whisper",
    "sniff_whispercpp",
    "write_hf_chunks",
    "write_whisper",
    "write_whispercpp",
]

_CONFIDENCE_KEYS = ("probability", "score", "confidence")


def sniff_whisper(data: Any) -> bool:
    segs = data.get("segments") if isinstance(data, dict) else None
    return isinstance(segs, list) and all(
        isinstance(s, dict) and "text" in s and "start" in s for s in segs[:5]
    )


def sniff_whispercpp(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("transcription"), list)


def _chunk_list(data: Any) -> Any:
    return data.get("chunks") if isinstance(data, dict) else data


def sniff_hf_chunks(data: Any) -> bool:
    chunks = _chunk_list(data)
    return (
        isinstance(chunks, list)
        and bool(chunks)
        and all(isinstance(c, dict) and "timestamp" in c and "text" in c for c in chunks[:5])
    )


def _flavour(segments: list[Any]) -> str:
    words = [w for s in segments for w in s.get("words") or []]
    if any("score" in w for w in words):
        return "whisperx"
    if any("text" in w for w in words):
        return "timestamped"
    return "openai"


def _seg_words(path: Path, seg: Any, start: float, end: float) -> list[WordT]:
    raw = seg.get("words") or []
    out: list[WordT] = []
    for i, w in enumerate(raw):
        text = str(w.get("word", w.get("text", ""))).strip()
        conf = next((w[k] for k in _CONFIDENCE_KEYS if w.get(k) is not None), 1.0)
        if w.get("start") is None or w.get("end") is None:  # WhisperX: an unaligned word
            prev_end = out[-1][2] if out else start
            later = [x["start"] for x in raw[i + 1 :] if x.get("start") is not None]
            ws, we = prev_end, (later[0] if later else end)
        else:
            ws, we = num(w["start"], path, "a word's start"), num(w["end"], path, "a word's end")
        out.append((text, ws, max(ws, we), num(conf, path, "a word's confidence")))
    return out


def read_whisper(path: Path, data: Any) -> Transcript:
    segments: list[Segment] = []
    try:
        for seg in data["segments"]:
            start, end = num(seg["start"], path, "a start"), num(seg["end"], path, "an end")
            speaker = str(seg.get("speaker") or "speaker")
            words = _seg_words(path, seg, start, end)
            if words:
                segments.append(build_segment(len(segments), speaker, words))
            else:
                text = " ".join(str(seg["text"]).split())
                segments.append(text_segment(len(segments), speaker, start, end, text))
    except (KeyError, TypeError, AttributeError):
        raise InputError(f"{path}: Whisper JSON segment without text or times") from None
    flavour = _flavour(data["segments"]) if "word_segments" not in data else "whisperx"
    return transcript(
        path,
        segments,
        kind="whisper",
        producer="import/whisper-json.v1",
        source={"format": "whisper", "flavour": flavour},
        language=str(data.get("language") or "").lower(),
    )


def read_whispercpp(path: Path, data: Any) -> Transcript:
    segments: list[Segment] = []
    try:
        for seg in data["transcription"]:
            start = num(seg["offsets"]["from"], path, "an offset") / 1000
            end = num(seg["offsets"]["to"], path, "an offset") / 1000
            text = " ".join(str(seg["text"]).split())
            segments.append(text_segment(len(segments), "speaker", start, end, text))
    except (KeyError, TypeError, AttributeError):
        raise InputError(f"{path}: whisper.cpp JSON segment without text or offsets") from None
    result = data.get("result") or {}
    language = result.get("language") or (data.get("params") or {}).get("language") or ""
    return transcript(
        path,
        segments,
        kind="whispercpp",
        producer="import/whispercpp-json.v1",
        source={"format": "whispercpp"},
        language="" if language == "auto" else str(language).lower(),
    )


def read_hf_chunks(path: Path, data: Any) -> Transcript:
    chunks = _chunk_list(data)
    items: list[WordT] = []
    try:
        for c in chunks:
            ts = c["timestamp"]
            start = num(ts[0], path, "a chunk's start")
            end = start if ts[1] is None else num(ts[1], path, "a chunk's end")
            items.append((" ".join(str(c["text"]).split()), start, max(start, end), 1.0))
    except (KeyError, IndexError, TypeError):
        raise InputError(f"{path}: Hugging Face chunk without text or timestamp") from None
    word_level = sum(len(t.split()) <= 1 for t, *_ in items) >= 0.8 * len(items)
    if word_level:
        segments = word_segments(cut_turns(("speaker", w) for w in items if w[0]))
    else:
        segments = [text_segment(i, "speaker", s, e, t) for i, (t, s, e, _) in enumerate(items)]
    return transcript(
        path,
        segments,
        kind="hf-chunks",
        producer="import/hf-chunks.v1",
        source={"format": "hf-chunks", "words": word_level, "wrapped": isinstance(data, dict)},
    )


def write_whisper(t: RedactedTranscript) -> dict[str, Any]:
    flavour = t.source.get("flavour", "openai")
    conf_key = {"whisperx": "score", "timestamped": "confidence"}.get(flavour, "probability")
    word_key = "text" if flavour == "timestamped" else "word"
    segments = []
    for seg in t.segments:
        item: dict[str, Any] = {
            "id": seg.index,
            "start": round(seg.start_s, 3),
            "end": round(seg.end_s, 3),
            "text": " " + seg.text,
            "words": [
                {
                    word_key: w.text if flavour != "openai" else " " + w.text,
                    "start": round(w.start_s, 3),
                    "end": round(w.end_s, 3),
                    conf_key: round(w.probability, 4),
                }
                for w in source_words(seg)
            ],
        }
        if seg.speaker != "speaker":
            item["speaker"] = seg.speaker
        segments.append(item)
    doc: dict[str, Any] = {
        "text": "".join(s["text"] for s in segments),
        "segments": segments,
        "language": t.language,
    }
    if flavour == "whisperx":
        doc["word_segments"] = [w for s in segments for w in s["words"]]
    return doc


def _cpp_ts(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def write_whispercpp(t: RedactedTranscript) -> dict[str, Any]:
    return {
        "result": {"language": t.language},
        "transcription": [
            {
                "timestamps": {"from": _cpp_ts(s.start_s), "to": _cpp_ts(s.end_s)},
                "offsets": {"from": round(s.start_s * 1000), "to": round(s.end_s * 1000)},
                "text": " " + s.text,
            }
            for s in t.segments
        ],
    }


def write_hf_chunks(t: RedactedTranscript) -> Any:
    chunks: list[dict[str, Any]]
    if t.source.get("words"):
        chunks = [
            {"text": " " + w.text, "timestamp": [round(w.start_s, 3), round(w.end_s, 3)]}
            for s in t.segments
            for w in source_words(s)
        ]
    else:
        chunks = [
            {"text": " " + s.text, "timestamp": [round(s.start_s, 3), round(s.end_s, 3)]}
            for s in t.segments
        ]
    if t.source.get("wrapped"):
        return {"text": "".join(c["text"] for c in chunks), "chunks": chunks}
    return chunks
