"""WebVTT and SRT captions (Zoom, Teams, WhisperX, Deepgram, YouTube auto-captions).

Cue speakers come from a ``<v Name>`` voice tag or a ``Name:`` prefix. YouTube's rolling
auto-captions repeat every line in the next cue (and flash a 10 ms cue between): only the
lines that carry ``<00:00:01.000><c> word</c>`` timing tags are new, so those are kept, once,
with each word's own time from its tag.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import webvtt

from redactor.errors import InputError
from redactor.formats.build import WordT, text_segment, transcript
from redactor.transcribe import build_segment
from redactor.types import Segment, Transcript

__all__ = ["read_captions", "sniff_captions"]

_NAME_PREFIX = re.compile(r"^\s*([^:\n]{1,60}?):\s+(.*)$", re.S)
# A redacted speaker ("[PERSON_1]: ...", our own output read back) is a speaker, digits and all.
_PLACEHOLDER = re.compile(r"^\[[A-Z_]+_\d+\]$")
_TIMING = re.compile(r"^\s*(\d+:)?\d{1,2}:\d{2}[.,]\d{3}\s*-->\s*(\d+:)?\d{1,2}:\d{2}[.,]\d{3}")
_WORD_TAG = re.compile(r"<(\d+:\d{2}:\d{2}\.\d{3})><c>(.*?)</c>")
_ANY_TAG = re.compile(r"<[^>]*>")
_LANGUAGE = re.compile(r"^Language:\s*([A-Za-z]{2,3})\b", re.M)


def sniff_captions(head: str) -> str | None:
    """``vtt`` for a WEBVTT header, ``srt`` for numbered cues with comma times, else None."""
    text = head.lstrip("\ufeff")
    if text.startswith("WEBVTT"):
        return "vtt"
    lines = [ln.strip() for ln in text.splitlines()[:6] if ln.strip()]
    if len(lines) >= 2 and lines[0].isdigit() and _TIMING.match(lines[1]) and "," in lines[1]:
        return "srt"
    return None


def _seconds(ts: Any) -> float:
    """webvtt-py's ``*_in_seconds`` drop the milliseconds; word timing needs them."""
    return float(ts.hours * 3600 + ts.minutes * 60 + ts.seconds + ts.milliseconds / 1000)


def _clock(value: str) -> float:
    h, m, s = value.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _timing_lines(path: Path) -> int:
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        return sum("-->" in line for line in f)


def _rolling_words(raw: str, start: float, end: float) -> list[list[WordT]]:
    """The new lines of a rolling cue, each as words timed by its tags."""
    out = []
    for line in raw.splitlines():
        tags = list(_WORD_TAG.finditer(line))
        if not tags:
            continue  # a repeat of the previous cue's line (or blank)
        pieces: list[tuple[str, float]] = []
        head = _ANY_TAG.sub("", line[: tags[0].start()]).strip()
        if head:
            pieces.append((head, start))
        pieces += [(m.group(2).strip(), _clock(m.group(1))) for m in tags]
        words: list[WordT] = []
        for i, (text, t) in enumerate(pieces):
            nxt = pieces[i + 1][1] if i + 1 < len(pieces) else end
            for tok in text.split():
                words.append((tok, t, max(t, nxt), 1.0))
        if words:
            out.append(words)
    return out


def read_captions(path: Path, kind: str) -> Transcript:
    try:
        doc = webvtt.read(str(path)) if kind == "vtt" else webvtt.from_srt(str(path))
        header = path.read_text(encoding="utf-8-sig").split("\n\n", 1)[0]
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
    rolling = kind == "vtt" and any(_WORD_TAG.search(c.raw_text) for c in doc.captions)
    segments: list[Segment] = []
    layouts: set[str] = set()
    for cap in doc.captions:
        start, end = _seconds(cap.start_time), _seconds(cap.end_time)
        if rolling:
            for words in _rolling_words(cap.raw_text, start, end):
                segments.append(build_segment(len(segments), "speaker", words))
            continue
        text = " ".join(cap.text.split())
        speaker = (cap.voice or "").strip()
        if speaker:
            layouts.add("voice")
        else:
            m = _NAME_PREFIX.match(text)
            if m and (_PLACEHOLDER.match(m.group(1)) or not any(c.isdigit() for c in m.group(1))):
                speaker, text = m.group(1).strip(), m.group(2).strip()
                layouts.add("name")
        if text:
            segments.append(text_segment(len(segments), speaker or "speaker", start, end, text))
    if not segments:
        raise InputError(f"{path}: {kind.upper()} file has no cues")
    layout = "voice" if "voice" in layouts else "name" if layouts else "plain"
    lang = _LANGUAGE.search(header) if kind == "vtt" else None
    return transcript(
        path,
        segments,
        kind=kind,
        producer=f"import/{kind}.v2",
        source={"format": kind, "layout": layout, "rolling": rolling},
        language=lang.group(1).lower() if lang else "",
    )
