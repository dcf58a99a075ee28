"""Message logs (chat, SMS): JSON lines, CSV, and Zoom's chat export.

Each message is one segment: the sender is its speaker (a phone number or e-mail as sender is
redacted like any other value: ``redact.speaker_label``), its time the segment's start (seconds
after the first message for absolute times), its text the segment's text. Fields are found by
name, case-insensitively:

| field | names |
|---|---|
| sender | from, sender, author, user, name, phone, number, speaker |
| time | timestamp, time, ts, date, datetime, sent_at, created_at |
| text | text, body, message, content |

Times may be ISO 8601, Unix seconds or milliseconds, or ``hh:mm:ss`` offsets. Other fields
(recipients, ids) are not kept: they could carry personal data the engine does not redact.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from redactor.errors import InputError
from redactor.formats.build import text_segment, transcript
from redactor.types import RedactedTranscript, Transcript

__all__ = ["read_messages", "sniff_messages", "write_messages"]

FIELDS = {
    "sender": ("from", "sender", "author", "user", "name", "phone", "number", "speaker"),
    "time": ("timestamp", "time", "ts", "date", "datetime", "sent_at", "created_at"),
    "text": ("text", "body", "message", "content"),
}
_ZOOM_CHAT = re.compile(r"^(\d{1,2}:\d{2}:\d{2})\t([^\t]{1,80}?):?\t(.*)$")
_ZOOM_OLD = re.compile(
    r"^(\d{1,2}:\d{2}:\d{2})\s+From\s+(.{1,80}?)(?:\s+to\s+[^:]{1,80})?\s*:\s(.*)$"
)
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$")


def _keys(names: list[str]) -> dict[str, str] | None:
    lower = {n.strip().lower(): n for n in names}
    found = {}
    for role, options in FIELDS.items():
        key = next((lower[o] for o in options if o in lower), None)
        if key is None:
            return None
        found[role] = key
    return found


def _jsonl(text: str) -> list[dict[str, Any]] | None:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            return None
        if not isinstance(row, dict):
            return None
        rows.append(row)
    return rows or None


def sniff_messages(text: str) -> str | None:
    """``jsonl``, ``csv`` or ``zoom-chat`` when the text is a message log, else None."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:60]
    if not lines:
        return None
    if lines[0].lstrip().startswith("{"):
        rows = _jsonl("\n".join(lines))
        return "jsonl" if rows and _keys(list(rows[0])) else None
    zoom = sum(bool(_ZOOM_CHAT.match(ln) or _ZOOM_OLD.match(ln)) for ln in lines)
    if zoom >= 0.5 * len(lines):
        return "zoom-chat"
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
        header = next(csv.reader([lines[0]], dialect))
    except csv.Error:
        return None
    return "csv" if _keys(header) else None


def _time(value: Any, path: Path) -> tuple[float, str]:
    """(seconds, kind): absolute times are Unix seconds here, relative ones offsets."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        v = float(value)
        return (v / 1000, "epoch-ms") if v > 1e11 else (v, "epoch")
    text = str(value).strip()
    if _CLOCK.match(text):
        parts = [float(p) for p in text.split(":")]
        secs = 0.0
        for p in parts:
            secs = secs * 60 + p
        return secs, "clock"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{path}: message time is not ISO 8601, Unix time or hh:mm:ss") from None
    return dt.timestamp(), "iso" + ("" if dt.tzinfo is None else "-tz")


def _rows(path: Path, text: str, layout: str) -> tuple[list[tuple[str, Any, str]], dict[str, str]]:
    if layout == "zoom-chat":
        out = []
        for line in text.splitlines():
            m = _ZOOM_CHAT.match(line) or _ZOOM_OLD.match(line)
            if m:
                out.append((m[2].strip(), m[1], m[3]))
            elif line.strip() and out:  # a message that runs over several lines
                s, t, body = out[-1]
                out[-1] = (s, t, f"{body}\n{line}")
        return out, {}
    if layout == "jsonl":
        records = _jsonl(text) or []
    else:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
        records = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    keys = _keys(list(records[0])) if records else None
    if keys is None:
        raise InputError(f"{path}: message log without sender, time and text fields")
    try:
        rows = [(str(r[keys["sender"]]), r[keys["time"]], str(r[keys["text"]])) for r in records]
    except KeyError:
        raise InputError(f"{path}: a message without sender, time or text") from None
    return rows, keys


def read_messages(path: Path, text: str, layout: str) -> Transcript:
    rows, keys = _rows(path, text, layout)
    times = [_time(t, path) for _, t, _ in rows]
    kinds = {k for _, k in times}
    if len(kinds) > 1:
        raise InputError(f"{path}: message times mix formats ({', '.join(sorted(kinds))})")
    kind = kinds.pop() if kinds else "clock"
    base = 0.0 if kind == "clock" else min(t for t, _ in times)
    segments = [
        text_segment(i, sender.strip() or "speaker", t - base, t - base, body)
        for i, ((sender, _, body), (t, _)) in enumerate(zip(rows, times, strict=True))
    ]
    order = sorted(range(len(segments)), key=lambda i: segments[i].start_s)  # stable: ties kept
    source: dict[str, Any] = {"format": "messages", "layout": layout, "time": kind, "keys": keys}
    if kind.startswith("iso"):
        first = next(str(t).strip() for _, t, _ in rows if _time(t, path)[0] == base)
        source["base"] = first
    elif kind.startswith("epoch"):
        source["base"] = base
    return transcript(
        path,
        [segments[i] for i in order],
        kind="messages",
        producer="import/messages.v1",
        source=source,
    )


def _stamp(t: RedactedTranscript, seconds: float) -> Any:
    kind, base = t.source.get("time", "clock"), t.source.get("base", 0.0)
    if kind.startswith("iso"):
        return (datetime.fromisoformat(str(base)) + timedelta(seconds=seconds)).isoformat()
    if kind == "epoch":
        return round(float(base) + seconds, 3)
    if kind == "epoch-ms":
        return round((float(base) + seconds) * 1000)
    h, rem = divmod(round(seconds), 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


def write_messages(t: RedactedTranscript) -> str:
    layout = t.source.get("layout", "jsonl")
    if layout == "zoom-chat":
        lines = [f"{_stamp(t, s.start_s)}\t{s.speaker}:\t{s.text}" for s in t.segments]
        return "\n".join(lines) + "\n"
    keys = t.source.get("keys") or {r: r for r in FIELDS}
    rows = [
        {keys["sender"]: s.speaker, keys["time"]: _stamp(t, s.start_s), keys["text"]: s.text}
        for s in t.segments
    ]
    if layout == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[keys["sender"], keys["time"], keys["text"]])
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
