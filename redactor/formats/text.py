"""Plain-text transcripts, recognised by their line patterns.

| layout | lines |
|---|---|
| ``cues`` (Teams .docx export) | ``00:00:01.000 --> 00:00:04.000``, then the speaker, then text |
| ``ranged`` (whisper + pyannote) | ``[0:00:06.835 - 0:00:07.235] SPEAKER_00 - text`` |
| ``zoom`` (Zoom .txt) | ``[Name] 12:34:56``, then text |
| ``timed`` | ``[00:01:02] Name: text`` or ``00:01:02 Name: text`` (also our own ``txt``) |
| ``named`` | ``Name: text`` (also diarized ``SPEAKER_00: text``), no times |

Lines that match no pattern continue the text of the line before. A layout is chosen when
most lines that open a turn follow it; times without an end run to the next turn's start.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from redactor.errors import InputError
from redactor.formats.build import text_segment, transcript
from redactor.types import RedactedTranscript, Segment, Transcript

__all__ = ["read_text", "sniff_text", "write_text"]

_T = r"(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)"
_CUE = re.compile(rf"^{_T}\s*-->\s*{_T}\s*$")
_RANGED = re.compile(rf"^\[{_T}\s*-\s*{_T}\]\s+(.{{1,60}}?)\s+-\s+(.*)$")
_ZOOM = re.compile(rf"^\[(.{{1,60}}?)\]\s+{_T}\s*$")
_TIMED = re.compile(rf"^\[?{_T}\]?\s+([^:\d][^:]{{0,59}}?):\s+(.*)$")
_NAMED = re.compile(r"^([^:\d\s][^:]{0,59}?):\s+(.*)$")

Turn = tuple[str, float | None, float | None, str]  # speaker, start, end, text


def _secs(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    out = 0.0
    for p in parts:
        out = out * 60 + float(p)
    return out


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def _parse_cues(lines: list[str]) -> list[Turn]:
    turns: list[Turn] = []
    i = 0
    while i < len(lines):
        m = _CUE.match(lines[i])
        if not m:
            if turns:
                spk, s, e, txt = turns[-1]
                turns[-1] = (spk, s, e, f"{txt} {lines[i]}".strip())
            i += 1
            continue
        speaker = lines[i + 1] if i + 1 < len(lines) and not _CUE.match(lines[i + 1]) else ""
        turns.append((speaker, _secs(m.group(1)), _secs(m.group(2)), ""))
        i += 2
    return turns


Parser = Callable[[list[str]], list[Turn]]


def _parse_by(pattern: re.Pattern[str], build: Callable[[re.Match[str]], Turn]) -> Parser:
    def parse(lines: list[str]) -> list[Turn]:
        turns: list[Turn] = []
        for line in lines:
            m = pattern.match(line)
            if m:
                turns.append(build(m))
            elif turns:
                spk, s, e, txt = turns[-1]
                turns[-1] = (spk, s, e, f"{txt} {line}".strip())
        return turns

    return parse


_LAYOUTS: dict[str, tuple[re.Pattern[str], Parser]] = {
    "cues": (_CUE, _parse_cues),
    "ranged": (
        _RANGED,
        _parse_by(_RANGED, lambda m: (m[3], _secs(m[1]), _secs(m[2]), m[4].strip())),
    ),
    "zoom": (_ZOOM, _parse_by(_ZOOM, lambda m: (m[1].strip(), _secs(m[2]), None, ""))),
    "timed": (_TIMED, _parse_by(_TIMED, lambda m: (m[2].strip(), _secs(m[1]), None, m[3]))),
    "named": (_NAMED, _parse_by(_NAMED, lambda m: (m[1].strip(), None, None, m[2]))),
}


def sniff_text(text: str) -> str | None:
    """The layout most of the first lines follow (at least half of them), else None."""
    lines = _lines(text)[:60]
    if not lines:
        return None
    for name, (pattern, _) in _LAYOUTS.items():
        hits = sum(bool(pattern.match(ln)) for ln in lines)
        # Cue and Zoom layouts put text on their own lines: a third of lines opening turns.
        need = 0.25 if name in ("cues", "zoom") else 0.5
        if hits and hits >= need * len(lines):
            return name
    return None


def read_text(path: Path, text: str, layout: str) -> Transcript:
    turns = _LAYOUTS[layout][1](_lines(text))
    segments: list[Segment] = []
    timed = layout != "named"
    for i, (speaker, start, end, body) in enumerate(turns):
        s = start or 0.0
        if end is None:
            nxt = next((t[1] for t in turns[i + 1 :] if t[1] is not None), None)
            end = max(s, nxt) if nxt is not None else s
        body = " ".join(body.split())
        if body:
            segments.append(text_segment(len(segments), speaker or "speaker", s, end, body))
    if not segments:
        raise InputError(f"{path}: text transcript has no lines of speech")
    return transcript(
        path,
        segments,
        kind="text",
        producer="import/text.v1",
        source={"format": "text", "layout": layout, "timed": timed},
    )


def _clock(seconds: float, *, ms: bool) -> str:
    total = round(seconds * 1000)
    h, rem = divmod(total, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, frac = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}" + (f".{frac:03d}" if ms else "")


def write_text(t: RedactedTranscript) -> str:
    layout = t.source.get("layout", "timed")
    out: list[str] = []
    for seg in t.segments:
        a, b = _clock(seg.start_s, ms=True), _clock(seg.end_s, ms=True)
        if layout == "cues":
            out += [f"{a} --> {b}", seg.speaker, seg.text]
        elif layout == "ranged":
            out.append(f"[{a} - {b}] {seg.speaker} - {seg.text}")
        elif layout == "zoom":
            out += [f"[{seg.speaker}] {_clock(seg.start_s, ms=False)}", seg.text, ""]
        elif layout == "named":
            out.append(f"{seg.speaker}: {seg.text}")
        else:
            out.append(f"[{_clock(seg.start_s, ms=False)}] {seg.speaker}: {seg.text}")
    return "\n".join(out).rstrip("\n") + "\n"
