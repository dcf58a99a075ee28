"""Render a redacted transcript. Only ``RedactedTranscript`` is accepted: raw text never leaves.

JSON schema (``--format json``; documented in ``docs/formats.md``)::

    {"schema": "redactor.transcript.v1", "id", "policy", "operators": [...], "detector",
     "language", "duration", "speakers": [...],
     "segments": [{"index", "speaker", "start", "end", "text",
                   "words": [{"word", "start", "end"}],
                   "spans": [{"start", "end", "label"}]}]}   # spans: offsets into the raw text

Times are seconds (floats). WebVTT cues carry ``<v Speaker>`` voice tags; SRT cues start with
``Speaker:``; plain text is ``[mm:ss] Speaker: text`` a line. ``source`` writes the format
the transcript came in (``redactor.formats.source``). Where the redacted audio was verified
(``redactor.audio_check``), JSON has an ``audio_check`` object and text starts with a
``# audio check: ...`` line.
"""

from __future__ import annotations

import io
import json
from typing import Any

import webvtt

from redactor.errors import InputError
from redactor.types import RedactedTranscript

__all__ = ["FORMATS", "audio_check_line", "render", "render_captions"]

FORMATS = ("json", "vtt", "srt", "txt", "source")
JSON_SCHEMA = "redactor.transcript.v1"


def audio_check_line(check: dict[str, Any]) -> str:
    """One line for people: "passed (1 check, 0 widenings)" or why the audio is withheld."""
    n, w = check.get("checks", 0), check.get("widenings", 0)
    counts = f"{n} check{'' if n == 1 else 's'}, {w} widening{'' if w == 1 else 's'}"
    if check.get("passed"):
        return f"passed ({counts})"
    if not check.get("published", True):
        return f"failed, redacted audio withheld ({counts}; {check.get('reason', '')})"
    return f"failed ({counts}; {check.get('reason', '')})"


def _ts(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _cue_end(start: float, end: float) -> float:
    return end if end > start else start + 0.5


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt(t: RedactedTranscript, *, speakers: str) -> webvtt.WebVTT:
    """Cues; ``speakers`` is ``voice`` (``<v Name>``), ``name`` (``Name: ``) or ``plain``."""
    captions = []
    for seg in t.segments:
        if not seg.text:
            continue
        if speakers == "voice":
            body = f"<v {_escape(seg.speaker)}>{_escape(seg.text)}</v>"
        elif speakers == "name":
            body = f"{seg.speaker}: {seg.text}"
        else:
            body = seg.text
        captions.append(
            webvtt.Caption(_ts(seg.start_s), _ts(_cue_end(seg.start_s, seg.end_s)), body)
        )
    return webvtt.WebVTT(captions=captions)


def render_captions(t: RedactedTranscript, kind: str, speakers: str) -> str:
    """WebVTT (``kind="vtt"``) or SRT text of the transcript."""
    if kind == "vtt":
        return _vtt(t, speakers=speakers).content.rstrip("\n") + "\n"
    buf = io.StringIO()
    _vtt(t, speakers=speakers).write(buf, format="srt")
    return buf.getvalue().rstrip("\n") + "\n"


def render(
    t: RedactedTranscript,
    recording_id: str,
    fmt: str,
    *,
    audio_check: dict[str, Any] | None = None,
) -> str:
    """``audio_check``: the stored result of verifying this policy's redacted audio, shown
    as the ``audio_check`` JSON field and as a ``# audio check: ...`` first line of txt."""
    if fmt == "json":
        body = t.to_json(recording_id)
        speakers = list(dict.fromkeys(seg.speaker for seg in t.segments))
        doc = {"schema": JSON_SCHEMA, **body, "speakers": speakers}
        if audio_check is not None:
            doc["audio_check"] = audio_check
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "vtt":
        return render_captions(t, "vtt", "voice")
    if fmt == "srt":
        return render_captions(t, "srt", "name")
    if fmt == "source":
        from redactor.formats.source import render_source

        return render_source(t, recording_id)
    if fmt == "txt":
        lines = [] if audio_check is None else [f"# audio check: {audio_check_line(audio_check)}"]
        for seg in t.segments:
            m, s = divmod(int(seg.start_s), 60)
            lines.append(f"[{m:02d}:{s:02d}] {seg.speaker}: {seg.text}")
        return "\n".join(lines) + ("\n" if lines else "")
    raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
