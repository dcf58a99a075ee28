"""Read existing transcripts (WebVTT, SRT, AWS Transcribe JSON) into a raw ``Transcript``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import webvtt

from redactor.errors import InputError
from redactor.transcribe import build_segment
from redactor.types import Segment, Transcript

__all__ = ["read_transcript"]

_NAME_PREFIX = re.compile(r"^\s*([^:\n]{1,60}?):\s+(.*)$", re.S)


def _text_segment(index: int, speaker: str, start: float, end: float, text: str) -> Segment:
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


def _seconds(ts: Any) -> float:
    """webvtt-py's ``*_in_seconds`` drop the milliseconds; word timing needs them."""
    return float(ts.hours * 3600 + ts.minutes * 60 + ts.seconds + ts.milliseconds / 1000)


def _timing_lines(path: Path) -> int:
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        return sum("-->" in line for line in f)


def _read_captions(path: Path, kind: str) -> Transcript:
    try:
        doc = webvtt.read(str(path)) if kind == "vtt" else webvtt.from_srt(str(path))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8 text") from None
    except Exception as exc:  # webvtt-py raises several types for malformed files
        raise InputError(f"{path}: malformed {kind.upper()} ({type(exc).__name__})") from None
    # webvtt-py skips cues whose timing line it cannot read; a dropped cue would be a silently
    # unredacted gap in the stored transcript, so any such line makes the file malformed.
    timing_lines = _timing_lines(path)
    if timing_lines != len(doc.captions):
        raise InputError(
            f"{path}: malformed {kind.upper()} ({timing_lines - len(doc.captions)} cue timing "
            "line(s) not understood)"
        )
    segments: list[Segment] = []
    for cap in doc.captions:
        text = " ".join(cap.text.split())
        speaker = (cap.voice or "").strip()
        if not speaker:
            m = _NAME_PREFIX.match(text)
            if m and not any(ch.isdigit() for ch in m.group(1)):
                speaker, text = m.group(1).strip(), m.group(2).strip()
        if text:
            segments.append(
                _text_segment(
                    len(segments),
                    speaker or "speaker",
                    _seconds(cap.start_time),
                    _seconds(cap.end_time),
                    text,
                )
            )
    if not segments:
        raise InputError(f"{path}: {kind.upper()} file has no cues")
    return Transcript(
        tuple(segments), "en", max(s.end_s for s in segments), kind, f"import/{kind}.v1"
    )


def _read_aws(path: Path) -> Transcript:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        items = data["results"]["items"]
        if not isinstance(items, list):
            raise TypeError
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8 text") from None
    except json.JSONDecodeError:
        raise InputError(f"{path}: not valid JSON") from None
    except (KeyError, TypeError):
        raise InputError(f"{path}: not an AWS Transcribe result (expected results.items)") from None
    speaker_of: dict[str, str] = {}
    for seg in (data["results"].get("speaker_labels") or {}).get("segments", []):
        for it in seg.get("items", []):
            speaker_of[str(it.get("start_time"))] = str(it.get("speaker_label", "speaker"))
    turns: list[tuple[str, list[tuple[str, float, float, float]]]] = []
    try:
        for it in items:
            alt = it["alternatives"][0]
            word = str(alt["content"])
            if it.get("type") == "punctuation":
                if turns and turns[-1][1]:
                    w = turns[-1][1][-1]
                    turns[-1][1][-1] = (w[0] + word, w[1], w[2], w[3])
                continue
            start, end = float(it["start_time"]), float(it["end_time"])
            speaker = it.get("speaker_label") or speaker_of.get(str(it["start_time"]), "speaker")
            if not turns or turns[-1][0] != speaker:
                turns.append((speaker, []))
            turns[-1][1].append((word, start, end, float(alt.get("confidence", 1.0))))
    except (KeyError, IndexError, TypeError, ValueError):
        raise InputError(f"{path}: AWS Transcribe item without content or times") from None
    segments = tuple(build_segment(i, spk, words) for i, (spk, words) in enumerate(turns))
    duration = max((s.end_s for s in segments), default=0.0)
    return Transcript(segments, "en", duration, "aws", "import/aws-transcribe.v1")


def read_transcript(path: Path) -> Transcript:
    suffix = path.suffix.lower()
    if suffix == ".vtt":
        return _read_captions(path, "vtt")
    if suffix == ".srt":
        return _read_captions(path, "srt")
    if suffix == ".json":
        return _read_aws(path)
    raise InputError(f"{path}: not a transcript file (.vtt, .srt, .json)")
